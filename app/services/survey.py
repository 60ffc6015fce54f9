"""The one-question satisfaction survey behind /survey/<token>: no login, one answer per
token, expires."""

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import SurveyToken
from app.services import validation as v
from app.services.errors import Conflict, DomainError, NotFound
from app.services.lifecycle import after_dissatisfaction, dissatisfied
from app.services.timeline import record_event
from app.timeutil import utcnow


class Expired(DomainError):
    status = 410


def find_token(session: Session, token: str, now=None) -> SurveyToken:
    now = now or utcnow()
    row = session.execute(select(SurveyToken).where(SurveyToken.token == token)).scalar()
    if row is None:
        raise NotFound(gettext("this survey link is not valid"))
    if row.answered_at is not None:
        raise Conflict(gettext("this survey has already been answered; thank you"))
    if row.expires_at <= now:
        raise Expired(gettext("this survey link has expired"))
    return row


def answer(session: Session, token: str, data: dict, now=None) -> SurveyToken:
    now = now or utcnow()
    row = find_token(session, token, now)
    p = v.Problems()
    score = v.integer(p, data, "score", low=1, high=5, required=True)
    comment = v.text(p, data, "comment", max_len=2000)
    p.raise_if_any(gettext("Please choose a score from 1 to 5"))
    row.answered_at, row.score, row.comment = now, score, comment
    complaint = row.complaint
    complaint.satisfaction = score
    record_event(session, complaint, "survey_answered", at=now,
                 details={"score": score, "comment": comment})
    if dissatisfied(complaint) and complaint.status in ("resolved", "closed"):
        after_dissatisfaction(session, complaint, now, source="survey")
    session.commit()
    return row
