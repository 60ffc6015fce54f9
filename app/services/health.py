"""Is this installation healthy? The database, the schema, the scheduler, the outbox and
the jobs, each checked on its own so that a failure names its part (GET /health)."""

from datetime import datetime, timedelta
from functools import lru_cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.jobs.lock import current_leader
from app.jobs.runs import JOBS
from app.models import JobRun, JobSetting, Notification
from app.services.mail import due_condition
from app.shipped import MIGRATIONS_DIR
from app.timeutil import as_utc

# A message due for this long means nothing is sending (the outbox job runs every minute).
OUTBOX_STALE = timedelta(minutes=15)


@lru_cache(maxsize=1)
def migration_heads() -> tuple[str, ...]:
    return tuple(sorted(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()))


def _database(session: Session, now) -> dict:
    session.execute(text("SELECT 1"))
    return {"ok": True}


def _migrations(session: Session, now) -> dict:
    current = tuple(sorted(MigrationContext.configure(session.connection()).get_current_heads()))
    return {"ok": current == migration_heads(), "current": list(current),
            "head": list(migration_heads())}


def _scheduler(session: Session, now) -> dict:
    leader = current_leader(session, now)
    if leader is None:
        return {"ok": False, "leader": None, "heartbeat_age_seconds": None,
                "message": "no scheduler has ever led: run `scheduler run`"}
    part = {"ok": leader["live"], "leader": leader["holder"],
            "heartbeat_age_seconds": round(leader["heartbeat_age"], 1)}
    if not leader["live"]:
        part["message"] = "the scheduler's lease has run out: no scheduler is running"
    return part


def outbox_backlog(session: Session, now) -> tuple[int, float | None]:
    """How many messages are due now, and for how long the oldest has been due (s)."""
    count, oldest = session.execute(
        select(func.count(), func.min(func.coalesce(Notification.next_attempt_at,
                                                    Notification.created_at)))
        .where(due_condition(now))).one()
    if oldest is None:
        return count, None
    if not isinstance(oldest, datetime):  # SQLite may hand back text
        oldest = datetime.fromisoformat(str(oldest))
    return count, (as_utc(now) - as_utc(oldest)).total_seconds()


def _outbox(session: Session, now) -> dict:
    count, age = outbox_backlog(session, now)
    part = {"ok": age is None or age <= OUTBOX_STALE.total_seconds(), "backlog": count,
            "oldest_due_seconds": None if age is None else round(age)}
    if not part["ok"]:
        part["message"] = "messages have waited more than 15 minutes: is the outbox job running?"
    return part


def _jobs(session: Session, now) -> dict:
    enabled = {s.job: s.enabled for s in session.execute(select(JobSetting)).scalars()}
    part = {"ok": True}
    for job in JOBS:
        last = session.execute(
            select(JobRun).where(JobRun.job == job, JobRun.finished_at.is_not(None))
            .order_by(JobRun.id.desc()).limit(1)).scalar()
        entry = {"enabled": enabled.get(job, True), "status": last.status if last else None,
                 "finished_at": last.finished_at.isoformat() if last else None,
                 "age_seconds": round((now - last.finished_at).total_seconds()) if last else None}
        if last is not None and last.status == "failed" and entry["enabled"]:
            part["ok"] = False
            entry["error"] = (last.error or "").splitlines()[0] if last.error else None
        part[job] = entry
    return part


CHECKS = (("database", _database), ("migrations", _migrations), ("scheduler", _scheduler),
          ("outbox", _outbox), ("jobs", _jobs))


def check(session: Session, now) -> dict:
    """Every part's state; `failing` names the parts that are not healthy."""
    report, failing = {}, []
    for name, fn in CHECKS:
        try:
            report[name] = fn(session, now)
        except Exception as exc:  # noqa: BLE001 - an unreachable part is a finding, not a crash
            session.rollback()
            report[name] = {"ok": False, "message": f"{type(exc).__name__}: {exc}"[:300]}
            if name == "database":
                failing.append(name)
                break
        if not report[name]["ok"]:
            failing.append(name)
    return {"status": "failing" if failing else "ok", "failing": failing, **report}
