"""Training a model version from the complaints a person categorised.

Only complaints whose category a person set or confirmed (`category_source == "person"`)
teach the model: a prediction nobody confirmed never feeds the next model. A new
version is measured on a stratified held-out part, the current version is measured on
the same part, and the new one is used only if it is at least as good; otherwise it is
kept in the history as rejected, with the reason.
"""

import time
from collections import Counter
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.intelligence import classifier
from app.intelligence.models import forget, loaded_model
from app.models import Complaint, TextModel
from app.services.errors import Conflict
from app.timeutil import utcnow


class NotEnoughExamples(Conflict):
    """Too few person-categorised complaints to learn from (409)."""


def labelled_examples(session: Session) -> tuple[list[str], list[str], list[int]]:
    rows = session.execute(select(Complaint.description, Complaint.category, Complaint.urgency)
                           .where(Complaint.category_source == "person")
                           .order_by(Complaint.id)).all()
    return [r[0] or "" for r in rows], [r[1] for r in rows], [int(r[2] or 1) for r in rows]


def train_model(session: Session, *, min_examples: int, now: datetime | None = None,
                kind: str = "svm_calibrated") -> TextModel:
    """Fit, measure and store a version; returns it (status "active" or "rejected")."""
    now = now or utcnow()
    texts, categories, urgencies = labelled_examples(session)
    counts = Counter(categories)
    if len(texts) < min_examples or len(counts) < 2:
        raise NotEnoughExamples(gettext(
            "not enough categorised complaints to learn from: %(have)d, at least %(need)d "
            "in two categories or more are needed", have=len(texts), need=min_examples),
            field="examples")
    started = time.perf_counter()
    train_x, test_x, train_y, test_y, train_u, test_u = classifier.split(
        texts, categories, urgencies)
    fitted = classifier.fit(train_x, train_y, train_u, kind=kind)
    figures = classifier.measure(fitted, test_x, test_y, test_u)
    version = TextModel(trained_at=now, examples=len(texts), per_category=dict(counts),
                        seconds=round(time.perf_counter() - started, 2), **figures)
    current = loaded_model(session)
    if current is not None:
        before = classifier.measure(current.fitted, test_x, test_y)["accuracy"]
        if figures["accuracy"] < before:
            version.status = "rejected"
            version.reason = gettext(
                "held-out accuracy %(new).1f %% is below the current model's %(old).1f %% on "
                "the same complaints; model %(id)d stays in use", new=figures["accuracy"] * 100,
                old=before * 100, id=current.id)
    if version.status != "rejected":
        version.status = "active"
        version.payload = fitted.dumps()
        # Retired versions keep their figures; their serialized model is dropped.
        session.execute(update(TextModel).where(TextModel.status == "active")
                        .values(status="retired", payload=None))
    session.add(version)
    session.commit()
    forget()
    return version


def model_json(m: TextModel) -> dict:
    return {
        "id": m.id, "trained_at": m.trained_at.isoformat(), "status": m.status,
        "reason": m.reason, "examples": m.examples, "per_category": m.per_category,
        "accuracy": m.accuracy, "top3_accuracy": m.top3_accuracy, "metrics": m.metrics,
        "urgency_accuracy": m.urgency_accuracy, "seconds": m.seconds,
    }


def history(session: Session, limit: int = 50) -> list[TextModel]:
    return list(session.execute(select(TextModel).order_by(TextModel.id.desc())
                                .limit(limit)).scalars())


TRAIN_EVERY = timedelta(days=7)


def weekly_training(session: Session, now: datetime, *, min_examples: int) -> dict:
    """The scheduler's job: train when the newest version is a week old (or there is none)."""
    last = session.execute(select(func.max(TextModel.trained_at))).scalar()
    if last is not None and now - last < TRAIN_EVERY:
        return {"trained": False, "reason": "the newest version is less than a week old"}
    try:
        version = train_model(session, min_examples=min_examples, now=now)
    except NotEnoughExamples as exc:
        session.rollback()
        return {"trained": False, "reason": exc.message}
    return {"trained": True, "evaluated": version.examples, "model": version.id,
            "status": version.status, "accuracy": version.accuracy, "reason": version.reason}
