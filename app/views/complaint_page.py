"""The SLA strip of the complaint workspace."""

from sqlalchemy import select

from app.models import Complaint, Team
from app.services.access import actor_for
from app.services.sla import stage
from app.timeutil import to_office, utcnow

STAGES = (("first_response", "first_response_due_at", "first_responded_at"),
          ("resolution", "resolution_due_at", "resolved_at"),
          ("callback", "callback_due_at", "callback_at"))


def _human(delta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    return (f"{days}d " if days else "") + f"{hours}h {minutes:02d}m"


def sla_strip(c: Complaint, now=None) -> list[dict]:
    """Per stage: due time, and time left, time overdue, met or breached."""
    now = now or utcnow()
    current = stage(c)
    out = []
    for name, due_field, done_field in STAGES:
        due, done = getattr(c, due_field), getattr(c, done_field)
        if due is None:
            continue
        if done is not None:
            state = "met" if done <= due else "breached"
            text = ""
        elif c.paused_at is not None and name == current:
            state, text = "paused", _human(due - c.paused_at)
        elif name == current or (name == "resolution" and current == "first_response"):
            state = "overdue" if now > due else (
                "at_risk" if c.next_warn_at and now >= c.next_warn_at and name == current
                else "running")
            text = _human(due - now)
        else:
            state, text = "waiting", ""
        out.append({"stage": name, "due": to_office(due), "state": state, "text": text})
    return out


def transfer_targets(session, c: Complaint, user) -> list[Team]:
    """The active teams a lead of the complaint's team may transfer it to."""
    if not actor_for(session, user).leads(c.team_id):
        return []
    return list(session.execute(select(Team).where(Team.active.is_(True), Team.id != c.team_id)
                                .order_by(Team.name)).scalars())

def screening_of(c: Complaint) -> dict:
    """What screening found at intake (its timeline entry), and the duplicates since."""
    event = c.events.filter_by(kind="screened").first()
    details = event.details if event is not None else {}
    return {"completeness": c.completeness, "missing": details.get("missing", []),
            "duplicate_of": c.duplicate_of, "duplicates": list(c.duplicates),
            "anonymous": c.anonymous, "late": c.late_registration}

