"""An admin gives a team office hours on the team form, in the browser, with CSRF on;
the next complaint routed to that team gets deadlines in working time."""

from datetime import datetime
from zoneinfo import ZoneInfo

from app.models import Team
from app.services.intake import register_complaint
from tests.browser.conftest import sign_in

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_admin_sets_office_hours_and_deadlines_follow(page, session, customer_id, app):
    team = session.query(Team).filter_by(name="Finance").one()
    sign_in(page, "admin")
    page.goto(f"/teamview/edit/{team.id}")
    for day in range(5):
        page.check(f"#work_days-{day}")
    page.fill("#work_start", "18:00")
    page.fill("#work_end", "09:00")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_selector(".alert-danger")  # refused, with the reason next to the field
    assert "The working day must end after it starts." in page.inner_text("body")
    assert page.is_checked("#work_days-4") and page.input_value("#work_start") == "18:00"

    page.fill("#work_start", "09:00")
    page.fill("#work_end", "18:00")
    page.fill("#holidays", "2026-11-23")  # a Monday off
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"/teamview/show/{team.id}")
    shown = page.inner_text("body")
    assert "Monday, Tuesday, Wednesday, Thursday, Friday 09:00–18:00" in shown
    assert "2026-11-23" in shown
    assert "Manual" in shown and "Yes" in shown and "胡佳" in shown  # labels, not codes
    assert "List Complaint" not in shown
    page.screenshot(path=str(app.instance_path) + "/team-calendar.png", full_page=True)

    # Friday 17:00 in Shanghai, a level-1 fee dispute: routed to Finance.
    received = datetime(2026, 11, 20, 17, 0, tzinfo=SHANGHAI)
    session.expire_all()
    c = register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "fee_dispute", "description": "charged twice",
                                     "received_at": received.isoformat(), "urgency": 1})
    assert c.team.name == "Finance" and c.level == 1
    # 2 h first response: 1 h on Friday, Monday is a holiday, 1 h on Tuesday
    assert c.first_response_due_at == datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
    # 24 working hours: Fri 1, Tue 9, Wed 9, Thu 5
    assert c.resolution_due_at == datetime(2026, 11, 26, 14, 0, tzinfo=SHANGHAI)
