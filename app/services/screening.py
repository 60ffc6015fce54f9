"""Screening at intake (docs/policy.md): anonymous and late complaints, duplicates, and
how complete the record is. Duplicates are the same complaint registered twice (two
channels, a resubmitted form) while the first is still open; a complaint about the
same parcel after a resolution is a repeat complaint instead (facts.earlier_complaint).
"""

import difflib
import functools
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _
from sqlalchemy import bindparam, func, or_, select, true
from sqlalchemy.orm import Session

from app.models import Complaint, Customer
from app.models.choices import OPEN_STATUSES
from app.services.privacy.blind_index import phone_index

# Seeds: register within 24 h of receipt.
LATE_AFTER = timedelta(hours=24)
DUPLICATE_WINDOW = timedelta(hours=72)
DUPLICATE_SIMILARITY = 0.9  # difflib ratio of two descriptions
# The seeds' completeness weights: what a complete record holds, and its share of 1.
COMPLETENESS_WEIGHTS = {"customer": 0.20, "contact": 0.15, "time": 0.10, "service": 0.20,
                        "description": 0.25, "level": 0.10}
COMPLETENESS_LABELS = {
    "customer": _("customer"), "contact": _("contact (phone or e-mail)"),
    "time": _("time received"), "service": _("waybill and service"),
    "description": _("description (at least 15 characters)"), "level": _("urgency or level"),
}
MIN_DESCRIPTION = 15


def completeness(fields: dict, assessed: bool) -> tuple[float, list[str]]:
    """The record's completeness (0-1) and the parts it lacks. `assessed`: the intake
    said how urgent or serious it is (level, urgency or impact given)."""
    customer = fields.get("customer")
    present = {
        "customer": customer is not None,
        "contact": bool(customer is not None and (customer.phone or customer.email)),
        "time": fields.get("received_at") is not None,
        "service": bool(fields.get("waybill_no")) and bool(fields.get("service_type")),
        "description": len((fields.get("description") or "").strip()) >= MIN_DESCRIPTION,
        "level": assessed,
    }
    score = sum(w for part, w in COMPLETENESS_WEIGHTS.items() if present[part])
    return round(score, 2), [part for part in COMPLETENESS_WEIGHTS if not present[part]]


def is_late(received_at: datetime, now: datetime) -> bool:
    return now - received_at > LATE_AFTER


def similar(a: str, b: str) -> bool:
    matcher = difflib.SequenceMatcher(None, a.strip().lower(), b.strip().lower())
    # the cheap upper bounds first: most descriptions differ plainly
    return (matcher.real_quick_ratio() >= DUPLICATE_SIMILARITY
            and matcher.quick_ratio() >= DUPLICATE_SIMILARITY
            and matcher.ratio() >= DUPLICATE_SIMILARITY)


@functools.cache
def _duplicate_query(kind: str):
    """Built once per kind of registrant; the window and the customer are parameters.

    Shaped for SQLite's planner: the customer's ids are a joined subquery (with planner
    statistics, `database.refresh_statistics`, it drives the search by them), and "not a
    duplicate itself" is no index condition (as one, SQLite walked the duplicate_of_id
    index, where nearly every complaint is NULL); before statistics exist the search stays
    within the open complaints of the window."""
    if kind == "anonymous":
        source, same = Complaint, Complaint.customer_id.is_(None)
    else:
        customers = Customer.id == bindparam("customer_id")
        if kind == "customer or phone":
            customers = or_(customers, Customer.phone_hash == bindparam("phone_hash"))
        ids = select(Customer.id.label("id")).where(customers).subquery("same_customer")
        source, same = ids.join(Complaint, Complaint.customer_id == ids.c.id), true()
    return (select(Complaint.id, Complaint.waybill_no, Complaint.description)
            .select_from(source)
            .where(Complaint.status.in_(OPEN_STATUSES),
                   func.coalesce(Complaint.duplicate_of_id, 0) == 0,
                   Complaint.received_at >= bindparam("low"),
                   Complaint.received_at <= bindparam("high"), same)
            .order_by(Complaint.received_at, Complaint.id))


def find_duplicate(session: Session, fields: dict, now: datetime) -> int | None:
    """The open complaint this one duplicates: received in the 72 h before it, from the
    same customer (or the same phone), anonymous ones among anonymous ones, about the
    same waybill or with a near-identical description. The earliest is the original."""
    received = fields["received_at"]
    customer = fields.get("customer")
    values = {"low": received - DUPLICATE_WINDOW, "high": max(received, now)}
    if customer is None:
        query = _duplicate_query("anonymous")
    elif customer.phone:  # the same number too, through the blind index (phones are sealed)
        query = _duplicate_query("customer or phone")
        values.update(customer_id=customer.id, phone_hash=phone_index(customer.phone))
    else:
        query = _duplicate_query("customer")
        values.update(customer_id=customer.id)
    waybill, description = fields.get("waybill_no"), fields.get("description") or ""
    for row in session.execute(query, values):
        if (waybill and row.waybill_no == waybill) or similar(row.description or "",
                                                              description):
            return row.id
    return None
