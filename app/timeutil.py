"""Time is stored in UTC and shown in the office's zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A naive datetime is taken as UTC; an aware one is converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def office_zone() -> ZoneInfo:
    name = current_app.config["OFFICE_TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def to_office(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value).astimezone(office_zone())
