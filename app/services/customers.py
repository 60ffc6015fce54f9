"""Finding a customer at registration (by phone, waybill or name) and adding one inline."""

import re

from flask_babel import gettext
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Complaint, Customer
from app.models.choices import CUSTOMER_KINDS
from app.services import validation as v
from app.services.errors import InvalidInput
from app.services.privacy.blind_index import email_index, name_index, normal_phone, phone_index
from app.services.privacy.masking import mask_name, mask_phone

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,30}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


CANDIDATES = 200  # customers sharing the last four digits opened to check the rest


def find_customers(session: Session, query: str, limit: int = 8) -> list[Customer]:
    """Customers whose phone ends with the digits typed (four or more), whose name or
    e-mail is exactly the text, or who complained about the waybill typed; most recent
    first. Names and contacts are sealed, so SQL matches their blind index: a name is
    found whole, not by a part of it."""
    text = (query or "").strip()
    if len(text) < (1 if not text.isascii() else 2):  # one Chinese character is a surname
        return []
    by_waybill = select(Complaint.customer_id).where(Complaint.waybill_no == text[:40])
    exact = [Customer.id.in_(by_waybill), Customer.name_hash == name_index(text)]
    if "@" in text:
        exact.append(Customer.email_hash == email_index(text))
    found = {c.id: c for c in session.execute(
        select(Customer).where(or_(*exact), Customer.erased_at.is_(None))
        .order_by(Customer.id.desc()).limit(limit)).scalars()}
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 4:
        candidates = session.execute(
            select(Customer).where(Customer.phone_last4 == digits[-4:],
                                   Customer.erased_at.is_(None))
            .order_by(Customer.id.desc()).limit(CANDIDATES)).scalars()
        found.update((c.id, c) for c in candidates
                     if normal_phone(c.phone).endswith(digits)
                     or re.sub(r"\D", "", c.phone or "").endswith(digits))
    return sorted(found.values(), key=lambda c: c.id, reverse=True)[:limit]


def lookup_customers(session: Session, *, phone: str | None = None,
                     email: str | None = None, limit: int = 50) -> list[Customer]:
    """Customers with exactly this phone (normalised) or e-mail, through the blind index."""
    if (phone is None) == (email is None):
        raise InvalidInput(gettext("give either phone or email"), field="phone")
    if phone is not None:
        if not PHONE.match(phone.strip()) or len(normal_phone(phone)) < 5:
            raise InvalidInput(gettext("is not a valid phone number"), field="phone")
        condition = Customer.phone_hash == phone_index(phone)
    else:
        if not EMAIL.match(email.strip()) or len(email) > 120:
            raise InvalidInput(gettext("is not a valid e-mail address"), field="email")
        condition = Customer.email_hash == email_index(email)
    return list(session.execute(select(Customer).where(condition)
                                .order_by(Customer.id.desc()).limit(limit)).scalars())


def customer_choice(c: Customer) -> dict:
    """A search result as the registration page shows it: enough to tell the caller apart,
    personal data masked."""
    return {"id": c.id, "name": mask_name(c.name, c.kind), "phone": mask_phone(c.phone),
            "tier": c.tier, "province": c.province or ""}


def new_customer(session: Session, data: dict) -> Customer:
    """Add a customer from the registration form (flushed, committed with the complaint)."""
    p = v.Problems()
    name = v.text(p, data, "name", required=True, max_len=120)
    phone = v.text(p, data, "phone", max_len=32)
    email = v.text(p, data, "email", max_len=120)
    kind = v.one_of(p, data, "kind", list(CUSTOMER_KINDS), default="person")
    if phone and not PHONE.match(phone):
        p.add("phone", gettext("is not a valid phone number"))
    if email and not EMAIL.match(email):
        p.add("email", gettext("is not a valid e-mail address"))
    p.raise_if_any(gettext("The new customer was not added; please correct"))
    customer = Customer(name=name, phone=phone, email=email, kind=kind)
    session.add(customer)
    session.flush()
    return customer
