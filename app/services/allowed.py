"""Which actions this person may take on this complaint now: its state, their role and
team, and what the action needs first. The complaint page shows exactly these, and the API
returns them as `allowed_actions`; the lifecycle still checks every action it is given."""

from sqlalchemy.orm import object_session

from app.models import Complaint
from app.models.choices import LEVELS
from app.services.access import Actor

TOP_LEVEL = max(LEVELS)


def _handler(actor: Actor, c: Complaint) -> bool:
    return actor.is_admin or c.assignee_id == actor.id or actor.leads(c.team_id)


def _member(actor: Actor, c: Complaint) -> bool:
    return actor.is_member(c.team_id)


def _callback(actor: Actor, c: Complaint) -> bool:
    return actor.is_member(c.team_id) or actor.follow_up


def _close(actor: Actor, c: Complaint) -> bool:
    return _handler(actor, c) if c.callback_reached else actor.leads(c.team_id)


WHO = {
    "claim": lambda a, c: a.is_member(c.team_id) and c.assignee_id is None,
    "assign": lambda a, c: a.leads(c.team_id),
    "transfer": lambda a, c: a.leads(c.team_id),
    "escalate": lambda a, c: a.is_member(c.team_id) and c.level < TOP_LEVEL,
    # merging from the page needs the original screening found
    "merge": lambda a, c: a.leads(c.team_id) and c.duplicate_of_id is not None,
    "respond": _handler,
    "note": _member,
    "wait_customer": _handler,
    "resume": _handler,
    "propose_resolution": _handler,
    "approve_resolution": lambda a, c: a.leads(c.team_id),
    "resolve": _handler,
    "callback": _callback,
    "close": _close,
    "reopen": _member,
    "attach": _member,
    "change_category": _member,
}


def allowed_actions(c: Complaint, actor: Actor) -> list[str]:
    """Action names in the lifecycle's order."""
    from app.services.lifecycle import STEPS, needs_approval, proposer_id

    out = []
    for name, step in STEPS.items():
        if c.status not in step.states or not WHO.get(name, lambda a, c: False)(actor, c):
            continue
        if name == "approve_resolution" and (not c.resolution_kind or c.resolution_approved_at
                                             or not needs_approval(c)
                                             or proposer_id(object_session(c), c) == actor.id):
            continue  # four eyes: the proposer does not approve
        if name == "resolve" and (not c.resolution_kind or c.first_responded_at is None
                                  or (needs_approval(c) and not c.resolution_approved_at)):
            continue
        out.append(name)
    if c.status != "closed" and WHO["attach"](actor, c):
        out.append("attach")
    return out
