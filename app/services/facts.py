"""Facts about a complaint, as the rules' variables read them."""

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import Complaint
from app.models.choices import OPEN_STATUSES

IMPACT_SCORE = {"individual": 1, "group": 3, "wide": 5}
CUSTOMER_VALUE = {"ordinary": 1, "key": 4}
REPEAT_WINDOW = timedelta(days=30)


def weighted_score(weights: dict, *, urgency: int, impact: str, tier: str) -> float:
    """DOMAIN.md's grading score: a weighted sum of 1-5 scores (weights are policy)."""
    w_urgency = weights.get("urgency", 0)
    w_impact = weights.get("impact", 0)
    w_value = weights.get("customer_value", 0)
    total = (w_urgency + w_impact + w_value) or 1
    score = (w_urgency * urgency + w_impact * IMPACT_SCORE.get(impact, 1)
             + w_value * CUSTOMER_VALUE.get(tier, 1))
    return round(score / total, 3)


def earlier_complaint(session: Session, customer_id: int, waybill_no: str | None,
                      now: datetime) -> int | None:
    """The latest complaint of the same customer about the same waybill that is still open
    or was received in the last 30 days: this one repeats it."""
    if not waybill_no:
        return None
    query = select(Complaint.id).where(
        Complaint.customer_id == customer_id, Complaint.waybill_no == waybill_no,
        or_(Complaint.status.in_(OPEN_STATUSES), Complaint.received_at >= now - REPEAT_WINDOW),
    ).order_by(Complaint.id.desc()).limit(1)
    return session.execute(query).scalar()


def intake_facts(session: Session, fields: dict, now: datetime) -> dict:
    customer = fields["customer"]
    received = fields["received_at"]

    def complaints_30d():
        return session.execute(select(func.count()).select_from(Complaint).where(
            Complaint.customer_id == customer.id,
            Complaint.received_at >= now - REPEAT_WINDOW)).scalar()

    repeat_of = earlier_complaint(session, customer.id, fields["waybill_no"], now)
    return {
        "repeat_of": repeat_of,
        "category": fields["category"], "channel": fields["channel"],
        "region": fields["region"] or "", "customer_tier": customer.tier,
        "service_type": fields["service_type"], "impact": fields["impact"], "status": "new",
        "urgency": fields["urgency"], "level": fields["level"],
        "description": fields["description"], "waybill_no": fields["waybill_no"] or "",
        "is_repeat": repeat_of is not None,
        "customer_complaints_30d": complaints_30d,
        "hours_open": max(0.0, round((now - received).total_seconds() / 3600, 2)),
    }


# The complaint columns escalation_facts reads (plus id and team), for the sweep and the
# escalation simulation alike.
ESCALATION_COLUMNS = [getattr(Complaint, name) for name in (
    "id", "number", "customer_id", "category", "channel", "region", "service_type", "impact",
    "status", "urgency", "level", "description", "waybill_no", "is_repeat", "received_at",
    "updated_at", "escalation_count", "reopen_count", "first_response_due_at",
    "first_responded_at", "resolution_due_at", "team_id")]


def _minutes(delta) -> float:
    return round(delta.total_seconds() / 60, 1)


def escalation_facts(c, now: datetime, *, team_name: str | None, customer_open: int) -> dict:
    """The escalation variables of one open complaint at `now` (a row or a model)."""
    facts = {
        "category": c.category, "channel": c.channel, "region": c.region or "",
        "customer_tier": getattr(c, "customer_tier", None) or "ordinary",
        "service_type": c.service_type, "impact": c.impact, "status": c.status,
        "urgency": c.urgency, "level": c.level, "description": c.description or "",
        "waybill_no": c.waybill_no or "", "is_repeat": bool(c.is_repeat),
        "customer_complaints_30d": None, "team": team_name or "",
        "hours_open": round((now - c.received_at).total_seconds() / 3600, 2),
        "escalation_count": c.escalation_count or 0, "reopen_count": c.reopen_count or 0,
        "customer_open_complaints": customer_open,
        "hours_since_last_update": round((now - c.updated_at).total_seconds() / 3600, 2),
        "minutes_to_first_response_due": None, "minutes_to_resolution_due": None,
        "percent_of_resolution_time_used": None,
        "first_response_breached": False, "resolution_breached": False,
    }
    if c.first_response_due_at:
        responded = c.first_responded_at
        facts["first_response_breached"] = (responded or now) > c.first_response_due_at
        if responded is None:
            facts["minutes_to_first_response_due"] = _minutes(c.first_response_due_at - now)
    if c.resolution_due_at:
        facts["minutes_to_resolution_due"] = _minutes(c.resolution_due_at - now)
        facts["resolution_breached"] = now > c.resolution_due_at
        span = (c.resolution_due_at - c.received_at).total_seconds()
        if span > 0:
            used = (now - c.received_at).total_seconds() / span * 100
            facts["percent_of_resolution_time_used"] = round(used, 1)
    return facts
