"""Acknowledging and resolving alerts by hand."""

from flask_babel import gettext
from sqlalchemy.orm import Session

from app.models import Alert
from app.services.errors import Conflict, NotFound
from app.services.validation import as_id
from app.timeutil import utcnow


def _get(session: Session, alert_id) -> Alert:
    number = as_id(alert_id)
    alert = session.get(Alert, number) if number else None
    if alert is None:
        raise NotFound(gettext("no alert with id %(id)s", id=alert_id))
    return alert


def acknowledge(session: Session, alert_id, user_id) -> Alert:
    alert = _get(session, alert_id)
    if alert.state != "open":
        raise Conflict(gettext("the alert is %(state)s; only open alerts can be acknowledged",
                               state=alert.state))
    alert.state, alert.acknowledged_by_id, alert.acknowledged_at = "acknowledged", user_id, utcnow()
    session.commit()
    return alert


def resolve(session: Session, alert_id) -> Alert:
    alert = _get(session, alert_id)
    if alert.state == "resolved":
        raise Conflict(gettext("the alert is already resolved"))
    alert.state, alert.resolved_at = "resolved", utcnow()
    session.commit()
    return alert
