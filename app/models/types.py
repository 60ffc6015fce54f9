"""Column types shared by the models."""

from datetime import datetime

from flask import current_app
from sqlalchemy import DateTime, String, Text, TypeDecorator
from sqlalchemy.sql import operators

from app.timeutil import as_utc

# The largest id, version or count a 32-bit integer column holds.
MAX_ID = 2**31 - 1


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite keeps no offset) and always returns aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        return as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else as_utc(value)


def sealed_length(length: int) -> int:
    """Room for a sealed value of `length` characters: key id, colon, base64 of the
    12-byte nonce, the ciphertext (four UTF-8 bytes per character at most) and the tag."""
    return 16 + 1 + 4 * -(-(12 + 4 * length + 16) // 3)


class Sealed(TypeDecorator):
    """Personal data encrypted at rest (AES-GCM); Python code sees the plain text.

    The keys are the app's keyring (app/services/privacy/crypto.py). `length` stays the
    limit of the plain text for forms and schemas; the column is wide enough for the
    sealed value. SQL cannot compare or sort such a column: use its blind index.
    """

    impl = String
    cache_ok = True

    class comparator_factory(String.Comparator):  # noqa: N801 - SQLAlchemy's name
        """Comparing or sorting ciphertext would silently find nothing: refuse it (only
        `IS NULL` / `IS NOT NULL` make sense)."""

        def operate(self, op, *other, **kwargs):
            if op in (operators.is_, operators.is_not) or (
                    op in (operators.eq, operators.ne) and other and other[0] is None):
                return super().operate(op, *other, **kwargs)
            raise TypeError(f"{self.expr} is sealed: SQL cannot compare or sort it; "
                            "use its blind index (app/services/privacy/blind_index.py)")

        def reverse_operate(self, op, other, **kwargs):
            raise TypeError(f"{self.expr} is sealed: SQL cannot compare it")

    def __init__(self, length: int):
        super().__init__(sealed_length(length))
        self.length = length

    def process_bind_param(self, value: str | None, dialect):
        if value is None:
            return None
        return current_app.extensions["pii"].seal(value)

    def process_result_value(self, value: str | None, dialect):
        if value is None:
            return None
        return current_app.extensions["pii"].open(value)


class SealedText(Sealed):
    """A sealed text of any length (mail bodies that name the customer)."""

    impl = Text
    cache_ok = True  # SQLAlchemy asks each subclass: statements using it are cached too

    def __init__(self):
        TypeDecorator.__init__(self)
