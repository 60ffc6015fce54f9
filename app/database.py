"""Per-connection database settings.

SQLite keeps foreign keys off, journals in `delete` mode and gives up on a lock after
five seconds unless told otherwise on every connection; under a threaded server that
left orphan rows behind deleted complaints and failed registrations with
`database is locked`. PostgreSQL needs none of this.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine


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
