"""Per-connection database settings, and one clear line when the database is unreachable.

SQLite keeps foreign keys off, journals in `delete` mode and gives up on a lock after
five seconds unless told otherwise on every connection; under a threaded server that
left orphan rows behind deleted complaints and failed registrations with
`database is locked`. PostgreSQL needs none of this.
"""

import logging

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError

from app.shipped import ConfigError

CHECK = {
    "sqlite": "check DATABASE_URL and that its folder exists and is writable",
    "server": "check DATABASE_URL (host, port, database name, user and password), that the "
              "database server is running and that it accepts connections from this machine",
}


log = logging.getLogger(__name__)
ANALYSIS_LIMIT = 400  # rows sampled per index


class DatabaseUnavailable(ConfigError):
    """The database cannot be reached; the message says where and what to check."""


def describe(url: URL) -> str:
    """Where the database is, without the password."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database or ':memory:'}"
    port = f":{url.port}" if url.port else ""
    return f"{url.get_backend_name()} server {url.host or 'localhost'}{port}, database {url.database}"


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        text = str(exc.orig or exc).strip()
        reason = text.splitlines()[0] if text else type(exc.orig or exc).__name__
        check = CHECK["sqlite" if engine.dialect.name == "sqlite" else "server"]
        raise DatabaseUnavailable(f"cannot connect to the {describe(engine.url)} ({reason}); "
                                  f"{check}") from None


def configure_engine(engine: Engine, *, busy_timeout_seconds: int) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_settings(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Readers no longer block the writer, nor the writer the readers.
        cursor.execute("PRAGMA journal_mode=WAL")
        # Writers queue for the lock instead of failing after the default five seconds.
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_seconds * 1000)}")
        cursor.close()


def refresh_statistics(engine: Engine, *, only_if_missing: bool = False) -> None:
    """SQLite's query planner statistics (ANALYZE, sampling a few hundred rows per index:
    milliseconds at a million complaints once the pages are cached).

    Without them SQLite guesses, and guessed wrong where it mattered: the duplicate search
    at registration walked the whole `duplicate_of_id` index (nearly every complaint has
    none) instead of the customer's complaints. Taken at start when missing, and by the
    scheduler every hour, as the tables grow. PostgreSQL keeps its own (autovacuum)."""
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.connect() as conn:
            if only_if_missing and _has_complaint_statistics(conn):
                return
            conn.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    except DBAPIError as exc:  # locked or read-only: the next start or hour tries again
        log.warning("SQLite statistics not refreshed: %s", exc.orig or exc)


def _has_complaint_statistics(conn) -> bool:
    """Statistics taken while the tables were empty (a new database) hold no row for the
    complaints, the table they matter for."""
    if not conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        return False
    return conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_stat1 WHERE tbl = 'complaint'").first() is not None
