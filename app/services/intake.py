"""Registering a complaint: validate, number, record. Rules plug in via `decide`."""

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.models import Complaint, ComplaintEvent, Customer, Team
from app.models.choices import CATEGORIES, CHANNELS, IMPACTS, SERVICE_TYPES
from app.services import validation as v
from app.services.numbering import reserve_numbers
from app.timeutil import utcnow

INTAKE_FIELDS = {
    "customer", "channel", "received_at", "waybill_no", "service_type", "origin_region",
    "destination_region", "region", "category", "description", "expected_outcome",
    "impact", "urgency", "level", "team",
}
# Clocks drift; a received_at slightly ahead of ours is accepted as "now".
FUTURE_TOLERANCE = timedelta(minutes=5)


def parse_intake(session: Session, data: dict, now: datetime) -> dict:
    """Check a complaint's input; every problem is reported at once, by field."""
    if not isinstance(data, dict):
        raise v.InvalidInput("The complaint must be a JSON object")
    p = v.Problems()
    v.no_unknown(p, data, INTAKE_FIELDS)
    customer_id = v.integer(p, data, "customer", required=True, low=1)
    customer = session.get(Customer, customer_id) if customer_id else None
    if customer_id and customer is None:
        p.add("customer", f"no customer with id {customer_id}")
    team_id = v.integer(p, data, "team", low=1)
    team = session.get(Team, team_id) if team_id else None
    if team_id and team is None:
        p.add("team", f"no team with id {team_id}")
    received_at = v.moment(p, data, "received_at", default=now)
    if received_at and received_at > now + FUTURE_TOLERANCE:
        p.add("received_at", "cannot be in the future")
    fields = {
        "customer": customer,
        "team": team,
        "received_at": received_at,
        "channel": v.one_of(p, data, "channel", list(CHANNELS), required=True),
        "category": v.one_of(p, data, "category", list(CATEGORIES), required=True),
        "service_type": v.one_of(p, data, "service_type", list(SERVICE_TYPES), default="standard"),
        "impact": v.one_of(p, data, "impact", list(IMPACTS), default="individual"),
        "urgency": v.integer(p, data, "urgency", low=1, high=5, default=1),
        "level": v.integer(p, data, "level", low=1, high=5),
        "description": v.text(p, data, "description", required=True, max_len=10000),
        "expected_outcome": v.text(p, data, "expected_outcome", max_len=2000),
        "waybill_no": v.text(p, data, "waybill_no", max_len=40),
        "origin_region": v.text(p, data, "origin_region", max_len=40),
        "destination_region": v.text(p, data, "destination_region", max_len=40),
        "region": v.text(p, data, "region", max_len=40),
    }
    p.raise_if_any("The complaint was not registered; please correct")
    if not fields["region"]:
        fields["region"] = customer.province
    return fields


def register_complaint(
    session: Session, data: dict, *, actor_id: int | None = None, now: datetime | None = None
) -> Complaint:
    """Create a complaint from validated input and write its first timeline events."""
    now = now or utcnow()
    fields = parse_intake(session, data, now)
    complaint = Complaint(
        number=reserve_numbers(session, now)[0],
        operator_id=actor_id,
        status="new",
        tags=[],
        **{k: val for k, val in fields.items() if val is not None},
    )
    if complaint.level is None:
        complaint.level = 2
    session.add(complaint)
    session.flush()
    record_event(session, complaint, "registered", actor_id=actor_id, at=now,
                 details={"channel": complaint.channel, "received_at": complaint.received_at.isoformat()})
    if complaint.team is not None:
        record_event(session, complaint, "assigned_team", actor_id=actor_id, at=now,
                     details={"team": complaint.team.name, "by": "hand"})
    session.commit()
    return complaint


def record_event(session, complaint, kind, *, actor_id=None, at=None, details=None):
    event = ComplaintEvent(
        complaint_id=complaint.id, kind=kind, actor_id=actor_id,
        at=at or utcnow(), details=details or {},
    )
    session.add(event)
    return event
