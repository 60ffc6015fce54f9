"""A team's working calendar is edited on the team form, without JSON."""

import re

from app.models import Team
from tests.test_pages import login

WEEKDAYS = ["0", "1", "2", "3", "4"]


def team_form(team, **calendar):
    data = {"name": team.name, "description": team.description or "",
            "lead": str(team.lead_id or ""), "assignment_method": team.assignment_method,
            "active": "y" if team.active else ""}
    data["members"] = [str(u.id) for u in team.members]
    data.update(calendar)
    return data


def edit(client, team, **calendar):
    return client.post(f"/teamview/edit/{team.id}", data=team_form(team, **calendar),
                       follow_redirects=True)


def test_admin_sets_shows_and_clears_a_calendar(client, session):
    login(client, "admin")
    team = session.query(Team).filter_by(name="Finance").one()
    resp = edit(client, team, work_days=WEEKDAYS, work_start="9:00", work_end="18:00",
                holidays="2026-10-01\n2026-10-02, 2026-10-01")
    assert resp.status_code == 200
    session.expire_all()
    assert team.calendar == {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "18:00",
                             "holidays": ["2026-10-01", "2026-10-02"]}
    shown = client.get(f"/teamview/show/{team.id}").get_data(as_text=True)
    assert "Monday, Tuesday, Wednesday, Thursday, Friday 09:00–18:00" in shown
    assert "2026-10-02" in shown
    form = client.get(f"/teamview/edit/{team.id}").get_data(as_text=True)
    assert 'value="09:00"' in form and re.search(r'<input checked[^>]* id="work_days-4"', form)
    assert not re.search(r'<input checked[^>]* id="work_days-5"', form)

    edit(client, team)  # nothing ticked: 24/7
    session.expire_all()
    assert team.calendar is None
    assert "24/7" in client.get(f"/teamview/show/{team.id}").get_data(as_text=True)


def test_bad_calendars_are_refused_with_the_reason_and_change_nothing(client, session):
    login(client, "admin")
    team = session.query(Team).filter_by(name="Finance").one()
    edit(client, team, work_days=["0"], work_start="08:00", work_end="17:00")
    session.expire_all()
    kept = team.calendar
    cases = [
        (dict(work_days=WEEKDAYS, work_start="18:00", work_end="09:00"),
         "The working day must end after it starts."),
        (dict(work_days=WEEKDAYS, work_start="9h", work_end="18:00"),
         "Write the time as HH:MM"),
        (dict(work_days=WEEKDAYS, work_start="25:00", work_end="26:00"),
         "Write the time as HH:MM"),
        (dict(work_days=WEEKDAYS, work_start="09:00"),
         "Give the start and the end of the working day."),
        (dict(work_start="09:00", work_end="18:00"),
         "Choose the working days, or clear the hours for 24/7."),
        (dict(work_days=WEEKDAYS, work_start="09:00", work_end="18:00",
              holidays="2026-10-01\nnational day"), "national is not a date"),
        (dict(work_days=["9"], work_start="09:00", work_end="18:00"), "is not a valid choice"),
    ]
    for fields, reason in cases:
        page = edit(client, team, description="changed", **fields).get_data(as_text=True)
        assert reason in page, fields
        assert "changed</textarea>" in page  # what was typed is kept
        session.expire_all()
        assert team.calendar == kept and team.description != "changed", fields


def test_only_admins_edit_teams(client, session):
    login(client, "lead")
    team = session.query(Team).filter_by(name="Finance").one()
    edit(client, team, work_days=WEEKDAYS, work_start="09:00", work_end="18:00")
    session.expire_all()
    assert team.calendar is None
