"""Team calendars that follow China's public holidays and make-up working days (调休).

2025's National Day: 1-8 October off; Sunday 28 September and Saturday 11 October are
working days (State Council arrangement, kept by the chinese-calendar package)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.models import Team
from app.services.calendar import add_working_time, check_calendar
from app.services.errors import InvalidInput
from app.services.intake import register_complaint
from tests.test_pages import login
from tests.test_team_calendar_form import edit

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "18:00", "holidays": []}
NATIONAL = {**WEEKDAYS, "national_holidays": True}


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI).astimezone(UTC)


def test_deadline_across_national_day_uses_the_make_up_saturday():
    start = local(2025, 9, 30, 17, 0)  # Tuesday, one working hour left before the holiday
    # 1 h on 30 Sept, 1-8 Oct off, 9 h on Thu 9, 9 h on Fri 10, then Saturday 11 works
    due = add_working_time(start, timedelta(hours=20), NATIONAL, SHANGHAI)
    assert due == local(2025, 10, 11, 10, 0)
    # without the national calendar the holiday week is worked and the weekend is not
    plain = add_working_time(start, timedelta(hours=20), WEEKDAYS, SHANGHAI)
    assert plain == local(2025, 10, 3, 10, 0)


def test_make_up_sunday_before_the_holiday_is_a_working_day():
    friday = local(2025, 9, 26, 17, 0)
    due = add_working_time(friday, timedelta(hours=3), NATIONAL, SHANGHAI)
    assert due == local(2025, 9, 28, 11, 0)  # Sunday 28 September


def test_typed_holidays_stay_on_top_of_the_national_calendar():
    typed = {**NATIONAL, "holidays": ["2025-10-11"]}  # the team takes the make-up day off
    due = add_working_time(local(2025, 9, 30, 17, 0), timedelta(hours=20), typed, SHANGHAI)
    assert due == local(2025, 10, 13, 10, 0)  # Monday


def test_years_the_national_calendar_does_not_cover_use_the_team_days():
    due = add_working_time(local(2031, 10, 1, 9, 0), timedelta(hours=2), NATIONAL, SHANGHAI)
    assert due == local(2031, 10, 1, 11, 0)


def test_national_holidays_must_be_a_yes_or_no():
    assert check_calendar(NATIONAL)["national_holidays"] is True
    assert "national_holidays" not in check_calendar(WEEKDAYS)
    with pytest.raises(InvalidInput):
        check_calendar({**WEEKDAYS, "national_holidays": "yes"})


def test_team_opts_in_over_the_api_and_intake_follows(client, as_user, session, customer_id):
    team = session.query(Team).filter_by(name="Finance").one()
    resp = client.put(f"/api/v1/teams/{team.id}", headers=as_user("admin"),
                      json={"calendar": NATIONAL})
    assert resp.status_code == 200, resp.get_json()
    bad = client.put(f"/api/v1/teams/{team.id}", headers=as_user("admin"),
                     json={"calendar": {**WEEKDAYS, "national_holidays": 1}})
    assert bad.status_code == 422 and "calendar" in bad.get_json()["message"]
    c = register_complaint(session, {
        "customer": customer_id, "channel": "web", "category": "fee_dispute", "level": 3,
        "description": "Charged twice for one parcel", "received_at":
        local(2025, 9, 30, 17, 0).isoformat()}, now=local(2025, 9, 30, 17, 5))
    assert c.team.name == "Finance"
    # level 3: 8 working hours to respond -> 1 h on 30 Sept, 7 h on 9 Oct
    assert c.first_response_due_at == local(2025, 10, 9, 16, 0)


def test_team_form_checkbox(client, session):
    login(client, "admin")
    team = session.query(Team).filter_by(name="Finance").one()
    edit(client, team, work_days=["0", "1", "2", "3", "4"], work_start="09:00",
         work_end="18:00", national_holidays="y")
    session.expire_all()
    assert team.calendar["national_holidays"] is True
    shown = client.get(f"/teamview/show/{team.id}").get_data(as_text=True)
    assert "public holidays and make-up working days" in shown
    form = client.get(f"/teamview/edit/{team.id}").get_data(as_text=True)
    assert '<input checked id="national_holidays"' in form
    edit(client, team, work_days=["0", "1", "2", "3", "4"], work_start="09:00", work_end="18:00")
    session.expire_all()
    assert "national_holidays" not in team.calendar
