"""The complaint lifecycle: every action checks who may do it and in which state, names the
version it applies to, writes the timeline, and keeps the SLA clocks and queue keys.

new → assigned → in_progress ⇄ waiting_customer → resolved → closed; reopened → in_progress.
A refused action changes nothing and says why (403 who, 409 state or version).
"""

import secrets
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError

from app.models import Complaint, ComplaintEvent, SurveyToken, Team
from app.models.choices import CATEGORIES, ROOT_CAUSES, STATUSES
from app.policy import store
from app.services import validation as v
from app.services.access import Actor, follow_up_team_id
from app.services.calendar import add_working_time
from app.services.complaints import check_version, get_complaint
from app.services.errors import Conflict, InvalidInput
from app.services.mail import deliver_in_background, queue_customer_mail
from app.services.redecide import redecide
from app.services.sla import refresh_queue_keys, shift_for_pause
from app.services.timeline import record_event
from app.timeutil import office_zone, utcnow

RESOLUTION_KINDS = ("apology", "compensation", "redelivery", "rectification", "penalty",
                    "explanation")
OPEN_WORK = {"assigned", "in_progress", "reopened"}
NOT_CLOSED = set(STATUSES) - {"closed"}
TEXT_MAX = 4000  # notes, messages, reasons, comments, resolution texts


class Step:
    """One action: the states it starts from, and what it needs of the body."""

    def __init__(self, states, fields=()):
        self.states = set(states)
        self.fields = set(fields) | {"version"}


STEPS = {
    "claim": Step({"new", "assigned", "reopened"}),
    "assign": Step({"new", "assigned", "in_progress", "waiting_customer", "reopened"}, {"user"}),
    "transfer": Step({"new", "assigned", "in_progress", "reopened"}, {"team", "reason"}),
    "respond": Step(OPEN_WORK, {"message"}),
    "note": Step(NOT_CLOSED, {"text", "message"}),
    "wait_customer": Step({"in_progress"}, {"reason"}),
    "resume": Step({"waiting_customer"}, {"message"}),
    "propose_resolution": Step({"in_progress", "reopened"}, {"kind", "amount", "text"}),
    "approve_resolution": Step({"in_progress", "reopened"}, {"comment"}),
    "resolve": Step({"in_progress", "reopened"}, {"message", "root_cause"}),
    "callback": Step({"resolved"}, {"reached", "satisfaction", "comment"}),
    "close": Step({"resolved"}, {"reason"}),
    "reopen": Step({"resolved", "closed"}, {"reason"}),
    "escalate": Step({"new", "assigned", "in_progress", "reopened"}, {"reason"}),
    "merge": Step(NOT_CLOSED - {"resolved"}, {"into", "reason"}),
    # also confirms a suggested category (the same value): the classifier learns from it
    "change_category": Step(set(STATUSES), {"category", "reason"}),
}
DISSATISFIED = 2  # a satisfaction of 1 or 2 (of 5) is a dissatisfied customer
TOP_LEVEL = 5
ACTIONS = tuple(STEPS) + ("attach",)


def _team_and_calendar(complaint):
    team = complaint.team
    return team, (team.calendar if team else None)


def _is_handler(actor: Actor, c: Complaint) -> bool:
    return actor.is_admin or c.assignee_id == actor.id or actor.leads(c.team_id)


def approval_limit(session: Session) -> Decimal:
    """The compensation approval limit in CNY: a parameter of the escalation rule set."""
    return Decimal(str(store.parameters(session, "escalation")["compensation_approval_limit"]))


def needs_approval(c: Complaint, session: Session | None = None) -> bool:
    session = session or object_session(c)
    return c.level >= 4 or (c.resolution_kind == "compensation"
                            and Decimal(c.resolution_amount or 0) > approval_limit(session))


def dissatisfied(c: Complaint) -> bool:
    return c.satisfaction is not None and c.satisfaction <= DISSATISFIED


