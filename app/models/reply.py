from flask_appbuilder import Model
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import choice
from app.models.choices import CATEGORIES, LANGUAGES


class ReplyTemplate(Model):
    """A canned reply to the customer, offered in the workspace for its category (or for
    every category when it has none), in one language, with {placeholders}."""

    __tablename__ = "reply_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    category: Mapped[str | None] = mapped_column(choice(CATEGORIES), nullable=True)
    language: Mapped[str] = mapped_column(choice(LANGUAGES), default="zh")
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return self.title
