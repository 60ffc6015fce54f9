"""Small input checkers that collect every problem, each naming its field.

Every number and date that reaches the database is bounded here: ids fit a 32-bit
column, amounts are decimals with two places and a maximum, dates lie between 2000
and 2099. Digits are ASCII digits only (`"²".isdigit()` is true in Python).
"""

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext

from app.models.types import MAX_ID
from app.reference.regions import region_code, unknown_region
from app.services.errors import InvalidInput
from app.timeutil import as_utc

MIN_INT, MAX_INT = -(2**31), 2**31 - 1
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)
MAX_AMOUNT = Decimal("1000000.00")  # CNY, the largest compensation a desk can propose
_WHOLE = re.compile(r"-?[0-9]{1,12}")
# Text may hold line breaks and tabs; no NUL, no lone surrogates (checked apart).
_TEXT_OK = re.compile(r"[^\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]*")


def whole_number(value) -> int | None:
    """An int from an int or a string of ASCII digits (with an optional minus), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value.strip())
    return None


def as_id(value) -> int | None:
    """A row id (1 .. 2^31-1) from an int or a string of ASCII digits, else None."""
    number = whole_number(value)
    return number if number is not None and 1 <= number <= MAX_ID else None


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
    if not _TEXT_OK.fullmatch(value):
        problems.add(field, gettext("contains characters that are not text"))
        return default
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
    value = whole_number(value)
    if value is None:
        problems.add(field, gettext("must be a whole number"))
        return default
    low = MIN_INT if low is None else low
    high = MAX_INT if high is None else high
    if not low <= value <= high:
        problems.add(field, gettext("must be between %(low)s and %(high)s", low=low, high=high))
        return default
    return value


def amount(problems, data, field, *, required=False, maximum=MAX_AMOUNT):
    """A positive amount in CNY with at most two decimals, up to `maximum`."""
    value = data.get(field)
    if value is None:
        if required:
            problems.add(field, gettext("is required"))
        return None
    message = gettext("must be a positive amount in CNY with at most 2 decimals, up to %(max)s",
                      max=maximum)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        problems.add(field, message)
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        problems.add(field, message)
        return None
    if (not number.is_finite() or number <= 0 or number > maximum
            or number != number.quantize(Decimal("0.01"))):
        problems.add(field, message)
        return None
    return number.quantize(Decimal("0.01"))


def parse_moment(value) -> datetime | None:
    """An aware UTC datetime from ISO 8601 text between 2000 and 2099, else None."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    try:
        parsed = as_utc(parsed)
    except OverflowError:  # year 1 or 9999 moved by its offset out of range
        return None
    return parsed if EARLIEST <= parsed <= LATEST else None
def money(problems, data, field, *, required=False):
    """An amount in CNY: 0 or more, at most 2 decimals (a number or text like "1299.50")."""
    value = data.get(field)
    if value is None or value == "":
        if required:
            problems.add(field, gettext("is required"))
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        problems.add(field, gettext("must be an amount in CNY, e.g. 1299.50"))
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount.as_tuple().exponent < -2:
        problems.add(field, gettext("must be an amount in CNY with at most 2 decimals, e.g. 1299.50"))
        return None
    if amount < 0 or amount >= Decimal("1e10"):
        problems.add(field, gettext("must be between 0 and 9999999999.99"))
        return None
    return amount


def moment(problems, data, field, *, default=None):
    value = data.get(field)
    if value in (None, ""):
        return default
    parsed = parse_moment(value)
    if parsed is None:
        problems.add(field, gettext(
            "must be an ISO 8601 date and time between %(earliest)s and %(latest)s, "
            "e.g. 2026-11-23T09:30:00+08:00", earliest="2000-01-01", latest="2099-12-31"))
        return default
    return parsed


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
