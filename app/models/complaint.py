from datetime import UTC, datetime

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import choice
from app.models.choices import (
    ATTACHMENT_KINDS,
    CATEGORIES,
    CHANNELS,
    IMPACTS,
    SERVICE_TYPES,
    STATUSES,
)
from app.models.types import Sealed, SealedText, UTCDateTime
from app.timeutil import utcnow

# "Check at the next pass": earlier than any pass (a complaint new or changed since).
AT_NEXT_PASS = datetime(1970, 1, 1, tzinfo=UTC)


class Complaint(Model):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    # None for an anonymous complaint (a letter or a post with no one to identify)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    channel: Mapped[str] = mapped_column(choice(CHANNELS))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    waybill_no: Mapped[str | None] = mapped_column(String(40), index=True)
    service_type: Mapped[str] = mapped_column(choice(SERVICE_TYPES), default="standard")
    origin_region: Mapped[str | None] = mapped_column(String(40))
    destination_region: Mapped[str | None] = mapped_column(String(40))
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    # The parcel's declared (insured) value in CNY, 保价金额; rules read it.
    declared_value: Mapped[float | None] = mapped_column(Numeric(12, 2))
    category: Mapped[str] = mapped_column(choice(CATEGORIES))
    # Who chose the category: "person" (set or confirmed by a person: the only complaints
    # the classifier learns from), "suggested" (the model's, unconfirmed) or "triage"
    # (none given and no confident prediction: `other` until a person decides).
    category_source: Mapped[str] = mapped_column(String(10), default="person",
                                                 server_default="person")
    predicted_category: Mapped[str | None] = mapped_column(String(24))
    prediction_confidence: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text)
    expected_outcome: Mapped[str | None] = mapped_column(Text)
    impact: Mapped[str] = mapped_column(choice(IMPACTS), default="individual")
    urgency: Mapped[int] = mapped_column(Integer, default=1)
    level: Mapped[int] = mapped_column(Integer, default=2)
    status: Mapped[str] = mapped_column(choice(STATUSES), default="new")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    callback_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The SLA's callback time: the callback is due this many days after the resolution.
    callback_days: Mapped[float | None] = mapped_column(Float)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    is_repeat: Mapped[bool] = mapped_column(default=False)
    escalation_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reopen_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the resolution stage enters its warning window (last 20 % of its time).
    at_risk_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The queues' sort key: the due time of the stage the complaint is in, its warning
    # time, and whether it is open; kept by the lifecycle service, indexed for 1M rows.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_open: Mapped[bool] = mapped_column(default=True, server_default="1")
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the escalation sweep must look at it again (app/models/next_check.py); NULL:
    # not swept (closed, resolved, paused) or nothing can fire until it changes.
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=AT_NEXT_PASS)
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"))
    root_cause: Mapped[str | None] = mapped_column(String(20))
    resolution_kind: Mapped[str | None] = mapped_column(String(20))
    resolution_amount: Mapped[float | None] = mapped_column(Numeric(12, 2))
    resolution_text: Mapped[str | None] = mapped_column(Text)
    resolution_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    resolution_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    callback_reached: Mapped[bool | None] = mapped_column()
    callback_comment: Mapped[str | None] = mapped_column(Text)
    close_reason: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    # Screening at intake (docs/policy.md): the outlet concerned, anonymity, late
    # registration, the complaint this one duplicates, the record's completeness (0-1).
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(default=False, server_default="0")
    late_registration: Mapped[bool] = mapped_column(default=False, server_default="0")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    completeness: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Optimistic locking: SQLAlchemy refuses an UPDATE whose version has moved on.
    version: Mapped[int] = mapped_column(Integer, default=1)

    customer = relationship("Customer", back_populates="complaints")
    team = relationship("Team", back_populates="complaints")
    assignee = relationship(User, foreign_keys=[assignee_id])
    operator = relationship(User, foreign_keys=[operator_id])
    approver = relationship(User, foreign_keys=[resolution_approved_by_id])
    repeat_of = relationship("Complaint", remote_side=[id], foreign_keys=[repeat_of_id])
    duplicate_of = relationship("Complaint", remote_side=[id], foreign_keys=[duplicate_of_id],
                                backref="duplicates")
    outlet = relationship("Outlet")
    events = relationship(
        "ComplaintEvent", back_populates="complaint", order_by="ComplaintEvent.at",
        cascade="all, delete-orphan", lazy="dynamic",
    )
    attachments = relationship(
        "Attachment", back_populates="complaint", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_complaint_team_status", "team_id", "status"),
        # level too: a member's open load (their open complaints' levels) from the index
        Index("ix_complaint_assignee_status", "assignee_id", "status", "level"),
        Index("ix_complaint_status_received", "status", "received_at"),
        Index("ix_complaint_queue_team", "team_id", "is_open", "assignee_id", "next_due_at"),
        Index("ix_complaint_queue_assignee", "assignee_id", "is_open", "next_due_at"),
        Index("ix_complaint_queue_due", "is_open", "next_due_at"),
        Index("ix_complaint_next_check", "is_open", "next_check_at", "id"),
        Index("ix_complaint_customer_waybill", "customer_id", "waybill_no"),
        # round robin: a member's last complaint from a team (registration reads it)
        Index("ix_complaint_assignee_team", "assignee_id", "team_id", "id"),
        # the KPI figures of a period scan complaints received in it, per team
        Index("ix_complaint_team_received", "team_id", "received_at"),
    )

    def __repr__(self) -> str:
        return self.number


class ComplaintEvent(Model):
    """One entry of a complaint's timeline: who did what, when."""

    __tablename__ = "complaint_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    kind: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    complaint = relationship("Complaint", back_populates="events")
    actor = relationship(User)

    def __repr__(self) -> str:
        return f"{self.kind}@{self.at:%Y-%m-%d %H:%M}"


class Attachment(Model):
    """Evidence stored on disk under the instance folder; the row keeps what and where."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(choice(ATTACHMENT_KINDS))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))

    complaint = relationship("Complaint", back_populates="attachments")

    def __repr__(self) -> str:
        return self.filename


class ComplaintSequence(Model):
    """Per-day counter behind complaint numbers (TC + yyyymmdd + sequence)."""

    __tablename__ = "complaint_sequence"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class MailTemplate(Model):
    """What the customer is told, editable by admins ({placeholders} from the complaint)."""

    __tablename__ = "mail_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return self.key


class Notification(Model):
    """The outbox: every message to be sent, with its attempts (sent, retried, failed)."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="email")
    # sealed at rest: a customer's mail carries their address and name
    recipient: Mapped[str] = mapped_column(Sealed(255))
    subject: Mapped[str] = mapped_column(Sealed(200), default="")
    body: Mapped[str] = mapped_column(SealedText())
    # an HTML alternative and one text attachment (the monthly report's table and CSV)
    html: Mapped[str | None] = mapped_column(SealedText())
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A sender's lease on the row while it sends (status "sending"); see services/mail.py.
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_notification_due", "status", "next_attempt_at"),)


class SurveyToken(Model):
    """A one-answer satisfaction survey reachable without login at /survey/<token>."""

    __tablename__ = "survey_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)

    complaint = relationship("Complaint")
