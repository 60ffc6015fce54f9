"""Work queues, sorted by the nearest due time, read through indexes on the queue keys."""

from datetime import datetime

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import Complaint, team_member
from app.models.choices import CATEGORIES, CHANNELS, OPEN_STATUSES
from app.services import validation as v
from app.services.access import Actor

VIEWS = ("mine", "team", "unassigned", "at_risk", "overdue")
FILTERS = {"level", "category", "channel", "region", "assignee"}


def parse_filters(args: dict) -> dict:
    p = v.Problems()
    out = {}
    if args.get("level") not in (None, ""):
        out["level"] = v.integer(p, {"level": args["level"]}, "level", low=1, high=5)
    if args.get("category"):
        out["category"] = v.one_of(p, args, "category", list(CATEGORIES))
    if args.get("channel"):
        out["channel"] = v.one_of(p, args, "channel", list(CHANNELS))
    if args.get("region"):
        out["region"] = v.region(p, args, "region")  # a code or either name
    if args.get("assignee") not in (None, ""):
        out["assignee_id"] = v.integer(p, {"assignee": args["assignee"]}, "assignee", low=1,
                                       high=2**31 - 1)
    p.raise_if_any(gettext("The queue filters are not valid"))
    return out


def _base(actor: Actor, filters: dict):
    query = select(Complaint)
    visible = actor.visible()  # every view below also keeps open (or resolved) ones only
    if visible is not None:
        query = query.where(visible)
    for name, value in filters.items():
        query = query.where(getattr(Complaint, name) == value)
    return query


def queue_query(session: Session, view: str, actor: Actor, now: datetime, filters: dict):
    """The query behind a queue (without limit), ordered by nearest due time."""
    if view not in VIEWS:
        raise v.InvalidInput(gettext("view must be one of: %(views)s", views=", ".join(VIEWS)), field="view")
    query = _base(actor, filters)
    if view == "mine":
        return query.where(Complaint.assignee_id == actor.id, Complaint.is_open) \
            .order_by(Complaint.next_due_at)
    if view == "unassigned":
        return query.where(Complaint.is_open, Complaint.assignee_id.is_(None)) \
            .order_by(Complaint.next_due_at)
    if view == "team":
        mine = actor.team_ids
        if actor.follow_up:  # callbacks due after resolution are the follow-up team's work
            query = query.where((Complaint.team_id.in_(mine) & Complaint.is_open)
                                | (Complaint.status == "resolved"))
        else:
            query = query.where(Complaint.team_id.in_(mine or [-1]), Complaint.is_open)
        # unassigned first, then by nearest due time
        return query.order_by(Complaint.assignee_id.is_not(None), Complaint.next_due_at)
    if view == "at_risk":
        return query.where(Complaint.is_open, Complaint.paused_at.is_(None),
                           Complaint.next_due_at > now, Complaint.next_warn_at <= now) \
            .order_by(Complaint.next_due_at)
    return query.where(Complaint.is_open, Complaint.paused_at.is_(None),
                       Complaint.next_due_at <= now).order_by(Complaint.next_due_at)


def queue(session: Session, view: str, actor: Actor, now: datetime, filters=None,
          limit: int = 50, offset: int = 0) -> list[Complaint]:
    query = queue_query(session, view, actor, now, filters or {}).options(
        selectinload(Complaint.team), selectinload(Complaint.assignee),
        selectinload(Complaint.customer))  # one query per relation, not one per row
    return list(session.execute(query.limit(limit).offset(offset)).scalars())


COUNT_CAP = 999  # badges show "999+": counting further costs time and tells nobody more


def counts(session: Session, actor: Actor, now: datetime) -> dict:
    """Queue sizes for the menu badges, each counted up to COUNT_CAP + 1."""
    out = {}
    for view in VIEWS:
        capped = queue_query(session, view, actor, now, {}).order_by(None) \
            .limit(COUNT_CAP + 1).subquery()
        out[view] = session.execute(select(func.count()).select_from(capped)).scalar()
    return out


def count_label(value: int) -> str:
    return f"{COUNT_CAP}+" if value > COUNT_CAP else str(value)


def member_load(session: Session, team_ids) -> list[dict]:
    """Per member of these teams: open complaints and their weight (sum of levels)."""
    rows = session.execute(
        select(team_member.c.team_id, team_member.c.user_id,
               func.count(Complaint.id), func.coalesce(func.sum(Complaint.level), 0))
        .select_from(team_member)
        .outerjoin(Complaint, (Complaint.assignee_id == team_member.c.user_id)
                   & (Complaint.team_id == team_member.c.team_id)
                   & Complaint.status.in_(OPEN_STATUSES))
        .where(team_member.c.team_id.in_(team_ids or [-1]))
        .group_by(team_member.c.team_id, team_member.c.user_id)).all()
    return [{"team_id": t, "user_id": u, "open": n, "load": int(w)} for t, u, n, w in rows]
