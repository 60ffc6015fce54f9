"""Team ids by name, per published rule-set versions.

The rules name teams; registration needs the team's row. The name -> id map is read
once per set of published versions (a new version may name other teams) and kept per
process, then the team itself is loaded by id with its members in one statement.
"""

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.models import Team

_lock = threading.Lock()
_ids: dict[tuple, dict[str, int]] = {}


def team_ids(session: Session, versions: dict) -> dict[str, int]:
    key = (str(session.get_bind().url), tuple(sorted(versions.items())))
    found = _ids.get(key)
    if found is None:
        found = dict(session.execute(select(Team.name, Team.id)).all())
        with _lock:
            for old in [k for k in _ids if k[0] == key[0]]:
                del _ids[old]
            _ids[key] = found
    return found


def team_with_members(session: Session, versions: dict, name: str | None) -> Team | None:
    """The team the rules named (None when there is none), members loaded. A team renamed
    or added since the map was read is found by name, and the map read again."""
    team_id = team_ids(session, versions).get(name)
    team = _load(session, Team.id == team_id) if team_id is not None else None
    if team is None or team.name != name:
        forget()
        team = _load(session, Team.name == name)
    return team


def _load(session: Session, condition) -> Team | None:
    return session.execute(select(Team).where(condition).options(
        joinedload(Team.members))).unique().scalar_one_or_none()


def forget() -> None:
    with _lock:
        _ids.clear()
