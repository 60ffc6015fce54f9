"""Small input checkers that collect every problem, each naming its field."""

from datetime import datetime

from flask_babel import gettext

from app.reference.regions import region_code, unknown_region
from app.services.errors import InvalidInput
from app.timeutil import as_utc


class Problems:
    def __init__(self):
        self.by_field: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, message)

    def raise_if_any(self, summary: str = "The input is not valid") -> None:
        if self.by_field:
            fields = ", ".join(sorted(self.by_field))
            raise InvalidInput(
                gettext("%(summary)s: %(fields)s", summary=summary, fields=fields),
                field=next(iter(self.by_field)),
                details=self.by_field,
            )


def text(problems, data, field, *, required=False, max_len=255, default=None):
    value = data.get(field, default)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(field, gettext("is required"))
        return default
    if not isinstance(value, str):
        problems.add(field, gettext("must be text"))
        return default
    value = value.strip()
    if len(value) > max_len:
        problems.add(field, gettext("is longer than %(n)s characters", n=max_len))
    return value


def one_of(problems, data, field, allowed, *, required=False, default=None):
    value = data.get(field, default)
    if value is None:
        if required:
            problems.add(field, gettext("is required"))
        return default
    if value not in allowed:
        problems.add(field, gettext("must be one of: %(values)s", values=", ".join(map(str, allowed))))
        return default
    return value


def integer(problems, data, field, *, low=None, high=None, required=False, default=None):
    value = data.get(field, default)
    if value is None:
        if required:
            problems.add(field, gettext("is required"))
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        else:
            problems.add(field, gettext("must be a whole number"))
            return default
    if (low is not None and value < low) or (high is not None and value > high):
        problems.add(field, gettext("must be between %(low)s and %(high)s", low=low, high=high))
        return default
    return value


def moment(problems, data, field, *, default=None):
    value = data.get(field)
    if value in (None, ""):
        return default
    if isinstance(value, datetime):
        return as_utc(value)
    if not isinstance(value, str):
        problems.add(field, gettext("must be an ISO 8601 date and time"))
        return default
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        problems.add(field, gettext("must be an ISO 8601 date and time, e.g. 2026-11-23T09:30:00+08:00"))
        return default
    return as_utc(parsed)


def no_unknown(problems, data, allowed):
    for key in data:
        if key not in allowed:
            problems.add(key, gettext("is not a field that can be set here"))


def region(problems, data, field, *, required=False):
    """A region of China given by GB/T 2260 code, Chinese or English name; the code."""
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(field, gettext("is required"))
        return None
    code = region_code(value)
    if code is None:
        problems.add(field, unknown_region(value))
    return code
