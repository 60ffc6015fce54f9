from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.types import UTCDateTime
from app.timeutil import utcnow

ACCESS_ACTIONS = ("reveal", "export", "erase")


class AccessLog(Model):
    """One access to a customer's personal data: a reveal, an export or an erasure.

    Append-only. The customer and the actor are kept as plain ids and names, not foreign
    keys, so the record outlives both.
    """

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)  # None: a scheduler job
    actor_name: Mapped[str] = mapped_column(String(256))
    address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # one of ACCESS_ACTIONS
    customer_id: Mapped[int] = mapped_column(Integer)
    fields: Mapped[str] = mapped_column(String(255))  # comma-separated field names
    reason: Mapped[str] = mapped_column(String(500))

    __table_args__ = (Index("ix_access_log_customer_at", "customer_id", "at"),
                      Index("ix_access_log_actor_at", "actor_id", "at"),
                      Index("ix_access_log_at", "at"))
