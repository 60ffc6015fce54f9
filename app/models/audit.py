from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.types import UTCDateTime
from app.timeutil import utcnow

AUDIT_ACTIONS = ("create", "update", "delete")


class AuditRecord(Model):
    """One create, update or delete of an audited record, field by field.

    Append-only (app/services/privacy/append_only.py, and database triggers). The actor and
    the entity are kept as plain ids and names, not foreign keys, so the record outlives both.
    `changes` maps each field to `[before, after]`, personal data masked.
    """

    __tablename__ = "audit_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)  # None: a job, a command, the system
    actor_name: Mapped[str] = mapped_column(String(256))
    address: Mapped[str | None] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(8))  # one of AUDIT_ACTIONS
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_record_entity", "entity", "entity_id", "at"),
                      Index("ix_audit_record_actor_at", "actor_name", "at"),
                      Index("ix_audit_record_at", "at"))
