"""notify(target, message) from the rules: to the assignee, the team lead, a team, an
e-mail address, or a webhook; queued in the outbox, delivered and retried by its job."""

import json
import re

from sqlalchemy.orm import Session

from app.models import Notification
from app.services.mail import active_webhook, render
from app.services.privacy.masking import mask_values
from app.services.teams import team_by_name
from app.timeutil import utcnow

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def recipients(session: Session, target: str, complaint=None) -> list[str]:
    """E-mail addresses or webhook:<name> for a rule's target."""
    target = (target or "").strip()
    if target == "assignee":
        user = complaint.assignee if complaint is not None else None
        return [user.email] if user and user.email else []
    if target == "team_lead":
        team = complaint.team if complaint is not None else None
        return [team.lead.email] if team and team.lead and team.lead.email else []
    if target.startswith("team:"):
        team = team_by_name(session, target[5:].strip())
        if team is None:
            return []
        people = ([team.lead] if team.lead else []) + list(team.members)
        return sorted({u.email for u in people if u.email and u.active})
    if target.startswith("webhook:"):
        hook = active_webhook(session, target[8:].strip())
        return [f"webhook:{hook.name}"] if hook else []
    return [target] if EMAIL.match(target) else []


def queue_notice(session: Session, target: str, message: str, values: dict, *,
                 complaint=None, subject: str = "ParcelDesk") -> int:
    values = mask_values(values)  # staff mails carry no phone or ID number in full
    text = render(message, values)
    count = 0
    for recipient in recipients(session, target, complaint):
        channel = "webhook" if recipient.startswith("webhook:") else "email"
        body = json.dumps({"subject": subject, "message": text,
                           "complaint": getattr(complaint, "number", None),
                           "figures": {k: v for k, v in values.items()
                                       if isinstance(v, int | float | str | None)}},
                          ensure_ascii=False) if channel == "webhook" else text
        session.add(Notification(complaint_id=getattr(complaint, "id", None), channel=channel,
                                 recipient=recipient, subject=subject, body=body,
                                 status="pending", next_attempt_at=utcnow()))
        count += 1
    return count
