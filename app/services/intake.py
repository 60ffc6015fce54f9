"""Registering a complaint: validate, number, decide by the rules, assign, record why."""

import difflib
import functools
import logging
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, scoped_session

from app.intelligence.models import active_model_id
from app.intelligence.suggest import safe_predict
from app.models import (
    Complaint,
    ComplaintEvent,
    Customer,
    Decision,
    Outlet,
    RuleHit,
    RuleSetVersion,
    Team,
)
from app.models.choices import CATEGORIES, CHANNELS, IMPACTS, SERVICE_TYPES
from app.services import validation as v
from app.services.assignment import pick_assignee
from app.services.decide import TRIAGE_TEAM, decide_intake, fallback_decision
from app.services.facts import intake_facts
from app.services.mail import deliver_in_background, queue_customer_mail, template_columns
from app.services.numbering import reserve_numbers
from app.services.screening import completeness, find_duplicate, is_late
from app.services.sla import due_times, refresh_queue_keys
from app.services.team_cache import team_with_members
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


def current_versions(session: Session) -> tuple[dict, int | None, tuple]:
    """What registration reads that others change, in one statement: the newest published
    rule-set versions, the text model in use and the `registered` mail template."""
    by_kind, shared = _versions_statements()
    rows = session.execute(by_kind).all()
    model_id, *template = rows[0][2:] if rows else session.execute(shared).one()
    return {row[0]: row[1] for row in rows}, model_id, tuple(template)


@functools.cache
def _versions_statements():
    """Built once: the versions by kind with the shared columns, and the shared alone."""
    shared = (active_model_id(), *template_columns("registered"))
    return (select(RuleSetVersion.kind, func.max(RuleSetVersion.version), *shared)
            .group_by(RuleSetVersion.kind), select(*shared))


def categorise(session: Session, fields: dict, model_id: int | None | bool = False) -> None:
    """The model's guess, kept for the rules; a complaint given without a category takes
    it when confident (marked suggested until a person confirms), else `other` (triage)."""
    guess = safe_predict(session, fields["description"], model_id).category
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
    versions, model_id, template = current_versions(session)
    categorise(session, fields, model_id)
    team_given = fields["team"].name if fields["team"] else None
    facts = intake_facts(session, fields, now)
    error = None
    try:
        decision = decide_intake(session, facts, level_given=fields["level"],
                                 team_given=team_given, versions=versions)
        team, figures = team_with_members(session, decision.versions, decision.team)
        if team is None:
            raise LookupError(f"the rules chose team '{decision.team}', which does not exist")
    except Exception as exc:  # noqa: BLE001 - any failure falls back, and is recorded
        log.exception("intake rules failed; falling back to triage")
        error = f"{type(exc).__name__}: {exc}"
        decision = fallback_decision(fields["level"], team_given)
        team, figures = team_with_members(session, {}, decision.team)
        if team is None:
            team, figures = team_with_members(session, {}, TRIAGE_TEAM)

    received = fields["received_at"]
    screening_tags = [tag for tag, flag in (
        ("anonymous", fields["anonymous"]), ("late-registration", fields["late_registration"]),
        ("duplicate", fields["duplicate_of_id"])) if flag]
    assignee_id = pick_assignee(session, team, figures) if team is not None else None
    assignee = next((m for m in team.members if m.id == assignee_id), None) if assignee_id else None
    calendar = team.calendar if team is not None else None
    missing = fields.pop("missing")
    complaint = Complaint(
        repeat_of_id=facts["repeat_of"],
        assignee=assignee, status="assigned" if assignee_id else "new",
        duplicates=[],  # a new complaint has none: the answer needs no query for them
        number=reserve_numbers(session, now)[0], operator_id=actor_id,
        customer=fields["customer"], team=team, level=decision.level,
        tags=decision.tags + (["priority"] if decision.priority else []) + screening_tags,
        is_repeat=facts["is_repeat"], callback_days=decision.sla[2],
        **{k: val for k, val in fields.items() if k not in {"customer", "team", "level"}
           and val is not None},
        **due_times(received, decision.sla, calendar),
    )
    refresh_queue_keys(complaint)
    _set_unset_columns(complaint)
    session.add(complaint)
    session.flush()
    timeline = Timeline(complaint.id, now)
    _record_decision(session, timeline, complaint, decision, error, actor_id, now)
    _record_screening(session, timeline, complaint, missing, now)
    timeline.write(session)
    mailed = queue_customer_mail(session, complaint, "registered", template=template)
    commit_keeping_state(session)
    if mailed:
        deliver_in_background()
    return complaint


