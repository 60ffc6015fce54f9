from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import choice
from app.models.choices import ASSIGNMENT_METHODS

team_member = Table(
    "team_member",
    Model.metadata,
    Column("team_id", Integer, ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True),
)


class Team(Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    name_zh: Mapped[str | None] = mapped_column(String(80))  # shown on Chinese pages
    description: Mapped[str | None] = mapped_column(Text)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    assignment_method: Mapped[str] = mapped_column(choice(ASSIGNMENT_METHODS), default="manual")
    active: Mapped[bool] = mapped_column(default=True)
    # Working calendar: {"days": [0..6], "start": "09:00", "end": "18:00", "holidays":
    # ["2026-10-01", …]} in the office time zone; empty means 24/7.
    calendar: Mapped[dict | None] = mapped_column(JSON)

    lead = relationship(User, foreign_keys=[lead_id])
    members = relationship(User, secondary=team_member, lazy="selectin")
    complaints = relationship("Complaint", back_populates="team", lazy="dynamic")

    def __repr__(self) -> str:
        # FAB's lists and selects print a team through repr: in the user's language
        from app.views.timeline_text import team_label

        return team_label(self)
