"""The access log: every reveal, export and erasure of a customer's personal data."""

from datetime import datetime

from flask_babel import gettext
from sqlalchemy.orm import Session

from app.models.access_log import ACCESS_ACTIONS, AccessLog
from app.services.access import Actor
from app.services.errors import InvalidInput
from app.timeutil import utcnow

MAX_REASON = 500


def record_access(session: Session, *, actor: Actor, action: str, customer_id: int,
                  fields: list[str] | tuple[str, ...], reason: str,
                  address: str | None = None, now: datetime | None = None) -> AccessLog:
    """Add one access record (committed with the caller's transaction).

    A reason is required: the log answers "why", not only "who".
    """
    if action not in ACCESS_ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(gettext("A reason is required"), field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(gettext("The reason is at most %(n)s characters long", n=MAX_REASON),
                           field="reason")
    record = AccessLog(at=now or utcnow(), actor_id=actor.id, actor_name=actor.username,
                       address=(address or None) and address[:64], action=action,
                       customer_id=customer_id, fields=",".join(fields)[:255], reason=reason)
    session.add(record)
    return record