def perform(session: Session, complaint_id, action: str, body: dict, actor: Actor, *,
            now=None) -> Complaint:
    """Apply one action; raise InvalidInput / Forbidden / Conflict / NotFound otherwise."""
    now = now or utcnow()
    if action not in STEPS:
        raise InvalidInput(gettext("unknown action '%(action)s'; actions are: %(actions)s", action=action,
                                   actions=", ".join(ACTIONS)),
                           field="action")
    if not isinstance(body, dict):
        raise InvalidInput(gettext("the body must be a JSON object"))
    c = get_complaint(session, complaint_id, viewer=actor)
    step = STEPS[action]
    p = v.Problems()
    v.no_unknown(p, body, step.fields)
    version = v.integer(p, body, "version", required=True, low=1, high=v.MAX_ID)
    p.raise_if_any(gettext("The '%(action)s' action was not applied; please correct",
                           action=action))
    if c.status not in step.states:
        raise Conflict(gettext("cannot %(action)s complaint %(number)s: its status is %(status)s",
                               action=action.replace("_", " "), number=c.number,
                               status=str(STATUSES.get(c.status, c.status))), field="status")
    check_version(c, version)
    details = globals()[f"_{action}"](session, c, body, actor, now)
    refresh_queue_keys(c)
    record_event(session, c, action, actor_id=actor.id, at=now, details=details or {})
    if action == "callback" and details["dissatisfied"]:
        after_dissatisfaction(session, c, now, source="callback", actor_id=actor.id)
    try:
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(gettext("complaint %(number)s was changed by someone else at the same "
                               "time; reload and try again", number=c.number),
                       field="version") from exc
    if details and details.get("mail_queued"):
        deliver_in_background()
    return c


# --- the actions: each checks who, changes the complaint, returns the event's details ---

def _claim(session, c, body, actor, now):
    actor.require(actor.is_member(c.team_id), gettext("only members of the complaint's team can claim it"))
    if c.assignee_id and c.assignee_id != actor.id:
        raise Conflict(gettext("complaint %(number)s is already assigned to %(user)s; ask the "
                               "team lead to reassign it", number=c.number,
                               user=c.assignee.username), field="assignee")
    c.assignee_id = actor.id
    c.status = "assigned" if c.status == "new" else c.status
    return {"assignee": actor.username}


def _assign(session, c, body, actor, now):
    actor.require(actor.leads(c.team_id), gettext("only the team's lead can assign complaints"))
    user_id = body.get("user")
    team: Team = c.team
    member = next((m for m in team.members if m.id == user_id), None) if team else None
    if member is None:
        raise InvalidInput(gettext("user %(user)s is not a member of team %(team)s", user=user_id,
                                   team=team.name if team else "-"),
                           field="user")
    if not member.active:
        raise InvalidInput(gettext("%(user)s is inactive", user=member.username), field="user")
    previous = c.assignee.username if c.assignee else None
    c.assignee_id = member.id
    if c.status == "new":
        c.status = "assigned"
    return {"assignee": member.username, "previous": previous}


def _transfer(session, c, body, actor, now):
    """A lead hands a misrouted complaint to another team, saying why; the new team's
    lead assigns it. The due times stay: the customer's clock does not restart."""
    actor.require(actor.leads(c.team_id),
                  gettext("only the team's lead can transfer a complaint to another team"))
    p = v.Problems()
    team_id = v.integer(p, body, "team", low=1, high=2**31 - 1, required=True)
    reason = v.text(p, body, "reason", required=True, max_len=TEXT_MAX)
    team = session.get(Team, team_id) if team_id else None
    if team_id and (team is None or not team.active):
        p.add("team", gettext("no active team with id %(id)s", id=team_id))
    elif team is not None and team.id == c.team_id:
        p.add("team", gettext("the complaint is already with this team"))
    p.raise_if_any(gettext("The complaint was not transferred; please correct"))
    previous = c.team.name if c.team else None
    c.team_id, c.assignee_id = team.id, None
    if c.status == "assigned":
        c.status = "new"
    return {"from": previous, "to": team.name, "reason": reason}


def _respond(session, c, body, actor, now):
    actor.require(_is_handler(actor, c), gettext("only the assignee or the team lead can respond"))
    message = _text(body, "message", required=True)
    details = {"message": message}
    if c.first_responded_at is None:
        c.first_responded_at = now
        met = now <= c.first_response_due_at if c.first_response_due_at else True
        record_event(session, c, "sla_met" if met else "sla_breached", at=now,
                     details={"stage": "first_response"})
    c.status = "in_progress"
    return details


