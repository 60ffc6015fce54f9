"""APScheduler, guarded by the database lock: the holder runs the jobs, every other
scheduler process waits as a standby and takes over when the holder is gone.

Jobs have fixed ids with replace_existing, coalesce and max_instances=1 (the debug
reloader and forked workers would otherwise run them twice), and intervals come from
JobSetting rows, re-read every minute so that an admin's change takes effect.
"""

import logging
import threading
import time

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from app.jobs.lock import holder_id, make_lock
from app.jobs.runs import DEFAULT_INTERVALS, JOBS, run_job
from app.telemetry import SCHEDULER_LEADING

log = logging.getLogger(__name__)


def ensure_settings(session) -> dict[str, tuple[int, bool]]:
    from app.models import JobSetting

    rows = {r.job: r for r in session.execute(select(JobSetting)).scalars()}
    for job in JOBS:
        if job not in rows:
            rows[job] = JobSetting(job=job, interval_seconds=DEFAULT_INTERVALS[job], enabled=True)
            session.add(rows[job])
    session.commit()
    return {job: (max(5, rows[job].interval_seconds), rows[job].enabled) for job in JOBS}


class JobScheduler:
    def __init__(self, app, *, poll_seconds: float | None = None):
        self.app = app
        self.holder = holder_id()
        self.lock = None
        self.scheduler = None
        self.poll = poll_seconds  # default: what the lock asks for (see jobs/lock.py)
        self.stopping = threading.Event()
        self.intervals: dict = {}

    def _run(self, name):
        with self.app.app_context():
            from app.extensions import db

            try:
                run_job(name, holder=self.holder)
            finally:
                db.session.remove()

    def sync_jobs(self):
        """Schedule the jobs as their settings say now (run at start and every minute)."""
        from app.extensions import db

        with self.app.app_context():
            try:
                wanted = ensure_settings(db.session)
            finally:
                db.session.remove()
        for job, (seconds, enabled) in wanted.items():
            if self.intervals.get(job) == (seconds, enabled):
                continue
            if enabled:
                self.scheduler.add_job(self._run, "interval", seconds=seconds, args=[job],
                                       id=job, replace_existing=True, coalesce=True,
                                       max_instances=1, misfire_grace_time=seconds)
            elif self.scheduler.get_job(job):
                self.scheduler.remove_job(job)
            self.intervals[job] = (seconds, enabled)
            log.info("job %s: every %ss, %s", job, seconds, "on" if enabled else "off")

    def _lead(self):
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self.scheduler.start()
        self.sync_jobs()
        self.scheduler.add_job(self.sync_jobs, "interval", seconds=60, id="sync-settings",
                               replace_existing=True, coalesce=True, max_instances=1)
        self.scheduler.add_job(self.refresh_statistics, "interval", seconds=3600,
                               id="database-statistics", replace_existing=True,
                               coalesce=True, max_instances=1)

    def refresh_statistics(self):
        """The database's planner statistics follow the growing tables (SQLite)."""
        from app.database import refresh_statistics
        from app.extensions import db

        with self.app.app_context():
            refresh_statistics(db.engine)

    def _stand_down(self):
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler, self.intervals = None, {}

    def run_forever(self, echo=print):
        """Block: wait as standby, lead while holding the lock, stand down if it is lost."""
        with self.app.app_context():
            self.lock = make_lock(self.app, self.holder)
        self.poll = self.poll or self.lock.poll
        leading = False
        try:
            while not self.stopping.is_set():
                with self.app.app_context():
                    held = self.lock.renew() if leading else self.lock.acquire()
                if held and not leading:
                    echo(f"scheduler {self.holder}: leading, running the jobs")
                    self._lead()
                    leading = True
                    SCHEDULER_LEADING.set(1)
                elif not held and leading:
                    echo(f"scheduler {self.holder}: lost the lock, standing by")
                    self._stand_down()
                    leading = False
                    SCHEDULER_LEADING.set(0)
                elif not held:
                    log.debug("standby: another scheduler holds the lock")
                self.stopping.wait(self.poll)
        finally:
            self._stand_down()
            if self.lock is not None and leading:
                with self.app.app_context():
                    self.lock.release()

    def start_in_background(self):
        thread = threading.Thread(target=self.run_forever, kwargs={"echo": log.info},
                                  daemon=True, name="parceldesk-scheduler")
        thread.start()
        return thread

    def stop(self):
        self.stopping.set()
        time.sleep(0)
