"""Working time: due times count only a team's working hours when it has a calendar.

A calendar is {"days": [0-6, Monday = 0], "start": "HH:MM", "end": "HH:MM",
"holidays": ["YYYY-MM-DD", …], "national_holidays": bool} in the office time zone; none
means 24/7. With `national_holidays` the team also follows China's public holidays and
their make-up working days (调休), as published by the State Council and kept by the
`chinese-calendar` package; the typed holidays stay on top of both. Times are UTC in and
out; the arithmetic is done on local dates, so it holds in any zone.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from flask_babel import gettext

from app.services.errors import InvalidInput

MAX_DAYS = 3 * 366  # a calendar with working time finds it well within this


def check_calendar(calendar) -> dict | None:
    """Validate a calendar; returns it normalised, or None for 24/7."""
    if not calendar:
        return None
    if not isinstance(calendar, dict):
        raise InvalidInput(gettext("the calendar must be an object"), field="calendar")
    days = calendar.get("days")
    if not isinstance(days, list) or not days or any(
            not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        raise InvalidInput(gettext("calendar days must be a non-empty list of 0 (Monday) to 6"),
                           field="calendar")
    try:
        start = time.fromisoformat(calendar.get("start", ""))
        end = time.fromisoformat(calendar.get("end", ""))
        holidays = [date.fromisoformat(h) for h in calendar.get("holidays", [])]
    except (TypeError, ValueError) as exc:
        raise InvalidInput(gettext("calendar times must be HH:MM and holidays YYYY-MM-DD "
                                   "(%(error)s)", error=exc), field="calendar") from exc
    if end <= start:
        raise InvalidInput(gettext("the working day must end after it starts"), field="calendar")
    national = calendar.get("national_holidays", False)
    if not isinstance(national, bool):
        raise InvalidInput(gettext("national_holidays must be true or false"), field="calendar")
    return {"days": sorted(set(days)), "start": start.isoformat("minutes"),
            "end": end.isoformat("minutes"), "holidays": [h.isoformat() for h in holidays],
            **({"national_holidays": True} if national else {})}


def national_working_day(day: date) -> bool | None:
    """True on a make-up working day, False on a public holiday, None on an ordinary day
    (or in a year the national calendar does not cover yet: the team's days decide)."""
    try:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return None if name is None else not is_holiday


def is_working_day(calendar: dict, day: date) -> bool:
    if day.isoformat() in calendar.get("holidays", ()):
        return False
    if calendar.get("national_holidays"):
        national = national_working_day(day)
        if national is not None:
            return national
    return day.weekday() in calendar["days"]


def _windows(calendar: dict, tz: ZoneInfo, from_utc: datetime):
    """Working windows (UTC start, UTC end) from the local day of `from_utc` onwards."""
    start_t, end_t = time.fromisoformat(calendar["start"]), time.fromisoformat(calendar["end"])
    calendar = {**calendar, "holidays": set(calendar.get("holidays", []))}
    day = from_utc.astimezone(tz).date()
    for _ in range(MAX_DAYS):
        if is_working_day(calendar, day):
            yield (datetime.combine(day, start_t, tzinfo=tz).astimezone(from_utc.tzinfo),
                   datetime.combine(day, end_t, tzinfo=tz).astimezone(from_utc.tzinfo))
        day += timedelta(days=1)


def add_working_time(start: datetime, duration: timedelta, calendar: dict | None,
                     tz: ZoneInfo) -> datetime:
    """The moment `duration` of working time after `start`."""
    if not calendar:
        return start + duration
    remaining = duration
    for win_start, win_end in _windows(calendar, tz, start):
        if win_end <= start:
            continue
        begin = max(start, win_start)
        available = win_end - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise InvalidInput(gettext("the calendar has no working time in the next three years"))


def working_time_between(a: datetime, b: datetime, calendar: dict | None,
                         tz: ZoneInfo) -> timedelta:
    """Working time from `a` to `b` (negative when b is before a)."""
    if not calendar:
        return b - a
    if b < a:
        return -working_time_between(b, a, calendar, tz)
    total = timedelta(0)
    for win_start, win_end in _windows(calendar, tz, a):
        if win_start >= b:
            break
        overlap = min(win_end, b) - max(win_start, a)
        if overlap > timedelta(0):
            total += overlap
    return total
