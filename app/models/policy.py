from datetime import datetime

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.types import UTCDateTime
from app.timeutil import utcnow


class RuleSetVersion(Model):
    """An immutable, numbered version of one kind of rule set."""

    __tablename__ = "rule_set_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    rules: Mapped[list] = mapped_column(JSON)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author = relationship(User)

    __table_args__ = (UniqueConstraint("kind", "version", name="uq_rule_set_version"),)

    def __repr__(self) -> str:
        return f"{self.kind} v{self.version}"


class Decision(Model):
    """What the rules decided for a complaint, with the versions used and the trace."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    stage: Mapped[str] = mapped_column(String(20))
    versions: Mapped[dict] = mapped_column(JSON, default=dict)
    outcome: Mapped[dict] = mapped_column(JSON, default=dict)
    trace: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)


class RuleHit(Model):
    """One rule firing for one complaint; counted for the editor's hit counters."""

    __tablename__ = "rule_hit"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    rule: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer)
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_rule_hit_kind_rule_at", "kind", "rule", "at"),)


class RuleSetDraft(Model):
    """An editor's unpublished work on one kind of rule set (one draft per editor and kind)."""

    __tablename__ = "rule_set_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"))
    rules: Mapped[list] = mapped_column(JSON)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    based_on: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("kind", "author_id", name="uq_rule_set_draft"),)