def _note(session, c, body, actor, now):
    actor.require(actor.is_member(c.team_id), gettext("only the complaint's team can add notes"))
    return {"text": _text(body, "text", required=not body.get("message"))
            or _text(body, "message", required=True), "internal": True}


def _wait_customer(session, c, body, actor, now):
    actor.require(_is_handler(actor, c), gettext("only the assignee or the team lead can do this"))
    c.status, c.paused_at = "waiting_customer", now
    reason = _text(body, "reason")
    record_event(session, c, "sla_paused", at=now, details={"reason": reason})
    return {"reason": reason}


def _resume(session, c, body, actor, now):
    actor.require(_is_handler(actor, c), gettext("only the assignee or the team lead can do this"))
    _, calendar = _team_and_calendar(c)
    paused = c.paused_at or now
    moved = shift_for_pause(c, paused, now, calendar)
    c.status, c.paused_at = "in_progress", None
    record_event(session, c, "sla_resumed", at=now, details={
        "paused_minutes": round((now - paused).total_seconds() / 60, 1), "due": moved})
    return {"message": _text(body, "message")}


def _propose_resolution(session, c, body, actor, now):
    actor.require(_is_handler(actor, c), gettext("only the assignee or the team lead can propose"))
    p = v.Problems()
    kind = v.one_of(p, body, "kind", list(RESOLUTION_KINDS), required=True)
    text = v.text(p, body, "text", required=True, max_len=TEXT_MAX)
    amount = None
    if kind == "compensation":
        amount = v.amount(p, body, "amount", required=True)
    elif body.get("amount") not in (None, 0):
        p.add("amount", gettext("only a compensation has an amount"))
    p.raise_if_any(gettext("The resolution was not proposed; please correct"))
    c.resolution_kind, c.resolution_text, c.resolution_amount = kind, text, amount
    c.resolution_approved_by_id = c.resolution_approved_at = None
    return {"kind": kind, "amount": str(amount) if amount is not None else None, "text": text,
            "needs_approval": needs_approval(c, session)}


def _approve_resolution(session, c, body, actor, now):
    actor.require(actor.leads(c.team_id), gettext("only the team lead can approve a resolution"))
    if not c.resolution_kind:
        raise Conflict(gettext("there is no proposed resolution to approve"), field="resolution")
    if c.resolution_approved_at:
        raise Conflict(gettext("the resolution is already approved"), field="resolution")
    if proposer_id(session, c) == actor.id:  # four eyes: money needs a second person
        raise Conflict(gettext("you proposed this resolution; another lead must approve it"),
                       field="resolution")
    c.resolution_approved_by_id, c.resolution_approved_at = actor.id, now
    return {"kind": c.resolution_kind, "comment": _text(body, "comment")}


def proposer_id(session, c) -> int | None:
    return session.execute(
        select(ComplaintEvent.actor_id)
        .where(ComplaintEvent.complaint_id == c.id, ComplaintEvent.kind == "propose_resolution")
        .order_by(ComplaintEvent.id.desc()).limit(1)).scalar()


def _resolve(session, c, body, actor, now):
    actor.require(_is_handler(actor, c), gettext("only the assignee or the team lead can resolve"))
    if not c.resolution_kind:
        raise Conflict(gettext("propose a resolution before resolving"), field="resolution")
    if needs_approval(c, session) and not c.resolution_approved_at:
        why = (gettext("level 4 or above") if c.level >= 4
               else gettext("compensation above the limit of %(limit)s CNY",
                            limit=approval_limit(session)))
        raise Conflict(gettext("this resolution needs a lead's approval first (%(why)s)", why=why),
                       field="resolution")
    if c.first_responded_at is None:
        raise Conflict(gettext("respond to the customer before resolving"), field="status")
    p = v.Problems()
    c.root_cause = v.one_of(p, body, "root_cause", list(ROOT_CAUSES), default=c.root_cause)
    p.raise_if_any(gettext("The complaint was not resolved; please correct"))
    c.status, c.resolved_at = "resolved", now
    # the callback is due a set time after the actual resolution, not after its due time
    c.callback_due_at = now + timedelta(days=callback_days(c))
    met = now <= c.resolution_due_at if c.resolution_due_at else True
    record_event(session, c, "sla_met" if met else "sla_breached", at=now,
                 details={"stage": "resolution"})
    token = SurveyToken(token=secrets.token_urlsafe(24), complaint_id=c.id, created_at=now,
                        expires_at=now + timedelta(days=current_app.config["SURVEY_DAYS"]))
    session.add(token)
    survey_url = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/survey/{token.token}"
    queued = queue_customer_mail(session, c, "resolved", survey_url=survey_url,
                                 resolution=f"{c.resolution_kind}: {c.resolution_text}")
    return {"message": _text(body, "message"), "root_cause": c.root_cause,
            "mail_queued": queued}


