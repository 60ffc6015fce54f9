"""The audit trail and the access log are append-only: the ORM refuses to change or delete
their rows (the database refuses too, see the `append_only` migration)."""

from flask_babel import gettext
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models import AccessLog, AuditRecord
from app.services.errors import Forbidden

APPEND_ONLY = (AuditRecord, AccessLog)
TABLES = {cls.__table__.name for cls in APPEND_ONLY}


class AppendOnly(Forbidden):
    """A change or deletion of an audit or access record was attempted."""


def _refuse(table: str) -> AppendOnly:
    return AppendOnly(gettext("%(table)s records cannot be changed or deleted", table=table))


def _check_flush(session: Session, _context, _instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, APPEND_ONLY):
            raise _refuse(obj.__tablename__)
    for obj in session.dirty:
        if isinstance(obj, APPEND_ONLY) and session.is_modified(obj):
            raise _refuse(obj.__tablename__)


def _check_statement(state) -> None:
    """Bulk `update(...)` / `delete(...)` through the session."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in TABLES:
        raise _refuse(table.name)


def install() -> None:
    if not event.contains(Session, "before_flush", _check_flush):
        event.listen(Session, "before_flush", _check_flush)
        event.listen(Session, "do_orm_execute", _check_statement)
