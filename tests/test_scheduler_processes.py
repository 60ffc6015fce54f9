"""Two real scheduler processes on one database: one leads and runs the jobs, the other
stands by, and takes over when the leader dies: within 5 s on PostgreSQL (the advisory
lock dies with the connection), within 15 s on SQLite (the lease runs out)."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from config import BASE_DIR

TAKEOVER_SECONDS = {"postgresql": 5, "sqlite": 15}


class Scheduler:
    """A `flask --app run scheduler run` process; its output lines read as they come."""

    def __init__(self, database_uri, instance):
        env = {**os.environ, "DATABASE_URL": database_uri, "INSTANCE_PATH": instance,
               "MAIL_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
        env.pop("SCHEDULER_LEASE_SECONDS", None)  # the default lease is what is promised
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "run", "scheduler", "run"], cwd=BASE_DIR,
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines, self.leading_at = [], None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            if ": leading" in line and self.leading_at is None:
                self.leading_at = time.monotonic()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def holders(engine):
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text(
            "SELECT holder FROM job_run WHERE job = 'outbox' ORDER BY id"))]


def wait(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_one_leader_and_a_standby_that_takes_over(database_uri, session, tmp_path, backend):
    with session.get_bind().connect() as conn:
        conn.execute(text("UPDATE job_setting SET interval_seconds = 5 WHERE job = 'outbox'"))
        conn.execute(text("UPDATE job_setting SET enabled = false WHERE job != 'outbox'"))
        conn.commit()
    session.commit()
    engine = create_engine(database_uri)
    first = Scheduler(database_uri, str(tmp_path / "a"))
    second = None
    try:
        assert wait(lambda: first.leading_at, 40), first.lines
        second = Scheduler(database_uri, str(tmp_path / "b"))
        assert wait(lambda: any("starting" in line for line in second.lines), 40), second.lines
        assert wait(lambda: len(holders(engine)) >= 2, 20), "no job ran"
        time.sleep(2)
        runs = holders(engine)
        assert len(set(runs)) == 1, runs  # all by the first process
        assert second.leading_at is None, second.lines
        leader = runs[0]
        first.proc.send_signal(signal.SIGKILL)  # dies without releasing anything
        killed_at = time.monotonic()
        first.proc.wait(10)
        limit = TAKEOVER_SECONDS[backend]
        assert wait(lambda: second.leading_at, limit + 5), second.lines
        took = second.leading_at - killed_at
        print(f"\n{backend}: the standby took over {took:.1f} s after the leader's death")
        assert took < limit, f"the standby took over after {took:.1f} s"
        assert wait(lambda: len(set(holders(engine))) == 2, 20), holders(engine)
        after = [h for h in holders(engine) if h != leader]
        assert after and len(set(after)) == 1
    finally:
        for proc in (first, second):
            if proc:
                proc.stop()
        engine.dispose()


@pytest.fixture(autouse=True)
def _settings(app, session):
    from app.jobs.scheduler import ensure_settings

    ensure_settings(session)