def _callback(session, c, body, actor, now):
    follow_up = follow_up_team_id(session)
    actor.require(actor.is_member(c.team_id) or actor.is_member(follow_up),
                  gettext("only the complaint's team or the follow-up team can record a callback"))
    p = v.Problems()
    reached = body.get("reached")
    if not isinstance(reached, bool):
        p.add("reached", gettext("must be true or false"))
    satisfaction = v.integer(p, body, "satisfaction", low=1, high=5, required=reached is True)
    comment = v.text(p, body, "comment", max_len=2000)
    p.raise_if_any(gettext("The callback was not recorded; please correct"))
    c.callback_at, c.callback_reached, c.callback_comment = now, reached, comment
    if reached:
        c.satisfaction = satisfaction
    met = now <= c.callback_due_at if c.callback_due_at else True
    record_event(session, c, "sla_met" if met else "sla_breached", at=now,
                 details={"stage": "callback"})
    return {"reached": reached, "satisfaction": satisfaction, "comment": comment,
            "dissatisfied": bool(reached and dissatisfied(c))}


def after_dissatisfaction(session, c, now, *, source: str, actor_id=None) -> bool:
    """A satisfaction of 1-2 reopens the complaint when the policy says so (the escalation
    set's `reopen_on_dissatisfaction`); otherwise closing it needs a lead's reason."""
    if not store.parameters(session, "escalation").get("reopen_on_dissatisfaction", True):
        return False
    reopen_complaint(session, c, now)
    record_event(session, c, "reopen", actor_id=actor_id, at=now, details={
        "reason": gettext("customer dissatisfied (satisfaction %(n)s)", n=c.satisfaction),
        "automatic": True, "source": source, "satisfaction": c.satisfaction,
        "reopen_count": c.reopen_count, "resolution_due_at": c.resolution_due_at.isoformat()})
    return True


def callback_days(c: Complaint) -> float:
    """The SLA's callback time; for complaints registered before it was kept, the span
    between the resolution and callback due times, or the level's default."""
    if c.callback_days is not None:
        return c.callback_days
    if c.callback_due_at and c.resolution_due_at:
        return max(0.0, (c.callback_due_at - c.resolution_due_at).total_seconds() / 86400)
    from app.services.decide import FALLBACK_SLA

    return FALLBACK_SLA.get(c.level, FALLBACK_SLA[2])[2]


def _close(session, c, body, actor, now):
    reason = _text(body, "reason")
    if dissatisfied(c):
        actor.require(actor.leads(c.team_id), gettext(
            "the customer is dissatisfied (satisfaction %(n)s): only the team lead can close "
            "it, with a reason", n=c.satisfaction))
        if not reason:
            raise InvalidInput(gettext("the customer is dissatisfied (satisfaction %(n)s): say "
                                       "why the complaint is closed anyway", n=c.satisfaction),
                               field="reason")
        c.status, c.closed_at, c.close_reason = "closed", now, reason
        return {"reason": reason, "after_callback": bool(c.callback_reached),
                "override": True, "satisfaction": c.satisfaction}
    if c.callback_reached:
        actor.require(_is_handler(actor, c), gettext("only the assignee or the team lead can close"))
    else:
        actor.require(actor.leads(c.team_id),
                      gettext("without a successful callback only the team lead can close"))
        if not reason:
            raise InvalidInput(gettext("say why the complaint is closed without reaching the customer"),
                               field="reason")
    c.status, c.closed_at, c.close_reason = "closed", now, reason
    return {"reason": reason, "after_callback": bool(c.callback_reached)}


