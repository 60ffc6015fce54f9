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
    """A knowledge-base article: how to handle a kind of case, in Chinese, English or both.

    Shown in the reader's language when it is written in it, otherwise in the other one.
    """

    __tablename__ = "knowledge_article"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_zh: Mapped[str | None] = mapped_column(String(200))
    body_zh: Mapped[str | None] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(String(200))
    body_en: Mapped[str | None] = mapped_column(Text)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    tags: Mapped[str | None] = mapped_column(String(300))  # comma-separated
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def title_in(self, language: str | None) -> str:
        return title_in(self, language)

    def __repr__(self) -> str:
        return self.title_zh or self.title_en or f"article {self.id}"


# Functions rather than only methods: they also read the rows the suggestion index keeps.
def language_for(article, language: str | None) -> str:
    """The article's language nearest to `language` ("zh" or "en")."""
    if language == "zh":
        return "zh" if article.title_zh else "en"
    return "en" if article.title_en else "zh"


def title_in(article, language: str | None) -> str:
    return getattr(article, f"title_{language_for(article, language)}") or ""


def searchable_text(article) -> str:
    """Both languages' words, so that a text in either finds the article."""
    return "\n".join(part for part in (article.title_zh, article.title_en, article.tags,
                                        article.body_zh, article.body_en) if part)
