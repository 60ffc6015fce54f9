"""Working-time arithmetic: weekends, evenings, holidays; UTC in, office zone applied."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.services.calendar import add_working_time, check_calendar, working_time_between
from app.services.errors import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "18:00",
          "holidays": ["2026-10-01", "2026-10-02"]}


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI).astimezone(UTC)


def test_no_calendar_is_24_7():
    start = local(2026, 11, 20, 23, 0)
    assert add_working_time(start, timedelta(hours=4), None, SHANGHAI) == start + timedelta(hours=4)


def test_evening_and_weekend_are_skipped():
    friday_evening = local(2026, 11, 20, 17, 0)  # Friday, one working hour left
    due = add_working_time(friday_evening, timedelta(hours=4), OFFICE, SHANGHAI)
    assert due == local(2026, 11, 23, 12, 0)  # Monday noon
    assert working_time_between(friday_evening, due, OFFICE, SHANGHAI) == timedelta(hours=4)


def test_before_opening_starts_at_opening():
    early = local(2026, 11, 23, 6, 30)
    assert add_working_time(early, timedelta(minutes=30), OFFICE, SHANGHAI) == \
        local(2026, 11, 23, 9, 30)


def test_holidays_are_skipped():
    before_holiday = local(2026, 9, 30, 16, 0)  # Wed; Thu and Fri are holidays
    due = add_working_time(before_holiday, timedelta(hours=8), OFFICE, SHANGHAI)
    assert due == local(2026, 10, 5, 15, 0)  # Monday 15:00 (2 h Wed + 6 h Mon)


def test_working_time_between_is_signed():
    a, b = local(2026, 11, 23, 10, 0), local(2026, 11, 23, 12, 0)
    assert working_time_between(b, a, OFFICE, SHANGHAI) == -timedelta(hours=2)


@pytest.mark.parametrize("bad", [
    {"days": [], "start": "09:00", "end": "18:00"},
    {"days": [7], "start": "09:00", "end": "18:00"},
    {"days": [1], "start": "18:00", "end": "09:00"},
    {"days": [1], "start": "nine", "end": "18:00"},
    {"days": [1], "start": "09:00", "end": "18:00", "holidays": ["someday"]},
])
def test_bad_calendars_are_refused(bad):
    with pytest.raises(InvalidInput):
        check_calendar(bad)


def test_intake_counts_working_time(session, customer_id):
    from app.models import Team
    from app.services.intake import register_complaint

    team = session.query(Team).filter_by(name="Finance").one()
    team.calendar = check_calendar(OFFICE)
    session.commit()
    received = local(2026, 11, 20, 17, 0)  # Friday 17:00 in Shanghai
    c = register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "fee_dispute", "description": "charged twice",
                                     "received_at": received.isoformat(), "urgency": 1})
    assert c.team.name == "Finance" and c.level == 1
    # level 1: 2 h first response -> 1 h on Friday, 1 h on Monday
    assert c.first_response_due_at == local(2026, 11, 23, 10, 0)
    # 24 working hours: Fri 1 h, Mon 9 h, Tue 9 h, Wed 5 h
    assert c.resolution_due_at == local(2026, 11, 25, 14, 0)
