"""Reading and editing complaints outside the lifecycle (hand routing, corrections)."""

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.models import Complaint, Decision, Team
from app.models.choices import CATEGORIES, IMPACTS
from app.services import validation as v
from app.services.errors import Conflict, NotFound
from app.services.timeline import record_event

EDITABLE = {"team", "level", "category", "description", "expected_outcome", "impact", "version"}


def get_complaint(session: Session, complaint_id, viewer=None) -> Complaint:
    """The complaint, if it exists and `viewer` (an access.Actor) may see it: to anyone
    else it does not exist (404), so that ids reveal nothing."""
    complaint = session.get(Complaint, complaint_id) if str(complaint_id).isdigit() else None
    if complaint is not None and viewer is not None and not viewer.can_see(complaint):
        complaint = None
    if complaint is None:
        raise NotFound(gettext("no complaint with id %(id)s", id=complaint_id))
    return complaint


def check_version(complaint: Complaint, version) -> None:
    if version != complaint.version:
        raise Conflict(
            gettext("complaint %(number)s has changed since you loaded it (your version "
                    "%(yours)s, current %(current)s); reload and try again",
                    number=complaint.number, yours=version, current=complaint.version),
            field="version",
        )


def update_complaint(session: Session, complaint_id, data: dict, *, actor_id=None,
                     viewer=None) -> Complaint:
    """Edit a complaint's editable fields; the caller names the version it edits."""
    complaint = get_complaint(session, complaint_id, viewer=viewer)
    if not isinstance(data, dict):
        raise v.InvalidInput(gettext("The update must be a JSON object"))
    p = v.Problems()
    v.no_unknown(p, data, EDITABLE)
    version = v.integer(p, data, "version", required=True, low=1)
    changes = {}
    if "team" in data:
        team_id = v.integer(p, data, "team", low=1)
        team = session.get(Team, team_id) if team_id else None
        if team_id and team is None:
            p.add("team", gettext("no team with id %(id)s", id=team_id))
        changes["team"] = team
    if "level" in data:
        changes["level"] = v.integer(p, data, "level", low=1, high=5, required=True)
    if "category" in data:
        changes["category"] = v.one_of(p, data, "category", list(CATEGORIES), required=True)
    if "impact" in data:
        changes["impact"] = v.one_of(p, data, "impact", list(IMPACTS), required=True)
    if "description" in data:
        changes["description"] = v.text(p, data, "description", required=True, max_len=10000)
    if "expected_outcome" in data:
        changes["expected_outcome"] = v.text(p, data, "expected_outcome", max_len=2000)
    p.raise_if_any(gettext("The complaint was not changed; please correct"))
    check_version(complaint, version)
    before = {k: _plain(getattr(complaint, k)) for k in changes}
    for key, value in changes.items():
        setattr(complaint, key, value)
    if "category" in changes:
        complaint.category_source = "person"  # a person chose it: the model may learn it
    after = {k: _plain(getattr(complaint, k)) for k in changes}
    diff = {k: [before[k], after[k]] for k in changes if before[k] != after[k]}
    if diff:
        record_event(session, complaint, "edited", actor_id=actor_id, details=diff)
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(gettext("the complaint was changed by someone else; reload and try again"),
                       field="version") from exc
    return complaint


def _plain(value):
    return value.name if isinstance(value, Team) else value


def complaint_json(c: Complaint) -> dict:
    """The REST representation (field names from the API contract)."""

    def ts(value):
        return value.isoformat() if value else None

    def ref(obj, label):
        return {"id": obj.id, label: getattr(obj, label)} if obj is not None else None

    return {
        "id": c.id, "number": c.number, "customer": ref(c.customer, "name"),
        "channel": c.channel, "received_at": ts(c.received_at), "waybill_no": c.waybill_no,
        "service_type": c.service_type, "origin_region": c.origin_region,
        "destination_region": c.destination_region, "region": c.region,
        "category": c.category, "category_source": c.category_source,
        "predicted_category": c.predicted_category,
        "prediction_confidence": c.prediction_confidence, "description": c.description,
        "expected_outcome": c.expected_outcome, "impact": c.impact, "urgency": c.urgency,
        "level": c.level, "status": c.status, "team": ref(c.team, "name"),
        "assignee": ref(c.assignee, "username"),
        "first_response_due_at": ts(c.first_response_due_at),
        "resolution_due_at": ts(c.resolution_due_at), "callback_due_at": ts(c.callback_due_at),
        "first_responded_at": ts(c.first_responded_at), "resolved_at": ts(c.resolved_at),
        "closed_at": ts(c.closed_at), "satisfaction": c.satisfaction,
        "is_repeat": c.is_repeat, "repeat_of": c.repeat_of_id, "tags": c.tags or [],
        "paused": c.paused_at is not None, "next_due_at": ts(c.next_due_at),
        "resolution": {"kind": c.resolution_kind, "amount": str(c.resolution_amount)
                       if c.resolution_amount is not None else None,
                       "text": c.resolution_text,
                       "approved_at": ts(c.resolution_approved_at)}
        if c.resolution_kind else None,
        "escalation_count": c.escalation_count, "reopen_count": c.reopen_count,
        "version": c.version,
    }


def event_json(e) -> dict:
    return {
        "id": e.id, "at": e.at.isoformat(), "kind": e.kind,
        "actor": e.actor.username if e.actor else None, "details": e.details,
    }


def decisions_of(complaint: Complaint) -> list[Decision]:
    from sqlalchemy.orm import object_session

    return list(object_session(complaint).execute(
        select(Decision).where(Decision.complaint_id == complaint.id).order_by(Decision.id)
    ).scalars())


def decision_json(d: Decision) -> dict:
    return {"id": d.id, "at": d.at.isoformat(), "stage": d.stage, "versions": d.versions,
            "outcome": d.outcome, "error": d.error, "trace": d.trace}
