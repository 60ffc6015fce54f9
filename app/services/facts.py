"""Facts about a complaint, as the rules' variables read them."""

from bisect import bisect_left
from collections import defaultdict
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.intelligence.sentiment import negative_sentiment
from app.models import Complaint
from app.models.choices import OPEN_STATUSES
from app.policy.keywords import compile_keywords

IMPACT_SCORE = {"individual": 1, "group": 3, "wide": 5}
CUSTOMER_VALUE = {"ordinary": 1, "key": 4}
REPEAT_WINDOW = timedelta(days=30)


def weighted_score(weights: dict, *, urgency: int, impact: str, tier: str) -> float:
    """The policy's grading score (docs/policy.md): a weighted sum of 1-5 scores (weights are policy)."""
    w_urgency = weights.get("urgency", 0)
    w_impact = weights.get("impact", 0)
    w_value = weights.get("customer_value", 0)
    total = (w_urgency + w_impact + w_value) or 1
    score = (w_urgency * urgency + w_impact * IMPACT_SCORE.get(impact, 1)
             + w_value * CUSTOMER_VALUE.get(tier, 1))
    return round(score / total, 3)


def grade_inputs(parameters: dict, facts: dict) -> dict:
    """The score's inputs, set on `facts`: urgency words in the description (a grading
    parameter) raise the urgency the score uses by the set's step, capped at 5; the level
    itself is left to the rules."""
    words = parameters.get("urgency_words")
    found = compile_keywords(words).found(facts.get("description") or "") if words else []
    urgency = facts.get("urgency") or 1
    scored = min(5, urgency + int(parameters.get("urgency_step", 1))) if found else urgency
    facts.update(mentions_urgency=bool(found), scored_urgency=scored,
                 score=weighted_score(parameters.get("weights", {}), urgency=scored,
                                      impact=facts["impact"], tier=facts["customer_tier"]))
    return {"urgency_words": sorted(set(found)), "scored_urgency": scored}


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


def intake_variables(c, *, tier: str | None, complaints_30d, is_repeat: bool,
                     hours_open: float = 0.0, outlet: str | None = None) -> dict:
    """The intake rules' variables of a complaint as registered: `c` is the parsed input,
    a stored complaint or a result row (anything with the complaint's attributes), and
    `outlet` the code of the outlet concerned. Intake, test-one and simulation all build
    them here, so they cannot drift apart."""
    return {
        "category": c.category, "channel": c.channel, "region": c.region or "",
        "origin_region": c.origin_region or "", "destination_region": c.destination_region or "",
        "outlet": outlet or "",
        "customer_tier": tier or "ordinary", "service_type": c.service_type, "impact": c.impact,
        "status": "new", "urgency": c.urgency, "description": c.description or "",
        "waybill_no": c.waybill_no or "", "is_repeat": bool(is_repeat),
        "customer_complaints_30d": complaints_30d, "hours_open": hours_open,
        "declared_value": _money(getattr(c, "declared_value", None)),
        **screening_variables(c),
        **text_facts(c),
    }


def text_facts(c) -> dict:
    """What the text model and the sentiment lexicon say (no model: "" and 0)."""
    return {
        "predicted_category": getattr(c, "predicted_category", None) or "",
        "prediction_confidence": float(getattr(c, "prediction_confidence", None) or 0.0),
        "negative_sentiment": lambda: negative_sentiment(c.description),
    }


def _money(value) -> float | None:
    return None if value is None else float(value)


def screening_variables(c) -> dict:
    completeness = getattr(c, "completeness", None)
    return {"anonymous": bool(getattr(c, "anonymous", False)),
            "late_registration": bool(getattr(c, "late_registration", False)),
            "is_duplicate": getattr(c, "duplicate_of_id", None) is not None,
            "completeness": float(completeness) if completeness is not None else None}


def complaints_before(session: Session, customer_id: int, moment: datetime) -> int:
    """The customer's complaints received in the 30 days before `moment`."""
    return session.execute(select(func.count()).select_from(Complaint).where(
        Complaint.customer_id == customer_id, Complaint.received_at < moment,
        Complaint.received_at >= moment - REPEAT_WINDOW)).scalar()


