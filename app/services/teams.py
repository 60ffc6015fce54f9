"""The teams of the default policy (rules/teams.json), created when missing."""

import json

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Complaint, RuleSetVersion, Team
from app.services.errors import Conflict
from app.shipped import RULES_DIR

DEFAULT_TEAMS_FILE = RULES_DIR / "teams.json"
DESCRIPTION_MAX = 2000


def ensure_default_teams(session: Session) -> int:
    """Create the default teams that do not exist yet; returns how many were created."""
    existing = {t.name: t for t in session.execute(select(Team)).scalars()}
    created = 0
    for spec in json.loads(DEFAULT_TEAMS_FILE.read_text(encoding="utf-8")):
        team = existing.get(spec["name"])
        if team is None:
            session.add(Team(active=True, **spec))
            created += 1
        elif not team.name_zh and spec.get("name_zh"):
            team.name_zh = spec["name_zh"]  # a name the office had not given yet
    session.commit()
    return created


def team_by_name(session: Session, name: str) -> Team | None:
    return session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()


def check_deletable(session: Session, team: Team) -> None:
    """A team that has complaints, that a published rule names, or that the application
    itself relies on (the catch-all, the follow-up team) is not deleted: its complaints
    would lose their team and the rules would fail. Deactivate it instead (409)."""
    from app.services.access import FOLLOW_UP_TEAM
    from app.services.decide import TRIAGE_TEAM

    if team.name in (TRIAGE_TEAM, FOLLOW_UP_TEAM):
        raise Conflict(gettext("team %(team)s is used by the application itself (catch-all or "
                               "follow-up); deactivate it instead of deleting it",
                               team=team.name), field="team")
    complaints = session.execute(select(func.count()).select_from(Complaint)
                                 .where(Complaint.team_id == team.id)).scalar()
    if complaints:
        raise Conflict(gettext("team %(team)s has %(n)s complaint(s); deactivate it instead of "
                               "deleting it", team=team.name, n=complaints), field="team")
    kinds = rule_kinds_naming(session, team.name)
    if kinds:
        raise Conflict(gettext("team %(team)s is named by the published %(kinds)s rules; change "
                               "those rules first, or deactivate the team",
                               team=team.name, kinds=", ".join(kinds)), field="team")


def rule_kinds_naming(session: Session, name: str) -> list[str]:
    """The kinds whose newest published rule set names the team anywhere (a condition's
    value, an action's team, a notify target `team:<name>`)."""
    newest = (select(RuleSetVersion.kind, func.max(RuleSetVersion.version).label("version"))
              .group_by(RuleSetVersion.kind).subquery())
    rows = session.execute(select(RuleSetVersion).join(newest, (
        RuleSetVersion.kind == newest.c.kind) & (RuleSetVersion.version == newest.c.version)))
    wanted = {name, f"team:{name}"}
    return sorted(row.kind for row in rows.scalars()
                  if wanted & set(_strings(row.rules)) or wanted & set(_strings(row.parameters)))


def _strings(node):
    if isinstance(node, str):
        yield node.strip()
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
