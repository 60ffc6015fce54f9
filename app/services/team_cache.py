"""Team ids by name, per published rule-set versions.

The rules name teams; registration needs the team's row. The name -> id map is read
once per set of published versions (a new version may name other teams) and kept per
process, then the team itself is loaded by id with its members in one statement.
"""

import functools
import threading

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from app.models import Team, team_member
from app.services.assignment import member_figures

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


def team_with_members(session: Session, versions: dict, name: str | None):
    """The team the rules named with its members loaded, and each member's figures for
    `assignment.pick_assignee`, in one statement; (None, {}) when there is no such team.
    A team renamed or added since the map was read is found by name, the map read again."""
    team_id = team_ids(session, versions).get(name)
    team, figures = _load(session, "id", team_id) if team_id is not None else (None, {})
    if team is None or team.name != name:
        forget()
        team, figures = _load(session, "name", name)
    return team, figures


@functools.cache
def _team_statement(key: str):
    """Built once (building a statement costs more than running this one)."""
    last, load = member_figures(Team.id)
    return (select(Team, User, last, load).select_from(Team)
            .outerjoin(team_member, team_member.c.team_id == Team.id)
            .outerjoin(User, User.id == team_member.c.user_id)
            .where(getattr(Team, key) == bindparam("key"))
            .options(lazyload(Team.members)))  # members: set below, never loaded


def _load(session: Session, key: str, value):
    rows = session.execute(_team_statement(key), {"key": value}).all()
    if not rows:
        return None, {}
    team = rows[0][0]
    members = [row[1] for row in rows if row[1] is not None]
    set_committed_value(team, "members", members)
    return team, {row[1].id: (row[2], row[3]) for row in rows if row[1] is not None}


def forget() -> None:
    with _lock:
        _ids.clear()
