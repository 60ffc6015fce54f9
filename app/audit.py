"""Wiring of the audit trail: one session hook records every audited change, with who made
it (the signed-in user in a request; the job or command otherwise) and from where."""

import contextlib
import contextvars

import click
from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.models import AuditRecord
from app.services.privacy import append_only
from app.services.privacy.audit_trail import Who, changes_in, keep_old_values
from app.timeutil import utcnow

_acting: contextvars.ContextVar[Who | None] = contextvars.ContextVar("audit_actor", default=None)
_tables_ready: set[str] = set()  # engines (by URL) whose audit table exists


@contextlib.contextmanager
def acting_as(name: str):
    """Changes made inside are recorded as made by `name` (a job, a command)."""
    token = _acting.set(Who(None, name))
    try:
        yield
    finally:
        _acting.reset(token)


def current_who() -> Who:
    acting = _acting.get()
    if acting is not None:
        return acting
    if has_request_context():
        user = _signed_in_user()
        if user is not None:
            return Who(user.id, user.username, (request.remote_addr or "")[:64] or None)
        return Who(None, "anonymous", (request.remote_addr or "")[:64] or None)
    click_context = click.get_current_context(silent=True)
    if click_context is not None:
        # "flask init" or "parceldesk init": the program's name says nothing
        command = click_context.command_path.partition(" ")[2] or click_context.command_path
        return Who(None, f"cli:{command}")
    return Who(None, "system")


def _signed_in_user():
    try:
        user = current_app.appbuilder.sm.current_user
    except Exception:  # noqa: BLE001 - no identity yet (e.g. during sign-in)
        return None
    return user if getattr(user, "id", None) else None


def _enabled() -> bool:
    return not has_app_context() or current_app.config.get("AUDIT_TRAIL", True)


def _table_ready(connection) -> bool:
    key = str(connection.engine.url)
    if key not in _tables_ready:
        # before `flask db upgrade` created it, changes (e.g. FAB's roles) go unrecorded
        if not inspect(connection).has_table(AuditRecord.__tablename__):
            return False
        _tables_ready.add(key)
    return True


def _who_before_flush(session: Session, _context, _instances) -> None:
    # resolved before the flush: finding the user may query the database
    if _enabled():
        session.info["audit_who"] = current_who()


def _record(session: Session, _context) -> None:
    who = session.info.pop("audit_who", None)
    if who is None:
        return
    rows = changes_in(session, who, utcnow())
    if not rows:
        return
    connection = session.connection()
    if _table_ready(connection):
        connection.execute(AuditRecord.__table__.insert(), rows)


def install() -> None:
    """Register the hooks once per process (every app shares the Session class)."""
    append_only.install()
    keep_old_values()
    if not event.contains(Session, "after_flush", _record):
        event.listen(Session, "before_flush", _who_before_flush)
        event.listen(Session, "after_flush", _record)