class CustomerHistory:
    """`complaints_before` for many complaints at once (simulation): one query for the
    receipt times of every customer's complaints, then two binary searches each."""

    def __init__(self, session: Session, since: datetime):
        self.times: dict[int, list] = defaultdict(list)
        rows = session.execute(
            select(Complaint.customer_id, Complaint.received_at)
            .where(Complaint.received_at >= since - REPEAT_WINDOW)
            .order_by(Complaint.received_at))
        for customer_id, received_at in rows:
            self.times[customer_id].append(received_at)

    def complaints_before(self, customer_id: int, moment: datetime) -> int:
        times = self.times.get(customer_id, ())
        return bisect_left(times, moment) - bisect_left(times, moment - REPEAT_WINDOW)


def intake_facts(session: Session, fields: dict, now: datetime) -> dict:
    customer, outlet = fields["customer"], fields.get("outlet")
    # a duplicate is the same complaint again, not a repeat after a resolution
    repeat_of = (earlier_complaint(session, customer.id, fields["waybill_no"], now)
                 if customer is not None and not fields.get("duplicate_of_id") else None)
    facts = intake_variables(
        SimpleNamespace(**fields), tier=customer.tier if customer else None,
        is_repeat=repeat_of is not None, outlet=outlet.code if outlet else None,
        # counted only if a rule reads it
        complaints_30d=(lambda: complaints_before(session, customer.id, fields["received_at"]))
        if customer is not None else 0,
        hours_open=max(0.0, round((now - fields["received_at"]).total_seconds() / 3600, 2)))
    facts.update(repeat_of=repeat_of, level=fields["level"])
    return facts


# The complaint columns escalation_facts reads (plus id and team), for the sweep and the
# escalation simulation alike.
ESCALATION_COLUMNS = [getattr(Complaint, name) for name in (
    "id", "number", "customer_id", "category", "channel", "region", "origin_region",
    "destination_region", "outlet_id", "anonymous", "late_registration", "duplicate_of_id",
    "completeness", "service_type", "impact",
    "status", "urgency", "level", "description", "waybill_no", "is_repeat", "received_at",
    "declared_value",
    "updated_at", "escalation_count", "reopen_count", "first_response_due_at",
    "first_responded_at", "resolution_due_at", "team_id", "predicted_category",
    "prediction_confidence")]
# The complaints the sweep evaluates (open, clock running); the simulation shows the same.
SWEPT = (Complaint.is_open, Complaint.status.in_(OPEN_STATUSES), Complaint.paused_at.is_(None))


def open_complaints_per_customer(session: Session) -> dict[int, int]:
    return dict(session.execute(
        select(Complaint.customer_id, func.count()).where(Complaint.is_open)
        .group_by(Complaint.customer_id)).all())


def _minutes(delta) -> float:
    return round(delta.total_seconds() / 60, 1)


def escalation_facts(c, now: datetime, *, team_name: str | None, customer_open: int,
                     outlet: str | None = None) -> dict:
    """The escalation variables of one open complaint at `now` (a row or a model)."""
    facts = {
        "category": c.category, "channel": c.channel, "region": c.region or "",
        "origin_region": c.origin_region or "", "destination_region": c.destination_region or "",
        "outlet": outlet or "", **screening_variables(c),
        "customer_tier": getattr(c, "customer_tier", None) or "ordinary",
        "service_type": c.service_type, "impact": c.impact, "status": c.status,
        "urgency": c.urgency, "level": c.level, "description": c.description or "",
        "waybill_no": c.waybill_no or "", "is_repeat": bool(c.is_repeat),
        "declared_value": _money(c.declared_value),
        "customer_complaints_30d": None, "team": team_name or "",
        "hours_open": round((now - c.received_at).total_seconds() / 3600, 2),
        "escalation_count": c.escalation_count or 0, "reopen_count": c.reopen_count or 0,
        "customer_open_complaints": customer_open,
        "hours_since_last_update": round((now - c.updated_at).total_seconds() / 3600, 2),
        "minutes_to_first_response_due": None, "minutes_to_resolution_due": None,
        "percent_of_resolution_time_used": None,
        "first_response_breached": False, "resolution_breached": False,
        **text_facts(c),
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
