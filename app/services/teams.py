"""The teams of the default policy (rules/teams.json), created when missing."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team
from config import BASE_DIR

DEFAULT_TEAMS_FILE = BASE_DIR / "rules" / "teams.json"


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
