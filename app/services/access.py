"""Who is acting, and what they may see: agents and leads see their teams' complaints;
admins, auditors, policy editors and managers (leads of the Management team) see all.

Customers follow complaints (least access): a customer is visible to whoever may see one of
their complaints; those who see all complaints see every customer. Personal data is shown
masked to everyone; revealing it in full is for admins, and for agents and leads on the
customers they may see (not auditors or policy editors, who have no one to call).
Exporting and erasing a person's data are the admin's (a request of the person)."""

from dataclasses import dataclass, field

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Complaint, Customer, Team, team_member
from app.permission_cache import request_teams
from app.services.errors import Forbidden

SEE_ALL_ROLES = {"Admin", "Auditor", "Policy Editor"}
REVEAL_ROLES = {"Admin", "Team Lead", "Agent"}  # agents and leads: customers they may see
FOLLOW_UP_TEAM = "Follow-up & Callback"
MANAGEMENT_TEAM = "Management"
FOLLOW_UP_STATUSES = ("resolved", "closed")  # what the follow-up team sees of other teams


@dataclass
class Actor:
    id: int | None
    username: str = "system"
    roles: set[str] = field(default_factory=set)
    team_ids: set[int] = field(default_factory=set)
    lead_team_ids: set[int] = field(default_factory=set)
    follow_up: bool = False  # member of the follow-up team: sees resolved complaints too
    manager: bool = False  # leads the Management team: the office's figures and complaints

    @property
    def is_admin(self) -> bool:
        return "Admin" in self.roles

    @property
    def sees_all(self) -> bool:
        return self.manager or bool(self.roles & SEE_ALL_ROLES)

    def visible_team_ids(self) -> set[int] | None:
        """None means every team."""
        return None if self.sees_all else self.team_ids

    def can_see(self, complaint) -> bool:
        teams = self.visible_team_ids()
        return (teams is None or complaint.team_id in teams
                or (self.follow_up and complaint.status in FOLLOW_UP_STATUSES))

    def visible(self):
        """`can_see` as an SQL condition on complaints, or None when all are visible."""
        teams = self.visible_team_ids()
        if teams is None:
            return None
        condition = Complaint.team_id.in_(teams or [-1])
        if self.follow_up:
            condition = condition | Complaint.status.in_(FOLLOW_UP_STATUSES)
        return condition

    def visible_customers(self):
        """Customers with a complaint this actor may see, as an SQL condition on customers;
        None when all are visible."""
        condition = self.visible()
        if condition is None:
            return None
        return Customer.id.in_(select(Complaint.customer_id).where(
            condition, Complaint.customer_id.is_not(None)))

    def may_reveal(self) -> bool:
        """Whether the role may reveal at all (the customer must also be visible)."""
        return self.is_admin or bool(self.roles & REVEAL_ROLES)

    def is_member(self, team_id) -> bool:
        return self.is_admin or team_id in self.team_ids

    def leads(self, team_id) -> bool:
        return self.is_admin or team_id in self.lead_team_ids

    def require(self, allowed: bool, message: str) -> None:
        if not allowed:
            raise Forbidden(message)


SYSTEM = Actor(id=None, username="system", roles={"Admin"})


def actor_for(session: Session, user) -> Actor:
    if user is None or not getattr(user, "id", None):
        raise Forbidden(gettext("sign in first"))
    roles = {r.name for r in user.roles}
    rows = _team_rows(session, user.id)
    team_ids = {row[0] for row in rows if row[3]}
    led = {row[0] for row in rows if row[2] == user.id}
    if "Team Lead" in roles:
        led |= team_ids  # a Team Lead leads the teams they belong to
    named = {row[1]: row[0] for row in rows}
    follow_up, management = named.get(FOLLOW_UP_TEAM), named.get(MANAGEMENT_TEAM)
    return Actor(id=user.id, username=user.username, roles=roles, team_ids=team_ids | led,
                 lead_team_ids=led, follow_up=follow_up in team_ids,
                 manager=management is not None and management in led)


def _team_rows(session: Session, user_id: int) -> list[tuple]:
    """(id, name, lead id, is member) of the teams the user belongs to or leads, and of the
    two teams named above: from the request's cached teams (see `permission_cache`), else
    in one statement."""
    named = (FOLLOW_UP_TEAM, MANAGEMENT_TEAM)
    cached = request_teams()
    if cached is not None:
        return [(t.id, t.name, t.lead_id, user_id in t.member_ids) for t in cached
                if user_id in t.member_ids or t.lead_id == user_id or t.name in named]
    member = team_member.c.user_id.is_not(None)
    return [tuple(row) for row in session.execute(
        select(Team.id, Team.name, Team.lead_id, member)
        .outerjoin(team_member, (team_member.c.team_id == Team.id)
                   & (team_member.c.user_id == user_id))
        .where(member | (Team.lead_id == user_id) | Team.name.in_(named)))]


def follow_up_team_id(session: Session) -> int | None:
    return session.execute(select(Team.id).where(Team.name == FOLLOW_UP_TEAM)).scalar()
