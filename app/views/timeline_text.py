"""The one presenter of a complaint's history: events become short sentences in the user's
language (who by display name, office time, what changed), the customer conversation
becomes a thread, internal notes stand apart. Pages never show an event's raw details."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext, lazy_gettext

from app.models.choices import CATEGORIES, CHANNELS, IMPACTS, LEVELS, STATUSES
from app.services.privacy.masking import mask_text
from app.timeutil import to_office

STAGES = {"first_response": lazy_gettext("First response"),
          "resolution": lazy_gettext("Resolution"), "callback": lazy_gettext("Callback")}
RESOLUTION_KINDS = {"apology": lazy_gettext("Apology"), "compensation": lazy_gettext("Compensation"),
                    "redelivery": lazy_gettext("Redelivery"),
                    "rectification": lazy_gettext("Rectification"),
                    "penalty": lazy_gettext("Penalty"), "explanation": lazy_gettext("Explanation")}
FIELD_LABELS = {"level": lazy_gettext("level"), "category": lazy_gettext("category"),
                "impact": lazy_gettext("impact"), "description": lazy_gettext("description"),
                "expected_outcome": lazy_gettext("expected outcome"), "team": lazy_gettext("team"),
                "status": lazy_gettext("status")}
FIELD_VALUES = {"category": CATEGORIES, "impact": IMPACTS, "status": STATUSES, "level": LEVELS}
NOTIFY_TARGETS = {"assignee": lazy_gettext("the assignee"), "team_lead": lazy_gettext("the team lead")}


@dataclass
class Entry:
    """One line of the timeline as a page shows it."""

    at: datetime
    who: str
    text: str
    kind: str  # css hook: system, work, reply, note, customer, problem
    detail: str = ""  # technical detail, for admins only
    extra: dict = field(default_factory=dict)


@dataclass
class Message:
    """One message of the conversation with the customer."""

    at: datetime
    author: str
    text: str
    from_customer: bool
    via: str = ""


def _value(name, value):
    if value is None or value == "":
        return "—"
    labels = FIELD_VALUES.get(name)
    if labels and value in labels:
        return str(labels[value])
    return str(value)


def _money(amount) -> str:
    return f"¥{amount}" if amount not in (None, "") else ""


def _when(value) -> str:
    if not value:
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return to_office(value).strftime("%Y-%m-%d %H:%M")


def _rule(d) -> str:
    return d.get("rule") or ""


def sentence(kind: str, d: dict, names) -> str | None:
    """The sentence for one event; None hides it (its twin says the same)."""
    d = d or {}
    if kind == "registered":
        return gettext("Registered (channel: %(channel)s).",
                 channel=_value("x", CHANNELS.get(d.get("channel"), d.get("channel"))))
    if kind == "rules_failed":
        return gettext("The rules could not be evaluated; the complaint went to %(team)s with the "
                 "default deadlines.", team=d.get("fallback_team") or "—")
    if kind == "routed":
        return gettext("Graded %(level)s and routed to %(team)s.", level=_value("level", d.get("level")),
                 team=names.team(d.get("team")))
    if kind == "sla_started":
        return gettext("Deadlines set: first response by %(first)s, resolution by %(resolution)s.",
                 first=_when(d.get("first_response_due_at")),
                 resolution=_when(d.get("resolution_due_at")))
    if kind == "assigned":
        return gettext("Assigned to %(user)s.", user=names.user(d.get("assignee_id")))
    if kind == "claim":
        return gettext("Claimed the complaint.")
    if kind == "assign":
        if d.get("previous"):
            return gettext("Reassigned the complaint from %(before)s to %(user)s.",
                     before=names.user_by_login(d["previous"]),
                     user=names.user_by_login(d.get("assignee")))
        return gettext("Assigned the complaint to %(user)s.", user=names.user_by_login(d.get("assignee")))
    if kind == "transfer":
        return gettext("Transferred the complaint from %(before)s to %(team)s: %(reason)s.",
                       before=names.team(d.get("from")), team=names.team(d.get("to")),
                       reason=d.get("reason") or "—")
    if kind == "escalate":
        return gettext("Escalated the complaint to the next level: %(reason)s.",
                       reason=d.get("reason") or "—")
    if kind == "redecided":
        text = gettext("Level %(before)s → %(after)s: routed and timed again; resolution due "
                       "%(due)s.", before=_value("level", d.get("from_level")),
                       after=_value("level", d.get("to_level")),
                       due=_when(d.get("resolution_due_at")))
        if d.get("moved"):
            text += " " + gettext("Moved from %(before)s to %(team)s.",
                                  before=names.team(d.get("from_team")),
                                  team=names.team(d.get("team")))
        return text
    if kind == "merge":
        return gettext("Merged this duplicate into %(number)s.", number=d.get("number") or "—")
    if kind == "merged_in":
        return gettext("The duplicate %(number)s was merged into this complaint.",
                       number=d.get("number") or "—")
    if kind == "screened":
        return None  # shown in the screening panel
    if kind == "duplicate_registered":
        return gettext("The complaint %(number)s was registered as a duplicate of this one.",
                       number=d.get("number") or "—")
    if kind == "respond":
        return gettext("Replied to the customer.")
    if kind == "note":
        return gettext("Added an internal note.")
    if kind == "wait_customer":
        reason = d.get("reason")
        return (gettext("Waiting for the customer (%(reason)s); the clock is paused.", reason=reason)
                if reason else gettext("Waiting for the customer; the clock is paused."))
    if kind == "resume":
        return gettext("Resumed work; the clock runs again.")
    if kind in ("sla_paused",):
        return None  # "waiting for the customer" says it
    if kind == "sla_resumed":
        minutes = d.get("paused_minutes")
        return gettext("The deadlines moved by the %(minutes)s minutes of waiting.",
                 minutes=int(minutes)) if minutes else None
    if kind == "propose_resolution":
        what = str(RESOLUTION_KINDS.get(d.get("kind"), d.get("kind") or "—"))
        amount = _money(d.get("amount"))
        return gettext("Proposed a resolution: %(what)s%(amount)s — %(text)s.", what=what,
                 amount=f" {amount}" if amount else "", text=d.get("text") or "")
    if kind == "approve_resolution":
        return gettext("Approved the proposed resolution.")
    if kind == "resolve":
        return gettext("Resolved the complaint.")
    if kind == "callback":
        if d.get("reached"):
            return gettext("Called the customer back: reached, satisfaction %(score)s of 5.",
                     score=d.get("satisfaction") or "—")
        return gettext("Called the customer back: not reached.")
    if kind == "close":
        reason = d.get("reason")
        return gettext("Closed the complaint: %(reason)s.", reason=reason) if reason else \
            gettext("Closed the complaint.")
    if kind == "reopen":
        reason = d.get("reason")
        return gettext("Reopened the complaint: %(reason)s.", reason=reason) if reason else \
            gettext("Reopened the complaint.")
    if kind in ("sla_met", "sla_breached"):
        stage = str(STAGES.get(d.get("stage"), d.get("stage") or ""))
        return (gettext("%(stage)s: done in time.", stage=stage) if kind == "sla_met"
                else gettext("%(stage)s: the deadline was missed.", stage=stage))
    if kind == "escalated":
        return gettext("Escalated from %(before)s to %(team)s by the rule “%(rule)s”.",
                 before=names.team(d.get("from_team")), team=names.team(d.get("to_team")),
                 rule=_rule(d))
    if kind == "level_raised":
        return gettext("Level raised from %(before)s to %(after)s by the rule “%(rule)s”.",
                 before=_value("level", d.get("from_level")),
                 after=_value("level", d.get("to_level")), rule=_rule(d))
    if kind == "notified":
        target = d.get("target") or ""
        if target.startswith("team:"):
            who = names.team(target[5:])
        else:
            who = str(NOTIFY_TARGETS.get(target, target))
        return gettext("%(who)s was told, by the rule “%(rule)s”.", who=who, rule=_rule(d))
    if kind == "marked_at_risk":
        return gettext("Marked at risk by the rule “%(rule)s”.", rule=_rule(d))
    if kind == "email_sent":
        return gettext("Mail sent: “%(subject)s”.", subject=d.get("subject") or "")
    if kind == "email_failed":
        return (gettext("The mail is not delivered yet; it will be retried.") if d.get("will_retry")
                else gettext("The mail could not be delivered."))
    if kind == "webhook_sent":
        return gettext("Message sent to a connected system.")
    if kind == "webhook_failed":
        return (gettext("A connected system was not reached yet; it will be retried.")
                if d.get("will_retry") else gettext("A connected system could not be reached."))
    if kind == "attachment_added":
        return gettext("Attached %(file)s.", file=d.get("filename") or "")
    if kind == "edited":
        parts = []
        for name, change in d.items():
            if isinstance(change, list | tuple) and len(change) == 2:
                parts.append(gettext("%(field)s from %(before)s to %(after)s",
                               field=str(FIELD_LABELS.get(name, name)),
                               before=_short(_value(name, change[0])),
                               after=_short(_value(name, change[1]))))
        return gettext("Changed %(changes)s.", changes="; ".join(parts)) if parts else None
    if kind == "survey_answered":
        return gettext("The customer answered the survey: %(score)s of 5.", score=d.get("score") or "—")
    return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


PROBLEMS = {"rules_failed", "email_failed", "webhook_failed", "sla_breached"}
WORK = {"claim", "assign", "transfer", "escalate", "wait_customer", "resume", "propose_resolution",
        "approve_resolution", "resolve", "callback", "close", "reopen", "attachment_added",
        "edited"}
TECHNICAL = {"rules_failed": "error", "email_failed": "error", "webhook_failed": "error"}


def timeline(events, names, *, show_technical: bool = False) -> list[Entry]:
    """The events a person reads, oldest first; duplicates of the same moment dropped."""
    out, seen = [], set()
    for e in events:
        text = mask_text(sentence(e.kind, e.details or {}, names))
        if text is None:
            continue
        key = (e.kind, text, (e.details or {}).get("stage"))
        if e.kind in ("sla_breached", "sla_met") and key in seen:
            continue  # the sweep and the action may both record one stage's outcome
        seen.add(key)
        kind = ("problem" if e.kind in PROBLEMS else "note" if e.kind == "note"
                else "reply" if e.kind == "respond" else "work" if e.kind in WORK else "system")
        detail = ""
        if show_technical and e.kind in TECHNICAL:
            detail = str((e.details or {}).get(TECHNICAL[e.kind]) or "")
        who = names.user(e.actor_id) if e.actor_id else gettext("System")
        out.append(Entry(at=to_office(e.at), who=who, text=text, kind=kind, detail=detail,
                         extra={"note": mask_text((e.details or {}).get("text"))}
                         if e.kind == "note" else {}))
    return out


def conversation(complaint, events, names, customer_name: str) -> list[Message]:
    """What the customer told us and what we told them, oldest first (phone and ID numbers
    in the texts masked)."""
    thread = [Message(at=to_office(complaint.received_at), author=customer_name,
                      text=mask_text(complaint.description), from_customer=True,
                      via=str(CHANNELS.get(complaint.channel, complaint.channel)))]
    for e in events:
        d = e.details or {}
        if e.kind == "respond" and d.get("message"):
            thread.append(Message(to_office(e.at), names.user(e.actor_id),
                                  mask_text(d["message"]), False))
        elif e.kind in ("resolve", "resume") and d.get("message"):
            thread.append(Message(to_office(e.at), names.user(e.actor_id),
                                  mask_text(d["message"]), False))
        elif e.kind == "callback" and d.get("comment"):
            thread.append(Message(to_office(e.at), customer_name, mask_text(d["comment"]), True,
                                  via=gettext("callback")))
        elif e.kind == "survey_answered" and d.get("comment"):
            thread.append(Message(to_office(e.at), customer_name, mask_text(d["comment"]), True,
                                  via=gettext("survey")))
    return thread


def notes(events, names) -> list[Message]:
    return [Message(to_office(e.at), names.user(e.actor_id),
                    mask_text((e.details or {}).get("text") or ""), False)
            for e in events if e.kind == "note"]


class Names:
    """Display names for the ids and logins events carry, loaded once per page."""

    def __init__(self, session, events=(), extra_user_ids=()):
        from flask_appbuilder.security.sqla.models import User
        from sqlalchemy import select

        from app.models import Team

        ids = {e.actor_id for e in events if e.actor_id} | set(extra_user_ids)
        ids |= {(e.details or {}).get("assignee_id") for e in events
                if isinstance((e.details or {}).get("assignee_id"), int)}
        ids.discard(None)
        users = session.execute(select(User).where(User.id.in_(ids))).scalars() if ids else []
        self._by_id = {u.id: display_name(u) for u in users}
        self._session = session
        self._by_login: dict[str, str] = {}
        self._teams = {t.name: team_label(t) for t in session.execute(select(Team)).scalars()}

    def user(self, user_id) -> str:
        if user_id is None:
            return "—"
        return self._by_id.get(user_id) or gettext("a former user")

    def user_by_login(self, login) -> str:
        if not login:
            return "—"
        if login not in self._by_login:
            from flask_appbuilder.security.sqla.models import User
            from sqlalchemy import select

            user = self._session.execute(select(User).where(User.username == login)).scalar()
            self._by_login[login] = display_name(user) if user else login
        return self._by_login[login]

    def team(self, name) -> str:
        if not name:
            return "—"
        return self._teams.get(name, name)


def display_name(user) -> str:
    """A person's name as colleagues know it (Chinese order when the name is Chinese)."""
    if user is None:
        return "—"
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if not first and not last:
        return user.username
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def team_label(team) -> str:
    """The team's name in the user's language, where the data has one."""
    from flask_babel import get_locale

    zh = getattr(team, "name_zh", None)
    locale = get_locale()
    if zh and locale is not None and locale.language == "zh":
        return zh
    return team.name
