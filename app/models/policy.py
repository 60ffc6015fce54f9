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
    # (escalation) when the sweep had looked at every open complaint under this version,
    # so that each one's next check follows these rules; until then a pass looks at all
    checks_derived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

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


class EscalationMark(Model):
    """A rule that fired for a complaint in one SLA stage: it will not fire again there."""

    __tablename__ = "escalation_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(120))
    stage: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("complaint_id", "rule", "stage",
                                       name="uq_escalation_mark"),)


class Alert(Model):
    """An early warning: one open alert per rule and scope, updated while it holds."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(120))
    scope_type: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(120))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    count: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(15), default="open")
    quiet_runs: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    acknowledged_by = relationship(User)

    __table_args__ = (Index("ix_alert_rule_scope_state", "rule", "scope_type", "scope", "state"),)

    def __repr__(self) -> str:
        return f"{self.severity}: {self.message}"


class JobRun(Model):
    """One run of a scheduled job: what it evaluated and did, or why it failed."""

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40), index=True)
    holder: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default="running")
    evaluated: Mapped[int] = mapped_column(Integer, default=0)
    actions: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class JobSetting(Model):
    """How often a job runs; admins edit it, the scheduler follows within a minute."""

    __tablename__ = "job_setting"

    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return self.job


class SchedulerLease(Model):
    """Who runs the jobs and when it last said so. On SQLite this row is the lock; on
    PostgreSQL the lock is an advisory lock and the row only reports the leader."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    renewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the heartbeat


class Webhook(Model):
    """A receiver of notifications: POSTed JSON, signed with HMAC-SHA256."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return self.name
