"""Who in a team gets a complaint: manual, round robin, or least loaded."""

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Complaint, Team
from app.models.choices import OPEN_STATUSES


def member_figures(team_id):
    """Per member (correlated on the user row): the id of their last complaint from the
    team and their open load, the two things `pick_assignee` weighs."""
    last = (select(func.max(Complaint.id))
            .where(Complaint.team_id == team_id, Complaint.assignee_id == User.id)
            .correlate(User).scalar_subquery())
    load = (select(func.sum(Complaint.level))
            .where(Complaint.assignee_id == User.id, Complaint.status.in_(OPEN_STATUSES))
            .correlate(User).scalar_subquery())
    return last, load


def pick_assignee(session: Session, team: Team, figures: dict | None = None) -> int | None:
    """A member's id by the team's method, skipping inactive members; None for manual.
    `figures`: user id -> (last complaint id, open load), read with `member_figures`."""
    members = sorted((m for m in team.members if m.active), key=lambda m: m.id)
    if team.assignment_method == "manual" or not members:
        return None
    ids = [m.id for m in members]
    if figures is not None:
        index = 0 if team.assignment_method == "round_robin" else 1
        return min(ids, key=lambda uid: (figures.get(uid, (0, 0))[index] or 0, uid))
    if team.assignment_method == "round_robin":
        # The member whose last complaint from this team is oldest (never-assigned first):
        # derived from the data, so every process agrees without shared state.
        last = dict(session.execute(
            select(Complaint.assignee_id, func.max(Complaint.id))
            .where(Complaint.team_id == team.id, Complaint.assignee_id.in_(ids))
            .group_by(Complaint.assignee_id)).all())
        return min(ids, key=lambda uid: (last.get(uid, 0), uid))
    load = dict(session.execute(
        select(Complaint.assignee_id, func.sum(Complaint.level))
        .where(Complaint.assignee_id.in_(ids), Complaint.status.in_(OPEN_STATUSES))
        .group_by(Complaint.assignee_id)).all())
    return min(ids, key=lambda uid: (load.get(uid, 0), uid))
