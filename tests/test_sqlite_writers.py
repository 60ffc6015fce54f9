"""SQLite writers queue on a file lock (app/sqlite_writers.py): a second writer waits for
the first one's commit instead of sleeping in SQLite's busy handler, and the lock is let
go at commit, rollback and close."""

import fcntl
import os
import sqlite3
import threading
import time

import pytest

from app.sqlite_writers import connection_class


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "writers.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (n INTEGER)")
    return path


def connect(path, wait_seconds=5):
    return sqlite3.connect(path, factory=connection_class(wait_seconds), timeout=5,
                           check_same_thread=False)


def test_a_second_writer_waits_for_the_first_commit(database):
    first, second = connect(database), connect(database)
    first.execute("INSERT INTO t VALUES (1)")  # holds the queue until its commit
    done = []

    def write():
        second.execute("INSERT INTO t VALUES (2)")
        second.commit()
        done.append(time.monotonic())

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.2)
    assert not done  # still queued
    committed = time.monotonic()
    first.commit()
    thread.join(5)
    assert done and done[0] >= committed
    assert sorted(n for (n,) in first.execute("SELECT n FROM t")) == [1, 2]


def queue_is_free(database) -> bool:
    """Whether another process could take the writers' lock now."""
    fd = os.open(f"{database}.writers", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


@pytest.mark.parametrize("ending", ["commit", "rollback", "close"])
def test_the_queue_is_let_go_when_a_transaction_ends(database, ending):
    first = connect(database)
    first.execute("INSERT INTO t VALUES (1)")
    assert not queue_is_free(database)
    getattr(first, ending)()
    assert queue_is_free(database)


def test_reading_does_not_queue(database):
    first, second = connect(database), connect(database)
    first.execute("INSERT INTO t VALUES (1)")
    assert second.execute("SELECT count(*) FROM t").fetchone() == (0,)  # not kept waiting
    second.commit()
    first.commit()
    assert queue_is_free(database)


def test_a_stuck_holder_only_delays_the_queue(database):
    """After its wait the writer goes on to SQLite's own locking, which still refuses a
    second writer while the first holds its transaction open."""
    first, second = connect(database), connect(database, wait_seconds=0.2)
    second.execute("PRAGMA busy_timeout=100")
    first.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute("INSERT INTO t VALUES (2)")
    first.commit()


def test_an_in_memory_database_has_no_lock_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    conn = sqlite3.connect(":memory:", factory=connection_class(1))
    conn.execute("CREATE TABLE t (n INTEGER)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    assert list(tmp_path.iterdir()) == []


def test_planner_statistics_are_taken_when_missing(app, backend):
    """SQLite guesses without them (and chose a useless index for the duplicate search);
    the app takes them at start when missing and the scheduler refreshes them hourly."""
    from sqlalchemy import text

    from app.database import refresh_statistics
    from app.extensions import db

    if backend != "sqlite":
        pytest.skip("PostgreSQL keeps its own statistics")
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))
    refresh_statistics(db.engine, only_if_missing=True)
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT tbl FROM sqlite_stat1")).scalars().all()
    assert "team" in rows  # (empty tables get no row)


def test_statistics_taken_on_an_empty_database_are_taken_again(app, backend, customer_id):
    """A new database's first statistics know nothing of the complaints: once there are
    some, the next start takes them again."""
    from sqlalchemy import text

    from app.database import refresh_statistics
    from app.extensions import db
    from app.services.intake import register_complaint

    if backend != "sqlite":
        pytest.skip("PostgreSQL keeps its own statistics")
    refresh_statistics(db.engine)  # no complaints yet: no row for them
    register_complaint(db.session, {"customer": customer_id, "channel": "web",
                                    "category": "delay", "description": "late"})
    refresh_statistics(db.engine, only_if_missing=True)
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT tbl FROM sqlite_stat1")).scalars().all()
    assert "complaint" in rows


def test_the_apps_writes_queue_until_the_commit(app, backend):
    """The engine's connections are of the queueing kind: a write through the session
    holds the queue until the session commits."""
    from sqlalchemy import text

    from app.extensions import db

    if backend != "sqlite":
        pytest.skip("SQLite only")
    database = db.engine.url.database
    db.session.execute(text("UPDATE team SET description = 'queued' "
                            "WHERE id = (SELECT min(id) FROM team)"))
    assert not queue_is_free(database)
    db.session.commit()
    assert queue_is_free(database)
