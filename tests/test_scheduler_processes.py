"""Two real scheduler processes on one database: one leads and runs the jobs, the other
stands by, and takes over when the leader dies."""

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from config import BASE_DIR


def start(database_uri, instance, lease):
    env = {**os.environ, "DATABASE_URL": database_uri, "INSTANCE_PATH": instance,
           "SCHEDULER_LEASE_SECONDS": str(lease), "MAIL_ENABLED": "false",
           "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "run", "scheduler", "run"],
                            cwd=BASE_DIR, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def holders(engine):
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text(
            "SELECT holder FROM job_run WHERE job = 'outbox' ORDER BY id"))]


def wait(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_one_leader_and_a_standby_that_takes_over(database_uri, session, tmp_path):
    with session.get_bind().connect() as conn:
        conn.execute(text("UPDATE job_setting SET interval_seconds = 5 WHERE job = 'outbox'"))
        conn.execute(text("UPDATE job_setting SET enabled = false WHERE job != 'outbox'"))
        conn.commit()
    session.commit()
    engine = create_engine(database_uri)
    first = start(database_uri, str(tmp_path / "a"), lease=3)
    second = None
    try:
        assert wait(lambda: len(holders(engine)) >= 1, 40), "no job ran"
        second = start(database_uri, str(tmp_path / "b"), lease=3)
        time.sleep(12)  # a few more runs: all by the first process
        runs = holders(engine)
        assert len(set(runs)) == 1, runs
        leader = runs[0]
        first.send_signal(signal.SIGKILL)  # dies without releasing anything
        first.wait(10)
        assert wait(lambda: len(set(holders(engine))) == 2, 40), holders(engine)
        after = [h for h in holders(engine) if h != leader]
        assert after and len(set(after)) == 1
    finally:
        for proc in (first, second):
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        engine.dispose()


@pytest.fixture(autouse=True)
def _settings(app, session):
    from app.jobs.scheduler import ensure_settings

    ensure_settings(session)
