from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.types import UTCDateTime
from app.timeutil import utcnow


class SignInAttempt(Model):
    """One sign-in, on the page or the API: who was tried, from where, and how it ended.

    The lockout counts failures from these rows, so every process sees the same counts.
    """

    __tablename__ = "sign_in_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    username: Mapped[str] = mapped_column(String(256))
    address: Mapped[str] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(10))  # page | api
    outcome: Mapped[str] = mapped_column(String(10))  # success | failure | locked

    __table_args__ = (Index("ix_sign_in_attempt_username_at", "username", "at"),
                      Index("ix_sign_in_attempt_address_at", "address", "at"))
