"""Early warning: the `warning` rules over the figures of every scope. The same rule and
scope never open a second alert while one is open; an alert resolves itself after its
condition has been false for a number of runs."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.jobs.notify import queue_notice
from app.models import Alert
from app.policy import store
from app.policy.engine import evaluate
from app.reference.regions import EN
from app.services.figures import scope_figures
from app.services.mail import render
from app.timeutil import utcnow

ACTIVE = ("open", "acknowledged")


def active_alerts(session) -> dict[tuple, Alert]:
    """Open and acknowledged alerts by (rule, scope type, scope)."""
    alerts = session.execute(select(Alert).where(Alert.state.in_(ACTIVE))).scalars()
    return {(a.rule, a.scope_type, a.scope): a for a in alerts}


def raise_alert(session, rule, scope_type, scope, severity, message, figures, now,
                active: dict | None = None) -> Alert:
    """Open an alert, or update the active one of the same rule and scope. A pass that
    raises many passes `active` (from `active_alerts`): one query instead of one per alert,
    and the inserts are flushed together at the commit."""
    key = (rule, scope_type, scope)
    if active is None:
        alert = session.execute(select(Alert).where(
            Alert.rule == rule, Alert.scope_type == scope_type, Alert.scope == scope,
            Alert.state.in_(ACTIVE))).scalar()
    else:
        alert = active.get(key)
    if alert is None:
        alert = Alert(rule=rule, scope_type=scope_type, scope=scope, severity=severity,
                      message=message, figures=figures, first_seen=now, last_seen=now,
                      count=1, state="open", quiet_runs=0)
        session.add(alert)
        if active is not None:
            active[key] = alert
    else:
        alert.count += 1
        alert.last_seen, alert.message, alert.figures = now, message, figures
        alert.severity, alert.quiet_runs = severity, 0
    return alert


def readable(row: dict) -> dict:
    """The figures with a region scope named (the scope itself stays the code)."""
    if not row["scope_type"].startswith("region"):
        return row
    first, *rest = row["scope"].split(" / ")
    name = EN.get(first)
    return {**row, "scope": " / ".join([f"{name} ({first})" if name else first, *rest])}


def run_warnings(session: Session, now=None, *, resolve_after: int = 3) -> dict:
    now = now or utcnow()
    ruleset = store.compiled(session, "warning")
    figures = scope_figures(session, now)
    active = active_alerts(session)
    seen, raised, notified = set(), 0, 0
    for row in figures:
        out = evaluate(ruleset, dict(row), trace=False)
        for rule, decisions in out.by_rule:
            for decision in decisions:
                params = decision["params"]
                if decision["action"] == "raise_alert":
                    raise_alert(session, rule, row["scope_type"], row["scope"],
                                params["severity"], render(params["message"], readable(row)),
                                row, now, active)
                    seen.add((rule, row["scope_type"], row["scope"]))
                    raised += 1
                else:
                    notified += queue_notice(session, params["target"], params["message"],
                                             row, subject=f"ParcelDesk warning: {row['scope']}")
    resolved = 0
    for alert in list(active.values()):
        if alert.rule.startswith("job:") or (alert.rule, alert.scope_type, alert.scope) in seen:
            continue
        alert.quiet_runs += 1
        if alert.quiet_runs >= resolve_after:
            alert.state, alert.resolved_at = "resolved", now
            resolved += 1
    session.commit()
    return {"evaluated": len(figures), "alerts_raised_or_updated": raised,
            "notifications": notified, "alerts_resolved": resolved,
            "version": ruleset.version}
