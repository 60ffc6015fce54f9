"""The person's rights and the staff's reach: reveal, export (access), erasure, retention.

Every reveal, export and erasure is written to the access log with its reason, in the
same transaction as what it does.
"""

from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.models import (
    Complaint,
    ComplaintEvent,
    Customer,
    Decision,
    Notification,
    SurveyToken,
)
from app.services.access import SYSTEM, Actor
from app.services.complaints import complaint_json, event_json
from app.services.errors import Conflict, NotFound
from app.services.privacy.access_log import record_access
from app.services.privacy.masking import (
    ERASED,
    PERSONAL_FIELDS,
    full_customer,
    mask_nested,
    mask_text,
)
from app.timeutil import utcnow

DEFAULT_RETENTION_DAYS = 3 * 365
# complaint texts a customer or staff wrote, where phone and ID numbers may appear
COMPLAINT_TEXTS = ("description", "expected_outcome", "resolution_text", "callback_comment",
                   "close_reason")


def visible_customer(session: Session, pk, actor: Actor) -> Customer:
    """The customer, if this actor may see them (404 otherwise: no hint they exist)."""
    customer = session.get(Customer, int(pk)) if str(pk).isdigit() and int(pk) < 2**63 else None
    condition = actor.visible_customers()
    if customer is not None and condition is not None:
        visible = session.execute(select(Customer.id).where(
            Customer.id == customer.id, condition)).first()
        customer = customer if visible else None
    if customer is None:
        raise NotFound(gettext("No such customer"))
    return customer


def may_reveal(session: Session, customer_id: int, actor: Actor) -> bool:
    """Whether this actor may reveal the customer's data (the pages' button asks here)."""
    if not actor.may_reveal():
        return False
    try:
        visible_customer(session, customer_id, actor)
    except NotFound:
        return False
    return True


def reveal(session: Session, pk, actor: Actor, reason: str, *, address: str | None = None,
           now: datetime | None = None) -> dict:
    """The customer's personal fields in full, recorded with the reason."""
    customer = visible_customer(session, pk, actor)
    actor.require(actor.may_reveal(), gettext("Your role may not reveal personal data"))
    record_access(session, actor=actor, action="reveal", customer_id=customer.id,
                  fields=PERSONAL_FIELDS, reason=reason, address=address, now=now)
    session.commit()
    return {"id": customer.id, **full_customer(customer)}


def export_person(session: Session, pk, actor: Actor, reason: str, *,
                  address: str | None = None, now: datetime | None = None) -> dict:
    """Everything held about the person (the right of access), recorded with the reason."""
    actor.require(actor.is_admin, gettext("Only an admin exports a person's data"))
    customer = visible_customer(session, pk, actor)
    record_access(session, actor=actor, action="export", customer_id=customer.id,
                  fields=("customer", "complaints", "events", "surveys"), reason=reason,
                  address=address, now=now)
    complaints = _complaints_of(session, customer.id)
    document = {
        "customer": {"id": customer.id, **full_customer(customer), "kind": customer.kind,
                     "province": customer.province, "city": customer.city, "tier": customer.tier,
                     "created_at": customer.created_at.isoformat()},
        "complaints": [{**complaint_json(c, masked=False),
                        "events": [event_json(e, masked=False) for e in _events_of(session, c)],
                        "surveys": [_survey_json(s) for s in _surveys_of(session, c)]}
                       for c in complaints],
        "exported_at": (now or utcnow()).isoformat(),
    }
    session.commit()
    return document


def _complaints_of(session, customer_id) -> list[Complaint]:
    return list(session.execute(select(Complaint).where(Complaint.customer_id == customer_id)
                                .order_by(Complaint.received_at)).scalars())


def _events_of(session, c) -> list[ComplaintEvent]:
    return list(session.execute(select(ComplaintEvent).where(
        ComplaintEvent.complaint_id == c.id).order_by(ComplaintEvent.at, ComplaintEvent.id))
        .scalars())


def _surveys_of(session, c) -> list[SurveyToken]:
    return list(session.execute(select(SurveyToken).where(SurveyToken.complaint_id == c.id)
                                .order_by(SurveyToken.id)).scalars())


def _survey_json(s: SurveyToken) -> dict:
    return {"sent_at": s.created_at.isoformat(), "answered_at":
            s.answered_at.isoformat() if s.answered_at else None,
            "score": s.score, "comment": s.comment}


def open_complaints(session: Session, customer_id: int) -> list[str]:
    """Numbers of the customer's complaints not yet closed."""
    return list(session.execute(select(Complaint.number).where(
        Complaint.customer_id == customer_id, Complaint.status != "closed")
        .order_by(Complaint.number)).scalars())


