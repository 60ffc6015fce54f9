"""Who is acting, and what they may see: agents and leads see their teams' complaints;
admins, auditors and policy editors see all."""

from dataclasses import dataclass, field

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team, team_member
from app.services.errors import Forbidden

SEE_ALL_ROLES = {"Admin", "Auditor", "Policy Editor"}
FOLLOW_UP_TEAM = "Follow-up & Callback"


@dataclass
class Actor:
    id: int | None
    username: str = "system"
    roles: set[str] = field(default_factory=set)
    team_ids: set[int] = field(default_factory=set)
    lead_team_ids: set[int] = field(default_factory=set)
    follow_up: bool = False  # member of the follow-up team: sees resolved complaints too

    @property
    def is_admin(self) -> bool:
        return "Admin" in self.roles

    @property
    def sees_all(self) -> bool:
        return bool(self.roles & SEE_ALL_ROLES)

    def visible_team_ids(self) -> set[int] | None:
        """None means every team."""
        return None if self.sees_all else self.team_ids

    def can_see(self, complaint) -> bool:
        teams = self.visible_team_ids()
        return (teams is None or complaint.team_id in teams
                or (self.follow_up and complaint.status in ("resolved", "closed")))

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
    team_ids = set(session.execute(
        select(team_member.c.team_id).where(team_member.c.user_id == user.id)).scalars())
    led = set(session.execute(select(Team.id).where(Team.lead_id == user.id)).scalars())
    if "Team Lead" in roles:
        led |= team_ids  # a Team Lead leads the teams they belong to
    follow_up = session.execute(select(Team.id).where(Team.name == FOLLOW_UP_TEAM)).scalar()
    return Actor(id=user.id, username=user.username, roles=roles, team_ids=team_ids | led,
                 lead_team_ids=led, follow_up=follow_up in team_ids)
