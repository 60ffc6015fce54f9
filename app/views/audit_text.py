"""The audit trail and the access log in words: entity and field labels, office time,
vocabulary labels, people's names instead of logins and ids."""

import json
import re
from dataclasses import dataclass

from flask import url_for
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from app.models import Team
from app.models.choices import (
    CATEGORIES,
    CUSTOMER_KINDS,
    JOB_NAMES,
    LANGUAGES,
    LEVELS,
    VOCABULARIES,
)
from app.timeutil import as_utc, to_office
from app.views.labels import LABELS
from app.views.timeline_text import RESOLUTION_KINDS, display_name, team_label

ENTITY_LABELS = {
    "complaint": _("Complaint"), "customer": _("Customer"), "team": _("Team"),
    "outlet": _("Outlet"), "user": _("User"), "role": _("Role"),
    "job_setting": _("Job interval"), "mail_template": _("Mail template"),
    "webhook": _("Webhook"), "reply_template": _("Reply template"),
    "knowledge_article": _("Knowledge article"),
}
ACTION_LABELS = {"create": _("Created"), "update": _("Changed"), "delete": _("Deleted"),
                 "reveal": _("Revealed"), "export": _("Exported"), "erase": _("Erased")}
FIELD_LABELS = {
    **LABELS, "customer_id": _("Customer"), "team_id": _("Team"), "assignee_id": _("Assignee"),
    "operator_id": _("Receiving operator"), "outlet_id": _("Outlet"), "lead_id": _("Lead"),
    "username": _("User name"), "first_name": _("First name"), "last_name": _("Last name"),
    "password": _("Password"), "roles": _("Roles"), "groups": _("Groups"), "user": _("Users"),
    "permissions": _("Permissions"), "interval_seconds": _("Every (seconds)"),
    "enabled": _("Enabled"), "job": _("Job"), "subject": _("Subject"), "body": _("Text"),
    "key": _("Key"), "url": _("URL"), "secret": _("Signing secret"), "title": _("Title"),
    "language": _("Language"), "close_reason": _("Reason for closing"),
    "resolution_text": _("Resolution"), "resolution_amount": _("Amount (CNY)"),
    "category_source": _("Category set by"), "predicted_category": _("Suggested category"),
    "prediction_confidence": _("Confidence of the suggestion"),
    "callback_days": _("Callback within (days)"), "escalation_count": _("Escalations"),
    "reopen_count": _("Times reopened"), "at_risk_from": _("At risk from"),
    "next_due_at": _("Next due"), "next_warn_at": _("Next warning"), "is_open": _("Open"),
    "paused_at": _("Paused at"), "repeat_of_id": _("Repeat of"),
    "duplicate_of_id": _("Duplicate of"), "resolution_kind": _("Kind of resolution"),
    "resolution_approved_by_id": _("Resolution approved by"),
    "resolution_approved_at": _("Resolution approved at"), "callback_at": _("Callback at"),
    "callback_reached": _("Customer reached"), "callback_comment": _("Callback comment"),
    "calendar": _("Working calendar"), "categories": _("Categories"),
    "created_on": _("Created at"), "created_by_fk": _("Created by"),
}
USER_FIELDS = {"assignee_id", "operator_id", "lead_id", "resolution_approved_by_id",
               "created_by_fk"}
CATEGORY_SOURCES = {"person": _("A person"), "suggested": _("The text model (unconfirmed)"),
                    "triage": _("Triage")}
VALUE_LABELS = {**VOCABULARIES, "level": LEVELS, "job": JOB_NAMES, "language": LANGUAGES,
                "resolution_kind": RESOLUTION_KINDS, "category_source": CATEGORY_SOURCES,
                "predicted_category": CATEGORIES, "categories": CATEGORIES,
                "kind": CUSTOMER_KINDS}
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
SHOW_VIEWS = {"complaint": "ComplaintView.show", "customer": "CustomerView.show"}


@dataclass
class Change:
    field: str
    before: str
    after: str


class AuditWords:
    """Names for the users and teams a page of records mentions, loaded once."""

    def __init__(self, session, records):
        names = {r.actor_name for r in records}
        ids = {r.actor_id for r in records if r.actor_id}
        for r in records:
            for field, change in (getattr(r, "changes", None) or {}).items():
                if field in USER_FIELDS and isinstance(change, list):
                    ids |= {v for v in change if isinstance(v, int)}
        users = list(session.execute(select(User).where(
            User.id.in_(ids) | User.username.in_(names))).scalars()) if names or ids else []
        self._by_login = {u.username: display_name(u) for u in users}
        self._by_id = {u.id: display_name(u) for u in users}
        self._teams = {t.id: team_label(t) for t in session.execute(select(Team)).scalars()}

    def actor(self, name: str) -> str:
        kind, _sep, rest = name.partition(":")
        if kind == "job" and rest:
            return gettext("Job: %(name)s", name=str(JOB_NAMES.get(rest, rest)))
        if kind == "cli" and rest:
            return gettext("Command: %(name)s", name=rest)
        if name == "system":
            return gettext("System")
        if name == "anonymous":
            return gettext("Not signed in")
        return self._by_login.get(name, name)

    def value(self, field: str, value) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if field in USER_FIELDS and isinstance(value, int):
            return self._by_id.get(value) or gettext("a former user")
        if field == "team_id" and isinstance(value, int):
            return self._teams.get(value, str(value))
        if isinstance(value, (str, int)) and value in VALUE_LABELS.get(field, ()):
            return str(VALUE_LABELS[field][value])
        if isinstance(value, str) and ISO_TIME.match(value):
            try:
                from datetime import datetime

                return office_time(datetime.fromisoformat(value))
            except ValueError:
                return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            labels = VALUE_LABELS.get(field, {})
            return ", ".join(str(labels.get(v, v)) for v in value) or "—"
        if isinstance(value, (list, dict)):  # structured settings: shown as data
            return Markup("<code>{}</code>").format(json.dumps(value, ensure_ascii=False))
        return str(value)

    def fields(self, fields: str) -> str:
        return ", ".join(str(FIELD_LABELS.get(f, f)) for f in fields.split(",") if f)

    def changes(self, changes: dict) -> list[Change]:
        out = []
        for field, change in (changes or {}).items():
            label = str(FIELD_LABELS.get(field, field.replace("_", " ")))
            if isinstance(change, dict):
                out.append(Change(label, _names(field, gettext("removed: %(names)s"),
                                                change.get("removed", [])),
                                  _names(field, gettext("added: %(names)s"),
                                         change.get("added", []))))
            else:
                out.append(Change(label, self.value(field, change[0]),
                                  self.value(field, change[1])))
        return out


def _names(field: str, sentence: str, names: list[str]) -> Markup:
    """Permissions are FAB's identifiers (`can read on Complaint`), shown as code."""
    text = ", ".join(names) or "—"
    shown = Markup("<code>{}</code>").format(text) if field == "permissions" and names else text
    return Markup(escape(sentence)) % {"names": shown}


def office_time(value) -> str:
    return to_office(as_utc(value)).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def entity_label(entity: str) -> str:
    return str(ENTITY_LABELS.get(entity, entity))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def entity_link(entity: str, entity_id: str) -> str | None:
    """Where the record lives (a complaint's workspace with its timeline, a customer)."""
    view = SHOW_VIEWS.get(entity)
    return url_for(view, pk=entity_id) if view and entity_id.isdigit() else None
