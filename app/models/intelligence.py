"""What the desk learns from its own complaints, and what people write for it to suggest."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import JSON, Float, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.models.types import UTCDateTime
from app.timeutil import utcnow


class TextModel(Model):
    """One trained classifier version: its figures, and whether it is the one in use.

    A new version is used only if it is at least as good as the current one; the others
    stay as history ("rejected", "retired"), without their serialized model.
    """

    __tablename__ = "text_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="active")  # active|retired|rejected
    reason: Mapped[str | None] = mapped_column(Text)
    examples: Mapped[int] = mapped_column(Integer, default=0)
    per_category: Mapped[dict] = mapped_column(JSON, default=dict)  # category -> examples
    accuracy: Mapped[float] = mapped_column(Float, default=0.0)  # held-out top-1
    top3_accuracy: Mapped[float] = mapped_column(Float, default=0.0)
    # category -> {"precision", "recall", "f1", "support"} on the held-out part
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)
    urgency_accuracy: Mapped[float | None] = mapped_column(Float)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    # joblib of the fitted pipelines; trusted: written only by this application
    payload: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    def __repr__(self) -> str:
        return f"model {self.id}"


class KnowledgeArticle(Model):
    """A knowledge-base article: how to handle a kind of case, in the language it is written in."""

    __tablename__ = "knowledge_article"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="zh")
    categories: Mapped[list] = mapped_column(JSON, default=list)
    tags: Mapped[str | None] = mapped_column(String(300))  # comma-separated
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return self.title

