"""The blind index: keyed hashes of the normalised name, phone and e-mail, and the phone's
last four digits, so that SQL finds a customer without opening the sealed columns.

Kept on every ORM insert and update of a customer; bulk inserts call `index_columns`.
"""

import re

from sqlalchemy import event

from app.models import Customer
from app.services.privacy.crypto import keyring

CHINA_MOBILE = re.compile(r"^(?:0086|86)(1[3-9]\d{9})$")


def normal_phone(phone: str | None) -> str:
    """Digits only, a Chinese mobile number's +86 (or 0086) prefix dropped."""
    digits = re.sub(r"\D", "", phone or "")
    match = CHINA_MOBILE.match(digits)
    return match.group(1) if match else digits


def normal_email(email: str | None) -> str:
    return (email or "").strip().lower()


def normal_name(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def name_index(name: str | None) -> str | None:
    normal = normal_name(name)
    return keyring().index("name", normal) if normal else None


def phone_index(phone: str | None) -> str | None:
    normal = normal_phone(phone)
    return keyring().index("phone", normal) if normal else None


def email_index(email: str | None) -> str | None:
    normal = normal_email(email)
    return keyring().index("email", normal) if normal else None


def index_columns(name: str | None, phone: str | None, email: str | None) -> dict:
    """The index columns of a customer row with these values."""
    digits = normal_phone(phone)
    return {"name_hash": name_index(name), "phone_hash": phone_index(phone),
            "email_hash": email_index(email),
            "phone_last4": digits[-4:] if len(digits) >= 4 else None}


def _keep_index(_mapper, _connection, customer: Customer) -> None:
    for column, value in index_columns(customer.name, customer.phone, customer.email).items():
        setattr(customer, column, value)


def keep_index() -> None:
    """Keep the index on every ORM insert and update of a customer (once per process)."""
    for name in ("before_insert", "before_update"):
        if not event.contains(Customer, name, _keep_index):
            event.listen(Customer, name, _keep_index)
