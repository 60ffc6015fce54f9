"""Registering a complaint: validate, number, decide by the rules, assign, record why."""

import difflib
import logging
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.intelligence.suggest import safe_predict
from app.models import Complaint, Customer, Decision, Outlet, RuleHit, Team
from app.models.choices import CATEGORIES, CHANNELS, IMPACTS, SERVICE_TYPES
from app.services import validation as v
from app.services.assignment import pick_assignee
from app.services.decide import TRIAGE_TEAM, decide_intake, fallback_decision
from app.services.facts import intake_facts
from app.services.mail import deliver_in_background, queue_customer_mail
from app.services.numbering import reserve_numbers
from app.services.screening import completeness, find_duplicate, is_late
from app.services.sla import due_times, refresh_queue_keys
from app.services.teams import team_by_name
from app.services.timeline import record_event  # noqa: F401 - re-exported for callers
from app.timeutil import utcnow

log = logging.getLogger(__name__)

INTAKE_FIELDS = {
    "customer", "channel", "received_at", "waybill_no", "service_type", "origin_region",
    "destination_region", "region", "category", "description", "expected_outcome",
    "impact", "urgency", "level", "team", "declared_value", "outlet", "anonymous",
}
# Clocks drift; a received_at slightly ahead of ours is accepted as "now".
FUTURE_TOLERANCE = timedelta(minutes=5)


