"""A level that changes is decided again: routing and SLA run for the new level, as they
did at intake, and the result is recorded as a decision with its trace.

- Team: the complaint moves only when the routing rules send the new level somewhere else
  than the old one (level 5 → Emergency Response); a team chosen by hand or by an
  escalation to a named team is kept otherwise.
- Due times: the new level's SLA, counted from the moment of the change or from the
  receipt (the sla rule set's `clock_from` parameter). A first response already given
  stays given; the callback is counted again at resolution.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Complaint, Decision, RuleHit
from app.policy import store
from app.policy.engine import evaluate
from app.services.assignment import pick_assignee
from app.services.decide import FALLBACK_SLA, last_param
from app.services.facts import complaints_before, grade_inputs, intake_variables
from app.services.sla import due_times
from app.services.teams import team_by_name
from app.services.timeline import record_event

MOVABLE = {"new", "assigned", "in_progress"}  # statuses that restart with the new team


def level_facts(session: Session, c: Complaint, now: datetime) -> dict:
    """The intake variables of a stored complaint, as it stands now."""
    customer = c.customer
    facts = intake_variables(
        c, tier=customer.tier if customer else "ordinary", is_repeat=c.is_repeat,
        complaints_30d=lambda: complaints_before(session, c.customer_id, c.received_at)
        if customer else 0,
        hours_open=max(0.0, round((now - c.received_at).total_seconds() / 3600, 2)))
    facts["status"] = c.status
    grade_inputs(store.parameters(session, "grading"), facts)
    return facts


def redecide(session: Session, c: Complaint, new_level: int, *, now: datetime, trigger: str,
             reason: str | None = None, actor_id: int | None = None,
             keep_team: bool = False) -> dict:
    """Set the complaint's level to `new_level` and decide its team and due times again.
    Returns what changed (also written on the timeline as `redecided`)."""
    versions = store.latest_versions(session)
    routing = store.compiled(session, "routing", versions)
    sla = store.compiled(session, "sla", versions)
    old_level, old_team = c.level, c.team
    facts = level_facts(session, c, now)

    facts["level"] = old_level
    team_before = last_param(evaluate(routing, dict(facts), trace=False).decisions,
                        "assign_team", "team")
    facts["level"] = new_level
    routed = evaluate(routing, facts)
    timed = evaluate(sla, facts)
    c.level = new_level

    team_after = last_param(routed.decisions, "assign_team", "team")
    target = team_by_name(session, team_after) if team_after else None
    moved = (not keep_team and target is not None and team_after != team_before
             and target.id != c.team_id)
    if moved:
        c.team = target
        c.assignee_id = pick_assignee(session, target)
        if c.status in MOVABLE:
            c.status = "assigned" if c.assignee_id else "new"
        if "priority" not in (c.tags or []) and any(
                d["action"] == "set_priority" for d in routed.decisions):
            c.tags = sorted(set(c.tags or []) | {"priority"})

    params = next((d["params"] for d in timed.decisions if d["action"] == "set_sla"), None)
    timing = ((params["first_response_minutes"], params["resolution_hours"],
               params["callback_days"]) if params else FALLBACK_SLA[new_level])
    clock_from = sla.parameters.get("clock_from", "escalation")
    start = now if clock_from == "escalation" else c.received_at
    due = due_times(start, timing, c.team.calendar if c.team else None)
    if c.first_responded_at is None:
        c.first_response_due_at = due["first_response_due_at"]
    c.resolution_due_at, c.at_risk_from = due["resolution_due_at"], due["at_risk_from"]
    c.callback_due_at, c.callback_days = due["callback_due_at"], timing[2]

    details = {
        "trigger": trigger, "reason": reason, "from_level": old_level, "to_level": new_level,
        "from_team": old_team.name if old_team else None,
        "team": c.team.name if c.team else None, "moved": moved, "clock_from": clock_from,
        **{k: getattr(c, k).isoformat() for k in
           ("first_response_due_at", "resolution_due_at", "callback_due_at")},
    }
    session.add(Decision(
        complaint_id=c.id, at=now, stage="level_change",
        versions={"routing": routed.version, "sla": timed.version}, outcome=details,
        trace=[{"kind": o.kind, "version": o.version, "fired": o.fired,
                "decisions": o.decisions, "rules": o.trace} for o in (routed, timed)]))
    for outcome in (routed, timed):
        for rule in outcome.fired:
            session.add(RuleHit(kind=outcome.kind, rule=rule, version=outcome.version,
                                complaint_id=c.id, at=now))
    record_event(session, c, "redecided", actor_id=actor_id, at=now, details=details)
    if moved and c.assignee_id:
        record_event(session, c, "assigned", at=now, details={
            "assignee_id": c.assignee_id, "method": c.team.assignment_method})
    return details
