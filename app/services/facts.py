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


def is_repeat(session: Session, customer_id: int, waybill_no: str | None, now: datetime) -> bool:
    """Same customer and waybill, still open or received in the last 30 days."""
    if not waybill_no:
        return False
    query = select(Complaint.id).where(
        Complaint.customer_id == customer_id, Complaint.waybill_no == waybill_no,
        or_(Complaint.status.in_(OPEN_STATUSES), Complaint.received_at >= now - REPEAT_WINDOW),
    ).limit(1)
    return session.execute(query).first() is not None


def intake_facts(session: Session, fields: dict, now: datetime) -> dict:
    customer = fields["customer"]
    received = fields["received_at"]

    def complaints_30d():
        return session.execute(select(func.count()).select_from(Complaint).where(
            Complaint.customer_id == customer.id,
            Complaint.received_at >= now - REPEAT_WINDOW)).scalar()

    return {
        "category": fields["category"], "channel": fields["channel"],
        "region": fields["region"] or "", "customer_tier": customer.tier,
        "service_type": fields["service_type"], "impact": fields["impact"], "status": "new",
        "urgency": fields["urgency"], "level": fields["level"],
        "description": fields["description"], "waybill_no": fields["waybill_no"] or "",
        "is_repeat": is_repeat(session, customer.id, fields["waybill_no"], now),
        "customer_complaints_30d": complaints_30d,
        "hours_open": max(0.0, round((now - received).total_seconds() / 3600, 2)),
    }