def _reopen(session, c, body, actor, now):
    actor.require(actor.is_member(c.team_id), gettext("only the complaint's team can reopen it"))
    reopen_complaint(session, c, now)
    return {"reason": _text(body, "reason"), "reopen_count": c.reopen_count,
            "resolution_due_at": c.resolution_due_at.isoformat()}


def reopen_complaint(session, c, now) -> None:
    """Back to work with the same resolution time as before, counted as a reopen; the
    next resolution needs a new callback."""
    _, calendar = _team_and_calendar(c)
    span = (c.resolution_due_at - c.received_at) if c.resolution_due_at else timedelta(hours=48)
    c.status, c.reopen_count, c.is_repeat = "reopened", (c.reopen_count or 0) + 1, True
    c.resolved_at = c.closed_at = None
    c.callback_at = c.callback_reached = None
    c.resolution_approved_at = c.resolution_approved_by_id = None
    c.resolution_due_at = add_working_time(now, span, calendar, office_zone())
    c.at_risk_from = c.resolution_due_at - span * 0.2
    refresh_queue_keys(c)


def _escalate(session, c, body, actor, now):
    """The next escalation stage: one level up, routed and timed again for that level."""
    actor.require(actor.is_member(c.team_id),
                  gettext("only the complaint's team (its agents or lead) can escalate it"))
    reason = _text(body, "reason", required=True)
    if c.level >= TOP_LEVEL:
        raise Conflict(gettext("complaint %(number)s is already at the highest level (5 major)",
                               number=c.number), field="level")
    c.escalation_count = (c.escalation_count or 0) + 1
    done = redecide(session, c, c.level + 1, now=now, trigger="manual", reason=reason,
                    actor_id=actor.id)
    return {"reason": reason, "from_level": done["from_level"], "to_level": done["to_level"],
            "from_team": done["from_team"], "team": done["team"]}


def _merge(session, c, body, actor, now):
    """A lead closes a duplicate as merged into its original; both timelines say so."""
    actor.require(actor.leads(c.team_id), gettext("only the team lead can merge a duplicate"))
    into = body.get("into", c.duplicate_of_id)
    if into is None:
        raise Conflict(gettext("complaint %(number)s is not marked as a duplicate; say which "
                               "complaint it duplicates ('into')", number=c.number), field="into")
    original = get_complaint(session, into, viewer=actor) if str(into).isdigit() else None
    if original is None or original.id == c.id:
        raise InvalidInput(gettext("'into' must be the id of another complaint"), field="into")
    if original.duplicate_of_id is not None or original.status == "closed":
        raise Conflict(gettext("complaint %(number)s is itself closed or a duplicate; merge "
                               "into the original", number=original.number), field="into")
    reason = _text(body, "reason")
    c.duplicate_of_id = original.id
    c.status, c.closed_at = "closed", now
    c.close_reason = gettext("merged into %(number)s", number=original.number)
    c.tags = [*(c.tags or []), "merged"]
    record_event(session, original, "merged_in", actor_id=actor.id, at=now,
                 details={"duplicate": c.id, "number": c.number, "reason": reason})
    return {"into": original.id, "number": original.number, "reason": reason}


def _change_category(session, c, body, actor, now):
    actor.require(actor.is_member(c.team_id), gettext(
        "only the complaint's team can change its category"))
    p = v.Problems()
    category = v.one_of(p, body, "category", list(CATEGORIES), required=True)
    reason = v.text(p, body, "reason", required=True, max_len=2000)
    p.raise_if_any(gettext("The category was not changed; please correct"))
    before, source = c.category, c.category_source
    c.category, c.category_source = category, "person"
    return {"from": before, "to": category, "reason": reason, "was": source}


def _text(body, field, required=False):
    """A free-text field, refused when longer than TEXT_MAX: never cut."""
    value = body.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(gettext("%(field)s is required", field=field), field=field)
        return None
    if not isinstance(value, str):
        raise InvalidInput(gettext("%(field)s must be text", field=field), field=field)
    value = value.strip()
    if len(value) > TEXT_MAX:
        raise InvalidInput(gettext("%(field)s has %(length)s characters; the limit is %(limit)s",
                                   field=field, length=len(value), limit=TEXT_MAX), field=field)
    return value