def erase(session: Session, pk, actor: Actor, reason: str, *, address: str | None = None,
          now: datetime | None = None) -> Customer:
    """Replace the person's data with the marker and mask phone and ID numbers in the texts
    of their complaints; categories, times and figures stay, so the statistics stay true.
    Refused while a complaint of theirs is open."""
    actor.require(actor.is_admin, gettext("Only an admin erases a person's data"))
    customer = visible_customer(session, pk, actor)
    still_open = open_complaints(session, customer.id)
    if still_open:
        raise Conflict(gettext("The customer has open complaints (%(numbers)s); erase their "
                               "data once these are closed", numbers=", ".join(still_open[:5])),
                       field="complaints", details={"open": still_open})
    record_access(session, actor=actor, action="erase", customer_id=customer.id,
                  fields=PERSONAL_FIELDS, reason=reason, address=address, now=now)
    _erase(session, customer, now or utcnow())
    session.commit()
    return customer


def _erase(session: Session, customer: Customer, now: datetime) -> None:
    old = {name: getattr(customer, name) for name in PERSONAL_FIELDS}
    # plain attribute assignments: any derived column (a blind index) follows them
    customer.name, customer.phone, customer.email, customer.address = ERASED, None, None, None
    customer.erased_at = now

    def scrub(text):
        if not isinstance(text, str):
            return text
        for value in (old["name"], old["phone"], old["email"]):
            if value and len(value) >= 2:
                text = text.replace(value, ERASED)
        return mask_text(text)

    for c in _complaints_of(session, customer.id):
        for name in COMPLAINT_TEXTS:
            setattr(c, name, scrub(getattr(c, name)))
        for e in _events_of(session, c):
            e.details = mask_nested(e.details, scrub)
        for d in session.execute(select(Decision).where(Decision.complaint_id == c.id)).scalars():
            d.trace, d.outcome = mask_nested(d.trace, scrub), mask_nested(d.outcome, scrub)
        for s in _surveys_of(session, c):
            s.comment = scrub(s.comment)
        for n in session.execute(select(Notification).where(
                Notification.complaint_id == c.id)).scalars():
            if old["email"] and n.recipient == old["email"]:
                n.recipient = ERASED
            n.subject, n.body = scrub(n.subject), scrub(n.body)


def refuse_delete(session: Session, customer_id: int) -> None:
    """A customer with complaints is not deleted (the complaints are the office's record):
    their personal data is erased instead."""
    count = session.execute(select(func.count()).select_from(Complaint).where(
        Complaint.customer_id == customer_id)).scalar()
    if count:
        raise Conflict(gettext("The customer has %(n)s complaints and cannot be deleted; "
                               "erase their personal data instead (once their complaints are "
                               "closed)", n=count), field="complaints")


def retention_days(session: Session) -> int:
    from app.policy import store

    return int(store.parameters(session, "sla").get("retention_days") or DEFAULT_RETENTION_DAYS)


def due_for_erasure(session: Session, now: datetime, days: int) -> list[Customer]:
    """Customers not yet erased whose last complaint was closed more than `days` ago, with
    none still open (and customers without complaints, added more than `days` ago)."""
    cutoff = now - timedelta(days=days)
    last_closed = (select(Complaint.customer_id).where(Complaint.customer_id.is_not(None))
                   .group_by(Complaint.customer_id)
                   .having(func.max(Complaint.closed_at) < cutoff)
                   .having(func.sum(case((Complaint.status != "closed", 1), else_=0)) == 0))
    with_complaints = select(Complaint.customer_id).where(Complaint.customer_id.is_not(None))
    query = select(Customer).where(
        Customer.erased_at.is_(None),
        Customer.id.in_(last_closed)
        | (Customer.id.not_in(with_complaints) & (Customer.created_at < cutoff)),
    ).order_by(Customer.id)
    return list(session.execute(query).scalars())


def run_retention(session: Session, now: datetime | None = None, *, dry_run: bool = False,
                  days: int | None = None) -> dict:
    """Erase the customers past the retention period, each recorded as done by "system"."""
    now = now or utcnow()
    days = days if days is not None else retention_days(session)
    due = due_for_erasure(session, now, days)
    if not dry_run:
        reason = gettext("retention period of %(days)s days passed", days=days)
        for customer in due:
            record_access(session, actor=SYSTEM, action="erase", customer_id=customer.id,
                          fields=PERSONAL_FIELDS, reason=reason, now=now)
            _erase(session, customer, now)
        session.commit()
    return {"evaluated": len(due), "actions": 0 if dry_run else len(due), "days": days,
            "customers": [c.id for c in due], "dry_run": dry_run}
