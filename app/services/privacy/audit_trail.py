"""The audit trail: every create, update and delete of an audited record, field by field.

`changes_in(session)` reads what a flush wrote (objects and their attribute history) and
turns it into audit rows; app/audit.py calls it from one session hook and inserts the rows
in the same transaction, so a change and its record commit or roll back together.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder.security.sqla.models import Role, User
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.models import (
    Complaint,
    Customer,
    JobSetting,
    KnowledgeArticle,
    MailTemplate,
    Outlet,
    ReplyTemplate,
    Team,
    Webhook,
)
from app.services.privacy.audit_masking import mask_value
from app.timeutil import as_utc

# class -> the entity's name in the trail (and in its filter)
ENTITIES = {
    Complaint: "complaint", Customer: "customer", Team: "team", Outlet: "outlet",
    User: "user", Role: "role", JobSetting: "job_setting", MailTemplate: "mail_template",
    Webhook: "webhook", ReplyTemplate: "reply_template", KnowledgeArticle: "knowledge_article",
}
ENTITY_NAMES = tuple(ENTITIES.values())
# many-to-many collections recorded as the names added and removed
COLLECTIONS = {"user": ("roles", "groups"), "role": ("permissions", "user"),
               "team": ("members",)}
# bookkeeping that changes on its own (a sign-in, any save) and says nothing about a change
IGNORED = {"updated_at", "changed_on", "changed_by_fk", "last_login", "login_count",
           # blind index and sweep bookkeeping: derived, and the hashes would only
           # help to guess the sealed values
           "name_hash", "phone_hash", "email_hash", "phone_last4", "next_check_at",
           "fail_login_count"}
SECRETS = {"password", "secret"}  # recorded as changed, never with their values
HIDDEN = "***"


@dataclass(frozen=True)
class Who:
    actor_id: int | None
    actor_name: str
    address: str | None = None


def _plain(value):
    """A JSON-safe copy of a column value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, (list, dict)):
        return json.loads(json.dumps(value, default=str))
    return str(value)


def _recorded(entity: str, field: str, value):
    if field in SECRETS:
        return HIDDEN if value else None
    return mask_value(entity, field, _plain(value))


def _item_name(item) -> str:
    return getattr(item, "username", None) or str(item)


def _columns(obj):
    return [attr for attr in inspect(obj).mapper.column_attrs if attr.key not in IGNORED]


def _created(entity: str, obj) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in _columns(obj):
        value = state.dict.get(attr.key)  # what was written; server defaults are not loaded
        if value is not None and attr.key != "id":  # the record names the id already
            changes[attr.key] = [None, _recorded(entity, attr.key, value)]
    for key in COLLECTIONS.get(entity, ()):
        added = state.attrs[key].history.added or []
        if added:
            changes[key] = {"added": sorted(_item_name(i) for i in added), "removed": []}
    return changes


def _updated(entity: str, obj) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in _columns(obj):
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before == after:
            continue
        changes[attr.key] = [_recorded(entity, attr.key, before),
                             _recorded(entity, attr.key, after)]
    for key in COLLECTIONS.get(entity, ()):
        history = state.attrs[key].history
        added = sorted(_item_name(i) for i in history.added or [])
        removed = sorted(_item_name(i) for i in history.deleted or [])
        if added or removed:
            changes[key] = {"added": added, "removed": removed}
    return changes


def _deleted(entity: str, obj) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in _columns(obj):
        history = state.attrs[attr.key].history
        value = (history.deleted or history.unchanged or [None])[0]
        if value is not None:
            changes[attr.key] = [_recorded(entity, attr.key, value), None]
    return changes


def keep_old_values() -> None:
    """Load a column's old value when it is set while expired, so that `before` is known
    (SQLAlchemy's `active_history`); called once, at start-up."""
    from sqlalchemy import event

    for cls in ENTITIES:
        for attr in inspect(cls).column_attrs:
            column = getattr(cls, attr.key)
            if not event.contains(column, "set", _noop):
                event.listen(column, "set", _noop, active_history=True)


def _noop(*_args):
    return None


def _entity_id(obj) -> str:
    state = inspect(obj)
    keys = [state.mapper.get_property_by_column(c).key for c in state.mapper.primary_key]
    return "-".join(str(state.dict.get(key)) for key in keys)


def changes_in(session: Session, who: Who, now: datetime) -> list[dict]:
    """Audit rows for what the current flush wrote (call from `after_flush`)."""
    rows = []
    for objects, action, collect in ((session.new, "create", _created),
                                     (session.dirty, "update", _updated),
                                     (session.deleted, "delete", _deleted)):
        for obj in objects:
            entity = ENTITIES.get(type(obj))
            if entity is None:
                continue
            changes = collect(entity, obj)
            if not changes and action == "update":
                continue
            rows.append({"at": now, "actor_id": who.actor_id, "actor_name": who.actor_name[:256],
                         "address": who.address, "entity": entity, "entity_id": _entity_id(obj),
                         "action": action, "changes": changes})
    return rows
