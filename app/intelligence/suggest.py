"""Suggestions for a description: category and urgency with calibrated confidences,
similar resolved complaints and knowledge-base articles.

Without a model the category and urgency are None (the desk works as before); below
the confidence threshold `value` is None but `top` still ranks every category.
"""

import logging
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from app.intelligence.knowledge import related_articles
from app.intelligence.models import loaded_model
from app.intelligence.similarity import index_for, most_similar
from app.models.choices import CATEGORIES
from app.services.privacy.masking import mask_text

log = logging.getLogger(__name__)
DEFAULT_THRESHOLD = 0.5
URGENCIES = (1, 2, 3, 4, 5)


def threshold() -> float:
    if has_app_context():
        return float(current_app.config.get("SUGGEST_THRESHOLD", DEFAULT_THRESHOLD))
    return DEFAULT_THRESHOLD


def _ranked(values, classes, proba, cut: float, cast=str) -> dict:
    known = {cast(c): float(p) for c, p in zip(classes, proba, strict=True)}
    top = sorted(({"value": v, "confidence": round(known.get(v, 0.0), 4)} for v in values),
                 key=lambda t: -t["confidence"])
    return {"value": top[0]["value"] if top[0]["confidence"] >= cut else None,
            "confidence": top[0]["confidence"], "top": top}


@dataclass
class Prediction:
    category: dict | None
    urgency: dict | None
    query: object = None  # the description's row in the model's space
    model: object = None


def predict(session: Session, description: str, cut: float | None = None,
            model_id: int | None | bool = False) -> Prediction:
    cut = threshold() if cut is None else cut
    model = loaded_model(session, model_id)
    if model is None:
        return Prediction(None, None)
    fitted = model.fitted
    query = fitted.vectorizer.transform([description or ""])
    category = _ranked(list(CATEGORIES), fitted.categories, fitted.category_proba(query)[0], cut)
    urgency = None
    proba = fitted.urgency_proba(query)
    if proba is not None:
        urgency = _ranked(URGENCIES, fitted.urgency.classes_, proba[0], cut, cast=int)
        urgency["top"] = [{**u, "value": int(u["value"])} for u in urgency["top"]]
    return Prediction(category, urgency, query, model)


def safe_predict(session: Session, description: str,
                 model_id: int | None | bool = False) -> Prediction:
    """For intake: a broken model never stops a complaint from being registered."""
    try:
        return predict(session, description, model_id=model_id)
    except Exception:  # noqa: BLE001 - logged; intake goes on without a prediction
        log.exception("category prediction failed")
        return Prediction(None, None)


def similar_cases(session: Session, prediction: Prediction, *, exclude=None, limit=5) -> list:
    if prediction.model is None:
        return []
    index = index_for(session, prediction.model.key, prediction.model.fitted.vectorizer)
    return most_similar(index, prediction.query, limit=limit, exclude=exclude)


def articles_for(session: Session, text: str, prediction: Prediction, categories=(),
                 language: str | None = None) -> list:
    model = prediction.model
    return related_articles(
        session, text, space=model.fitted.vectorizer if model else None,
        space_key=model.key if model else None, query=prediction.query,
        categories=categories, language=language)


def suggest(session: Session, description: str, language: str | None = None) -> dict:
    """`language` ("zh" or "en"): the one articles' titles are given in, where they can be."""
    prediction = predict(session, description)
    guessed = prediction.category["value"] if prediction.category else None
    return {
        "category": prediction.category, "urgency": prediction.urgency,
        "similar": [{**{k: case[k] for k in ("id", "number", "category", "resolution_kind",
                                             "score")},
                     "resolution_text": mask_text(case["resolution_text"])}
                    for case in similar_cases(session, prediction)],
        "articles": articles_for(session, description, prediction,
                                 categories=[guessed] if guessed else (), language=language),
    }


def for_complaint(session: Session, complaint, language: str | None = None) -> dict:
    """What the complaint page suggests: similar resolved cases, articles, templates."""
    from app.intelligence.knowledge import reply_templates

    prediction = predict(session, complaint.description)
    return {
        "similar": similar_cases(session, prediction, exclude=complaint.id),
        "articles": articles_for(session, complaint.description, prediction,
                                 categories=[complaint.category], language=language),
        "templates": reply_templates(session, complaint.category, language),
        "prediction": prediction.category,
    }

