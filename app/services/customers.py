"""Finding a customer at registration (by phone, waybill or name) and adding one inline."""

import re

from flask_babel import gettext
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Complaint, Customer
from app.models.choices import CUSTOMER_KINDS
from app.services import validation as v
from app.services.privacy.masking import mask_name, mask_phone

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,30}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def find_customers(session: Session, query: str, limit: int = 8) -> list[Customer]:
    """Customers whose phone ends with the digits typed, whose name contains the text, or
    who complained about the waybill typed; most recent first."""
    text = (query or "").strip()
    if len(text) < (1 if not text.isascii() else 2):  # one Chinese character is a surname
        return []
    digits = re.sub(r"\D", "", text)
    conditions = [Customer.name.contains(text, autoescape=True)]
    if len(digits) >= 4:
        conditions.append(Customer.phone.endswith(digits, autoescape=True))
    by_waybill = select(Complaint.customer_id).where(Complaint.waybill_no == text[:40])
    conditions.append(Customer.id.in_(by_waybill))
    return list(session.execute(select(Customer).where(or_(*conditions), Customer.erased_at.is_(None))
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