def parse_intake(session: Session, data: dict, now: datetime) -> dict:
    """Check a complaint's input; every problem is reported at once, by field."""
    if not isinstance(data, dict):
        raise v.InvalidInput(gettext("The complaint must be a JSON object"))
    p = v.Problems()
    v.no_unknown(p, data, INTAKE_FIELDS)
    anonymous = data.get("anonymous", False)
    if not isinstance(anonymous, bool):
        p.add("anonymous", gettext("must be true or false"))
    customer_id = v.integer(p, data, "customer", low=1, high=v.MAX_ID)
    customer = session.get(Customer, customer_id) if customer_id else None
    if customer_id and customer is None:
        p.add("customer", gettext("no customer with id %(id)s", id=customer_id))
    if anonymous is True and customer_id:
        p.add("anonymous", gettext("an anonymous complaint has no customer"))
    elif anonymous is not True and "customer" not in p.by_field and not customer_id:
        p.add("customer", gettext("is required (or register the complaint as anonymous)"))
    team_id = v.integer(p, data, "team", low=1, high=v.MAX_ID)
    team = session.get(Team, team_id) if team_id else None
    if team_id and team is None:
        p.add("team", gettext("no team with id %(id)s", id=team_id))
    received_at = v.moment(p, data, "received_at", default=now)
    if received_at and received_at > now + FUTURE_TOLERANCE:
        p.add("received_at", gettext("cannot be more than %(minutes)s minutes in the future",
                                     minutes=int(FUTURE_TOLERANCE.total_seconds() // 60)))
    fields = {
        "customer": customer,
        "team": team,
        "received_at": received_at,
        "channel": v.one_of(p, data, "channel", list(CHANNELS), required=True),
        "category": v.one_of(p, data, "category", list(CATEGORIES)),
        "service_type": v.one_of(p, data, "service_type", list(SERVICE_TYPES), default="standard"),
        "impact": v.one_of(p, data, "impact", list(IMPACTS), default="individual"),
        "urgency": v.integer(p, data, "urgency", low=1, high=5, default=1),
        "level": v.integer(p, data, "level", low=1, high=5),
        "description": v.text(p, data, "description", required=True, max_len=10000),
        "expected_outcome": v.text(p, data, "expected_outcome", max_len=2000),
        "waybill_no": v.text(p, data, "waybill_no", max_len=40),
        "origin_region": v.region(p, data, "origin_region"),
        "destination_region": v.region(p, data, "destination_region"),
        "region": v.region(p, data, "region"),
        "outlet": _outlet(session, p, data),
        "anonymous": anonymous is True,
        "declared_value": v.money(p, data, "declared_value"),
    }
    p.raise_if_any(gettext("The complaint was not registered; please correct"))
    if not fields["region"]:
        fields["region"] = (customer.province if customer else None) or (
            fields["outlet"].region if fields["outlet"] else None)
    fields["completeness"], fields["missing"] = completeness(
        fields, assessed=any(data.get(k) is not None for k in ("level", "urgency", "impact")))
    fields["late_registration"] = is_late(fields["received_at"], now)
    fields["duplicate_of_id"] = find_duplicate(session, fields, now)
    return fields


def _outlet(session, p, data):
    """The outlet concerned, by code (or id)."""
    value = data.get("outlet")
    if value in (None, ""):
        return None
    query = (select(Outlet).where(Outlet.id == value) if isinstance(value, int)
             and not isinstance(value, bool) else select(Outlet).where(Outlet.code == str(value)))
    outlet = session.execute(query).scalar_one_or_none()
    if outlet is None:
        codes = session.execute(select(Outlet.code)).scalars().all()
        close = difflib.get_close_matches(str(value), codes, n=1)
        p.add("outlet", gettext("no outlet '%(value)s'", value=value) + (
            gettext(" (did you mean '%(word)s'?)", word=close[0]) if close else ""))
    return outlet


def categorise(session: Session, fields: dict) -> None:
    """The model's guess, kept for the rules; a complaint given without a category takes
    it when confident (marked suggested until a person confirms), else `other` (triage)."""
    guess = safe_predict(session, fields["description"]).category
    fields["predicted_category"] = guess["top"][0]["value"] if guess else None
    fields["prediction_confidence"] = guess["confidence"] if guess else None
    if fields["category"] is not None:
        fields["category_source"] = "person"
    elif guess and guess["value"]:
        fields["category"], fields["category_source"] = guess["value"], "suggested"
    else:
        fields["category"], fields["category_source"] = "other", "triage"


def register_complaint(
    session: Session, data: dict, *, actor_id: int | None = None, now: datetime | None = None
) -> Complaint:
    """Create a complaint: validate, grade, route, set due times, assign, record why.

    If the rules fail for any reason the complaint is still saved, routed to triage with
    its level's default SLA, and the failure is recorded: no complaint is lost to a rule.
    """
    now = now or utcnow()
    fields = parse_intake(session, data, now)
    categorise(session, fields)
    team_given = fields["team"].name if fields["team"] else None
    facts = intake_facts(session, fields, now)
    error = None
    try:
        decision = decide_intake(session, facts, level_given=fields["level"],
                                 team_given=team_given)
        team = team_by_name(session, decision.team)
        if team is None:
            raise LookupError(f"the rules chose team '{decision.team}', which does not exist")
    except Exception as exc:  # noqa: BLE001 - any failure falls back, and is recorded
        log.exception("intake rules failed; falling back to triage")
        error = f"{type(exc).__name__}: {exc}"
        decision = fallback_decision(fields["level"], team_given)
        team = team_by_name(session, decision.team) or team_by_name(session, TRIAGE_TEAM)

    received = fields["received_at"]
    screening_tags = [tag for tag, flag in (
        ("anonymous", fields["anonymous"]), ("late-registration", fields["late_registration"]),
        ("duplicate", fields["duplicate_of_id"])) if flag]
    assignee_id = pick_assignee(session, team) if team is not None else None
    calendar = team.calendar if team is not None else None
    missing = fields.pop("missing")
    complaint = Complaint(
        repeat_of_id=facts["repeat_of"],
        assignee_id=assignee_id, status="assigned" if assignee_id else "new",
        number=reserve_numbers(session, now)[0], operator_id=actor_id,
        customer=fields["customer"], team=team, level=decision.level,
        tags=decision.tags + (["priority"] if decision.priority else []) + screening_tags,
        is_repeat=facts["is_repeat"], callback_days=decision.sla[2],
        **{k: val for k, val in fields.items() if k not in {"customer", "team", "level"}
           and val is not None},
        **due_times(received, decision.sla, calendar),
    )
    refresh_queue_keys(complaint)
    session.add(complaint)
    session.flush()
    _record_decision(session, complaint, decision, error, actor_id, now)
    _record_screening(session, complaint, missing, now)
    mailed = queue_customer_mail(session, complaint, "registered")
    session.commit()
    if mailed:
        deliver_in_background()
    return complaint


def _record_screening(session, complaint, missing, now):
    """What screening found, on the timeline; a duplicate is noted on the original too."""
    record_event(session, complaint, "screened", at=now, details={
        "completeness": float(complaint.completeness), "missing": missing,
        "anonymous": complaint.anonymous, "late_registration": complaint.late_registration,
        "duplicate_of": complaint.duplicate_of_id})
    if complaint.duplicate_of_id:
        original = session.get(Complaint, complaint.duplicate_of_id)
        record_event(session, original, "duplicate_registered", at=now,
                     details={"duplicate": complaint.id, "number": complaint.number})


def _record_decision(session, complaint, decision, error, actor_id, now):
    outcome = {
        "level": complaint.level, "team": complaint.team.name if complaint.team else None,
        "tags": complaint.tags, "assignee_id": complaint.assignee_id, **decision.inputs,
        **{k: getattr(complaint, k).isoformat() for k in
           ("first_response_due_at", "resolution_due_at", "callback_due_at")},
    }
    session.add(Decision(complaint_id=complaint.id, at=now, stage="intake",
                         versions=decision.versions, outcome=outcome,
                         trace=decision.trace(), error=error))
    for result in decision.outcomes:
        for rule in result.fired:
            session.add(RuleHit(kind=result.kind, rule=rule, version=result.version,
                                complaint_id=complaint.id, at=now))
    record_event(session, complaint, "registered", actor_id=actor_id, at=now,
                 details={"channel": complaint.channel,
                          "received_at": complaint.received_at.isoformat()})
    if error:
        record_event(session, complaint, "rules_failed", at=now,
                     details={"error": error, "fallback_team": outcome["team"]})
    record_event(session, complaint, "routed", actor_id=actor_id, at=now, details={
        "level": outcome["level"], "team": outcome["team"], "by": "rules" if not error else
        "fallback", "versions": decision.versions, **decision.inputs})
    record_event(session, complaint, "sla_started", at=now, details={
        k: outcome[k] for k in ("first_response_due_at", "resolution_due_at", "callback_due_at")})
    if complaint.assignee_id:
        record_event(session, complaint, "assigned", at=now,
                     details={"assignee_id": complaint.assignee_id,
                              "method": complaint.team.assignment_method})
