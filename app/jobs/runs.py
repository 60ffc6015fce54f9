"""Running a job once: recorded as a JobRun; a failure is recorded and raises an alert."""

import logging
import traceback

from flask import current_app

from app.audit import acting_as
from app.extensions import db
from app.models import JobRun
from app.timeutil import utcnow

log = logging.getLogger(__name__)
JOBS = ("escalation", "warnings", "outbox", "reports", "kpi_rollup", "intelligence",
        "retention")
# reports: hourly; it sends last month's report once, from the month's first working day.
# intelligence: every 6 hours; it trains when the last version is a week old, so that a
# restarted scheduler still trains weekly.
DEFAULT_INTERVALS = {"escalation": 60, "warnings": 900, "outbox": 60, "reports": 3600,
                     "kpi_rollup": 900, "intelligence": 6 * 3600, "retention": 24 * 3600}


def job_function(name):
    if name == "escalation":
        from app.jobs.escalation import sweep

        return lambda session, now: sweep(session, now)
    if name == "warnings":
        from app.jobs.warnings import run_warnings

        return lambda session, now: run_warnings(
            session, now, resolve_after=current_app.config["ALERT_RESOLVE_AFTER"])
    if name == "outbox":
        from app.services.mail import deliver_due

        return lambda session, now: deliver_due(session, current_app.config, now)
    if name == "reports":
        from app.services.reporting.monthly import run_monthly

        return lambda session, now: run_monthly(session, now)
    if name == "kpi_rollup":
        from app.services.reporting.rollup import refresh

        return lambda session, now: refresh(session, now)
    if name == "intelligence":
        from app.intelligence.training import weekly_training

        return lambda session, now: weekly_training(
            session, now, min_examples=current_app.config["INTELLIGENCE_MIN_EXAMPLES"])
    if name == "retention":
        from app.services.privacy.rights import run_retention

        return lambda session, now: run_retention(session, now)
    raise KeyError(name)


def run_job(name: str, holder: str | None = None, now=None) -> JobRun:
    """Run one pass of `name` in the current app context and record it."""
    session = db.session
    run = JobRun(job=name, holder=holder, started_at=utcnow(), status="running")
    session.add(run)
    session.commit()
    run_id = run.id
    try:
        with acting_as(f"job:{name}"):  # its changes are the job's in the audit trail
            result = job_function(name)(session, now or utcnow())
    except Exception as exc:  # noqa: BLE001 - recorded, alerted, and the next run goes on
        session.rollback()
        log.exception("job %s failed", name)
        run = session.get(JobRun, run_id)
        run.status, run.finished_at = "failed", utcnow()
        run.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"[:4000]
        from app.jobs.warnings import raise_alert

        raise_alert(session, f"job:{name}", "job", name, "critical",
                    f"The {name} job failed: {type(exc).__name__}: {exc}", {}, run.finished_at)
        session.commit()
        _observe(run)
        return run
    run = session.get(JobRun, run_id)
    run.status, run.finished_at = "ok", utcnow()
    run.evaluated = int(result.get("evaluated", result.get("sent", 0)) or 0)
    run.actions = int(result.get("actions", result.get("alerts_raised_or_updated",
                                                      result.get("retrying", 0))) or 0)
    run.details = result
    session.commit()
    _observe(run)
    return run


def _observe(run: JobRun) -> None:
    from app.telemetry import JOB_RUNS, JOB_SECONDS

    JOB_SECONDS.labels(run.job, run.status).observe(
        (run.finished_at - run.started_at).total_seconds())
    JOB_RUNS.labels(run.job, run.status).inc()
