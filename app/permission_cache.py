"""Role permissions cached per process, invalidated through the permission stamp.

Flask-AppBuilder asks the database on every protected request: the public role and its
permissions (twice per API request), then the user's roles, groups and an EXISTS over the
grants. Here each process keeps every role's grants in memory, tagged with the version of
the `permission_stamp` row; the signed-in user is loaded with roles, groups and that
version in one statement, and the grants are reloaded only when the version moved.

The teams (names, leads and members) are kept the same way: membership decides what a
user sees, and reading it on every request cost a statement (`access.actor_for`).

Every ORM change to a role, permission, view/menu, grant, group or team, and a user's
deletion, bumps the version in the same transaction (a `before_flush` hook), so all
processes see the change on their next request. Changes made with raw SQL must bump it
too (`bump(session)`).
"""

import functools
import threading
from dataclasses import dataclass

from flask import has_request_context, request
from flask_appbuilder.security.sqla.models import (
    Group,
    Permission,
    PermissionView,
    Role,
    User,
    ViewMenu,
    assoc_permissionview_role,
)
from sqlalchemy import bindparam, event, inspect, select, update
from sqlalchemy.orm import Session, joinedload

from app.models import PermissionStamp, Team, team_member

WATCHED = (Role, Permission, ViewMenu, PermissionView, Group, Team)
TEAM_KEYS = ("name", "lead_id", "lead", "members")  # what `access.actor_for` reads
GRANTS_KEY, USERNAME_KEY = "parceldesk.grants", "parceldesk.username"
_STAMP = select(PermissionStamp.version).where(PermissionStamp.id == 1)


@dataclass(frozen=True)
class TeamEntry:
    id: int
    name: str
    lead_id: int | None
    member_ids: frozenset


@dataclass(frozen=True)
class Grants:
    version: int | None
    by_role: dict[int, frozenset]  # role id -> {(permission, view/menu)}
    public: frozenset
    teams: tuple[TeamEntry, ...] = ()


class PermissionCache:
    def __init__(self, public_role: str):
        self.public_role = public_role
        self._lock = threading.Lock()
        self._grants: Grants | None = None

    def grants(self, session: Session, version: int | None) -> Grants:
        """The grants as of `version` (the stamp just read), reloaded when it moved."""
        current = self._grants
        if current is not None and current.version == version:
            return current
        with self._lock:
            if self._grants is None or self._grants.version != version:
                self._grants = self._load(session, version)
            return self._grants

    def _load(self, session: Session, version: int | None) -> Grants:
        rows = session.execute(
            select(assoc_permissionview_role.c.role_id, Permission.name, ViewMenu.name)
            .join(PermissionView, PermissionView.id == assoc_permissionview_role.c.permission_view_id)
            .join(Permission, Permission.id == PermissionView.permission_id)
            .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id))
        by_role: dict[int, set] = {}
        for role_id, permission, view in rows:
            by_role.setdefault(role_id, set()).add((permission, view))
        public_id = session.execute(select(Role.id).where(Role.name == self.public_role)).scalar()
        return Grants(version, {k: frozenset(v) for k, v in by_role.items()},
                      frozenset(by_role.get(public_id, ())), _load_teams(session))

    def request_grants(self, session: Session) -> Grants:
        """The grants for this request: the stamp is read once per request (or taken from
        the user's load, `load_user`)."""
        if has_request_context() and GRANTS_KEY in request.environ:
            return request.environ[GRANTS_KEY]
        grants = self.grants(session, session.execute(_STAMP).scalar())
        if has_request_context():
            request.environ[GRANTS_KEY] = grants
        return grants

    def load_user(self, session: Session, pk: int):
        """The user with roles, groups and their roles, and the stamp, in one statement."""
        row = session.execute(_user_statement(), {"user_id": pk}).unique().first()
        if row is None:
            return None
        user, version = row
        grants = self.grants(session, version)
        if has_request_context():  # kept with the request (`g` may outlive it)
            request.environ[GRANTS_KEY] = grants
            request.environ[USERNAME_KEY] = user.username  # for the request log
        return user

    def allows(self, session: Session, user, permission: str, view: str) -> bool:
        grants = self.request_grants(session)
        wanted = (permission, view)
        if wanted in grants.public:
            return True
        roles = list(user.roles) + [r for group in user.groups for r in group.roles]
        return any(wanted in grants.by_role.get(role.id, ()) for role in roles)


@functools.cache
def _user_statement():
    """Built once: the user with roles, groups and their roles, and the stamp."""
    return (select(User, _STAMP.scalar_subquery())
            .options(joinedload(User.roles), joinedload(User.groups).joinedload(Group.roles))
            .where(User.id == bindparam("user_id")))


def _load_teams(session: Session) -> tuple[TeamEntry, ...]:
    members: dict[tuple, set] = {}
    for team_id, name, lead_id, user_id in session.execute(
            select(Team.id, Team.name, Team.lead_id, team_member.c.user_id)
            .outerjoin(team_member, team_member.c.team_id == Team.id)):
        ids = members.setdefault((team_id, name, lead_id), set())
        if user_id is not None:
            ids.add(user_id)
    return tuple(TeamEntry(*key, frozenset(ids)) for key, ids in members.items())


def request_teams() -> tuple[TeamEntry, ...] | None:
    """The teams as cached for this request's grants; None outside a signed-in request."""
    if has_request_context() and GRANTS_KEY in request.environ:
        return request.environ[GRANTS_KEY].teams
    return None


def bump(session: Session) -> None:
    """Tell every process its cached grants are stale (in the caller's transaction)."""
    session.execute(update(PermissionStamp).where(PermissionStamp.id == 1)
                    .values(version=PermissionStamp.version + 1))


@event.listens_for(Session, "before_flush")
def _bump_on_change(session, flush_context, instances):
    # a deleted user's memberships go with them (and SQLite may reuse the id)
    if (any(isinstance(obj, WATCHED) for obj in session.new)
            or any(isinstance(obj, (*WATCHED, User)) for obj in session.deleted)
            or any(_changed(obj) for obj in session.dirty)):
        bump(session)


def _changed(obj) -> bool:
    if isinstance(obj, Team):  # a complaint added to its team marks it dirty: not a change
        state = inspect(obj)
        return any(state.attrs[key].history.has_changes() for key in TEAM_KEYS)
    return isinstance(obj, WATCHED)
