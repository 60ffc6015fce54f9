"""Reading and editing complaints outside the lifecycle (hand routing, corrections)."""

from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.models import Complaint, Decision, Team
from app.models.choices import CATEGORIES, IMPACTS
from app.services import validation as v
from app.services.errors import Conflict, Forbidden, NotFound
from app.services.privacy.masking import mask_name, mask_nested, mask_text, shown
from app.services.timeline import record_event

DESCRIPTION_MAX, EXPECTED_OUTCOME_MAX = 10000, 2000

# A generic edit corrects what the customer told us. Level, team, status, assignee and due
# times are decided by the rules and changed by the lifecycle's actions (assign, escalation),
# never by an edit: an edit of the level would skip the approval a level needs.
CORRECTABLE = ("category", "description", "expected_outcome", "impact", "declared_value")
# Every field of the API's complaint; those not editable by the actor are refused with 403.
COMPLAINT_FIELDS = {
    "id", "number", "customer", "channel", "received_at", "waybill_no", "service_type",
    "origin_region", "destination_region", "region", "category", "description",
    "expected_outcome", "impact", "urgency", "level", "status", "team", "assignee",
    "first_response_due_at", "resolution_due_at", "callback_due_at", "first_responded_at",
    "resolved_at", "closed_at", "satisfaction", "is_repeat", "repeat_of", "tags", "paused",
    "next_due_at", "resolution", "escalation_count", "reopen_count", "declared_value",
}
EDITING_ROLES = {"Admin", "Team Lead", "Agent"}  # Policy Editors and Auditors only read


def editable_fields(actor) -> tuple[str, ...]:
    """The fields a generic edit (API PUT, the edit form) may change for this actor."""
    return CORRECTABLE if actor.roles & EDITING_ROLES else ()


def check_edit(actor, complaint: Complaint, fields) -> None:
    """Refuse (403, naming the fields) an edit the actor may not make."""
    if not editable_fields(actor):
        raise Forbidden(gettext("your role cannot edit complaints"))
    actor.require(actor.is_member(complaint.team_id),
                  gettext("only the complaint's team can edit it"))
    refused = sorted(set(fields) - set(editable_fields(actor)))
    if refused:
        raise Forbidden(
            gettext("%(fields)s cannot be changed by an edit: the rules and the complaint's "
                    "actions change them; an edit may change %(allowed)s",
                    fields=", ".join(refused), allowed=", ".join(editable_fields(actor))),
            field=refused[0], details={name: gettext("not editable") for name in refused})


def get_complaint(session: Session, complaint_id, viewer=None) -> Complaint:
    """The complaint, if it exists and `viewer` (an access.Actor) may see it: to anyone
    else it does not exist (404), so that ids reveal nothing."""
    number = v.as_id(complaint_id)
    complaint = session.get(Complaint, number) if number else None
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


def update_complaint(session: Session, complaint_id, data: dict, *, actor) -> Complaint:
    """Correct a complaint's editable fields; the caller names the version it edits."""
    complaint = get_complaint(session, complaint_id, viewer=actor)
    if not isinstance(data, dict):
        raise v.InvalidInput(gettext("The update must be a JSON object"))
    check_edit(actor, complaint, set(data) & COMPLAINT_FIELDS)
    p = v.Problems()
    v.no_unknown(p, data, set(editable_fields(actor)) | {"version"})
    version = v.integer(p, data, "version", required=True, low=1, high=v.MAX_ID)
    changes = {}
    if "category" in data:
        changes["category"] = v.one_of(p, data, "category", list(CATEGORIES), required=True)
    if "impact" in data:
        changes["impact"] = v.one_of(p, data, "impact", list(IMPACTS), required=True)
    if "description" in data:
        changes["description"] = v.text(p, data, "description", required=True,
                                        max_len=DESCRIPTION_MAX)
    if "declared_value" in data:
        changes["declared_value"] = v.money(p, data, "declared_value")
    if "expected_outcome" in data:
        changes["expected_outcome"] = v.text(p, data, "expected_outcome",
                                             max_len=EXPECTED_OUTCOME_MAX)
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
        record_event(session, complaint, "edited", actor_id=actor.id, details=diff)
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(gettext("the complaint was changed by someone else; reload and try again"),
                       field="version") from exc
    return complaint


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value.name if isinstance(value, Team) else value


def complaint_json(c: Complaint, masked: bool = True) -> dict:
    """The REST representation (field names from the API contract); personal data masked
    unless `masked` is False (the person's own export)."""
    text = mask_text if masked else (lambda value: value)

    def ts(value):
        return value.isoformat() if value else None

    def ref(obj, label):
        return {"id": obj.id, label: getattr(obj, label)} if obj is not None else None

    return {
        "id": c.id, "number": c.number,
        "customer": {"id": c.customer.id, "name": mask_name(c.customer.name, c.customer.kind)
                     if masked else shown(c.customer.name)} if c.customer else None,
        "channel": c.channel, "received_at": ts(c.received_at), "waybill_no": c.waybill_no,
        "service_type": c.service_type, "origin_region": c.origin_region,
        "destination_region": c.destination_region, "region": c.region,
        "declared_value": str(c.declared_value) if c.declared_value is not None else None,
        "category": c.category, "category_source": c.category_source,
        "predicted_category": c.predicted_category,
        "prediction_confidence": c.prediction_confidence, "description": text(c.description),
        "expected_outcome": text(c.expected_outcome), "impact": c.impact, "urgency": c.urgency,
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
                       "text": text(c.resolution_text),
                       "approved_at": ts(c.resolution_approved_at)}
        if c.resolution_kind else None,
        "escalation_count": c.escalation_count, "reopen_count": c.reopen_count,
        "outlet": {"id": c.outlet.id, "code": c.outlet.code, "name": c.outlet.name}
        if c.outlet else None,
        "anonymous": c.anonymous, "late_registration": c.late_registration,
        "completeness": c.completeness, "duplicate_of": c.duplicate_of_id,
        "duplicates": sorted(d.id for d in c.duplicates),
        "version": c.version,
    }


def event_json(e, masked: bool = True) -> dict:
    details = mask_nested(e.details) if masked else e.details
    return {
        "id": e.id, "at": e.at.isoformat(), "kind": e.kind,
        "actor": e.actor.username if e.actor else None, "details": details,
    }


def decisions_of(complaint: Complaint) -> list[Decision]:
    from sqlalchemy.orm import object_session

    return list(object_session(complaint).execute(
        select(Decision).where(Decision.complaint_id == complaint.id).order_by(Decision.id)
    ).scalars())


def decision_json(d: Decision) -> dict:
    """A decision with its trace; the facts it shows (the description) masked."""
    return {"id": d.id, "at": d.at.isoformat(), "stage": d.stage, "versions": d.versions,
            "outcome": mask_nested(d.outcome), "error": d.error, "trace": mask_nested(d.trace)}
