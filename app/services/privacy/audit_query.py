"""Reading the audit trail and the access log: filters parsed from a query (each bad value
names its parameter), one page of records, and the same records as CSV."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AccessLog, AuditRecord
from app.models.access_log import ACCESS_ACTIONS
from app.models.types import MAX_ID
from app.services.errors import InvalidInput
from app.services.privacy.audit_trail import ENTITY_NAMES
from app.timeutil import as_utc, office_zone, to_office

PAGE_SIZE, MAX_PAGE_SIZE, MAX_CSV_ROWS = 50, 500, 100_000


@dataclass
class Filters:
    entity: str | None = None
    entity_id: str | None = None
    actor: str | None = None
    customer: int | None = None
    action: str | None = None
    since: datetime | None = None  # inclusive, UTC
    until: datetime | None = None  # exclusive, UTC
    page: int = 1
    page_size: int = PAGE_SIZE


def _text(args, name: str, limit: int) -> str | None:
    value = (args.get(name) or "").strip()
    if len(value) > limit:
        raise InvalidInput(gettext("%(field)s is at most %(n)s characters long", field=name,
                                   n=limit), field=name)
    return value or None


def _integer(args, name: str, low: int, high: int, default=None) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidInput(gettext("%(field)s must be a whole number from %(low)s to %(high)s",
                                   field=name, low=low, high=high), field=name)
    return int(raw)


def _moment(args, name: str, end: bool) -> datetime | None:
    """A date is a whole day in the office's zone (`to` includes that day); a date and time
    without an offset is the office's time too."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw) + timedelta(days=1 if end else 0)
            return as_utc(datetime.combine(day, time(), tzinfo=office_zone()))
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(gettext("%(field)s must be a date (YYYY-MM-DD) or a date and time",
                                   field=name), field=name) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=office_zone())
    return as_utc(moment)


def _common(args, filters: Filters) -> Filters:
    filters.actor = _text(args, "actor", 256)
    filters.since, filters.until = _moment(args, "from", False), _moment(args, "to", True)
    if filters.since and filters.until and filters.since >= filters.until:
        raise InvalidInput(gettext("to must be after from"), field="to")
    filters.page = _integer(args, "page", 1, 100_000, default=1)
    filters.page_size = _integer(args, "page_size", 1, MAX_PAGE_SIZE, default=PAGE_SIZE)
    return filters


def trail_filters(args) -> Filters:
    entity = _text(args, "entity", 32)
    if entity is not None and entity not in ENTITY_NAMES:
        raise InvalidInput(gettext("entity must be one of: %(names)s",
                                   names=", ".join(ENTITY_NAMES)), field="entity")
    return _common(args, Filters(entity=entity, entity_id=_text(args, "entity_id", 64)))


def access_filters(args) -> Filters:
    action = _text(args, "action", 16)
    if action is not None and action not in ACCESS_ACTIONS:
        raise InvalidInput(gettext("action must be one of: %(names)s",
                                   names=", ".join(ACCESS_ACTIONS)), field="action")
    return _common(args, Filters(customer=_integer(args, "customer", 1, MAX_ID), action=action))


def _filtered(model, f: Filters, *equal):
    """Records of `model` matching the filters both pages share (actor, period) and the
    `(column, value)` pairs given, newest first; an empty value filters nothing."""
    query = select(model)
    for column, value in (*equal, (model.actor_name, f.actor)):
        if value:
            query = query.where(column == value)
    if f.since:
        query = query.where(model.at >= f.since)
    if f.until:
        query = query.where(model.at < f.until)
    return query.order_by(model.at.desc(), model.id.desc())


def _trail_query(f: Filters):
    return _filtered(AuditRecord, f, (AuditRecord.entity, f.entity),
                     (AuditRecord.entity_id, f.entity_id))


def _access_query(f: Filters):
    return _filtered(AccessLog, f, (AccessLog.customer_id, f.customer),
                     (AccessLog.action, f.action))


def _page(session: Session, query, f: Filters) -> tuple[int, list]:
    total = session.execute(select(func.count()).select_from(query.order_by(None)
                                                             .subquery())).scalar()
    rows = session.execute(query.limit(f.page_size).offset((f.page - 1) * f.page_size))
    return total, list(rows.scalars())


def trail_page(session: Session, f: Filters) -> tuple[int, list[AuditRecord]]:
    return _page(session, _trail_query(f), f)


def access_page(session: Session, f: Filters) -> tuple[int, list[AccessLog]]:
    return _page(session, _access_query(f), f)


def audit_dict(r: AuditRecord) -> dict:
    return {"id": r.id, "at": as_utc(r.at).isoformat(), "actor_id": r.actor_id,
            "actor": r.actor_name, "address": r.address, "entity": r.entity,
            "entity_id": r.entity_id, "action": r.action, "changes": r.changes}


def access_dict(r: AccessLog) -> dict:
    return {"id": r.id, "at": as_utc(r.at).isoformat(), "actor_id": r.actor_id,
            "actor": r.actor_name, "address": r.address, "action": r.action,
            "customer": r.customer_id, "fields": [f for f in r.fields.split(",") if f],
            "reason": r.reason}


def _change_text(changes: dict) -> str:
    parts = []
    for field, change in changes.items():
        if isinstance(change, dict):
            added = "".join(f" +{name}" for name in change.get("added", []))
            removed = "".join(f" -{name}" for name in change.get("removed", []))
            parts.append(f"{field}:{added}{removed}")
        else:
            before, after = change
            parts.append(f"{field}: {'' if before is None else before} → "
                         f"{'' if after is None else after}")
    return "; ".join(parts)


def _cell(value):
    """A text a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return "\ufeff" + out.getvalue()  # the mark lets spreadsheet programs read UTF-8


def _office(value) -> str:
    return to_office(value).strftime("%Y-%m-%d %H:%M:%S")


def trail_csv(session: Session, f: Filters) -> str:
    records = session.execute(_trail_query(f).limit(MAX_CSV_ROWS)).scalars()
    return _csv(["at", "actor", "address", "entity", "entity_id", "action", "changes"],
                ([_office(r.at), r.actor_name, r.address or "", r.entity, r.entity_id, r.action,
                  _change_text(r.changes)] for r in records))


def access_csv(session: Session, f: Filters) -> str:
    records = session.execute(_access_query(f).limit(MAX_CSV_ROWS)).scalars()
    return _csv(["at", "actor", "address", "action", "customer", "fields", "reason"],
                ([_office(r.at), r.actor_name, r.address or "", r.action, r.customer_id,
                  r.fields, r.reason] for r in records))
