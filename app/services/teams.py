"""The teams of the default policy (rules/teams.json), created when missing."""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Team
from app.shipped import RULES_DIR

DEFAULT_TEAMS_FILE = RULES_DIR / "teams.json"


def ensure_default_teams(session: Session) -> int:
    """Create the default teams that do not exist yet; returns how many were created."""
    existing = set(session.execute(select(Team.name)).scalars())
    created = 0
    for spec in json.loads(DEFAULT_TEAMS_FILE.read_text(encoding="utf-8")):
        if spec["name"] not in existing:
            session.add(Team(active=True, **spec))
            created += 1
    session.commit()
    return created


def team_by_name(session: Session, name: str) -> Team | None:
    return session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()
