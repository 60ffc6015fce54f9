"""The complaint's timeline: every step, who and when."""

from app.models import ComplaintEvent
from app.timeutil import utcnow


def record_event(session, complaint, kind, *, actor_id=None, at=None, details=None):
    event = ComplaintEvent(
        complaint_id=complaint.id, kind=kind, actor_id=actor_id,
        at=at or utcnow(), details=details or {},
    )
    session.add(event)
    return event