def _set_unset_columns(complaint: Complaint) -> None:
    """Columns left unset (no value, no default) are NULL; said so, the ORM does not load
    them back after the INSERT when the answer reads them."""
    given = complaint.__dict__
    for key in _NULLABLE_KEYS:
        if key not in given:
            setattr(complaint, key, None)


_NULLABLE_KEYS = tuple(
    column.key for column in Complaint.__table__.columns
    if column.default is None and column.server_default is None and not column.primary_key)


class Timeline:
    """A registration's events, written in one statement (`record_event` writes one)."""

    def __init__(self, complaint_id: int, now: datetime):
        self.complaint_id, self.now, self.rows = complaint_id, now, []

    def add(self, kind, *, complaint_id=None, actor_id=None, details=None):
        self.rows.append({"complaint_id": complaint_id or self.complaint_id, "kind": kind,
                          "actor_id": actor_id, "at": self.now, "details": details or {}})

    def write(self, session: Session) -> None:
        # render_nulls: one statement even when some rows have no actor
        session.execute(insert(ComplaintEvent).execution_options(render_nulls=True), self.rows)


def commit_keeping_state(session: Session) -> None:
    """Commit without expiring what the session holds: the answer is built from the
    objects as written, instead of reloading each of them."""
    real = session() if isinstance(session, scoped_session) else session
    keep, real.expire_on_commit = real.expire_on_commit, False
    try:
        real.commit()
    finally:
        real.expire_on_commit = keep


def _record_screening(session, timeline, complaint, missing, now):
    """What screening found, on the timeline; a duplicate is noted on the original too."""
    timeline.add("screened", details={
        "completeness": float(complaint.completeness), "missing": missing,
        "anonymous": complaint.anonymous, "late_registration": complaint.late_registration,
        "duplicate_of": complaint.duplicate_of_id})
    if complaint.duplicate_of_id:
        timeline.add("duplicate_registered", complaint_id=complaint.duplicate_of_id,
                     details={"duplicate": complaint.id, "number": complaint.number})


def _record_decision(session, timeline, complaint, decision, error, actor_id, now):
    outcome = {
        "level": complaint.level, "team": complaint.team.name if complaint.team else None,
        "tags": complaint.tags, "assignee_id": complaint.assignee_id, **decision.inputs,
        **{k: getattr(complaint, k).isoformat() for k in
           ("first_response_due_at", "resolution_due_at", "callback_due_at")},
    }
    # rows written as statements, not ORM objects: no second flush before the commit
    session.execute(insert(Decision), [{
        "complaint_id": complaint.id, "at": now, "stage": "intake",
        "versions": decision.versions, "outcome": outcome, "trace": decision.trace(),
        "error": error}])
    hits = [{"kind": result.kind, "rule": rule, "version": result.version,
             "complaint_id": complaint.id, "at": now}
            for result in decision.outcomes for rule in result.fired]
    if hits:
        session.execute(insert(RuleHit), hits)
    timeline.add("registered", actor_id=actor_id,
                 details={"channel": complaint.channel,
                          "received_at": complaint.received_at.isoformat()})
    if error:
        timeline.add("rules_failed",
                     details={"error": error, "fallback_team": outcome["team"]})
    timeline.add("routed", actor_id=actor_id, details={
        "level": outcome["level"], "team": outcome["team"], "by": "rules" if not error else
        "fallback", "versions": decision.versions, **decision.inputs})
    timeline.add("sla_started", details={
        k: outcome[k] for k in ("first_response_due_at", "resolution_due_at", "callback_due_at")})
    if complaint.assignee_id:
        timeline.add("assigned",
                     details={"assignee_id": complaint.assignee_id,
                              "method": complaint.team.assignment_method})
