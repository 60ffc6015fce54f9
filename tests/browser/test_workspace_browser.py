"""The workspace in Chromium: registration that finds the customer, a lead's bulk
reassignment, and an auditor who may only read."""

from app.models import Complaint, Team
from app.services.intake import register_complaint
from tests.browser.conftest import sign_in


def test_registration_finds_customer_by_phone_and_lands_on_the_complaint(page, session,
                                                                        customer_id, app):
    sign_in(page, "agent")
    page.goto("/")
    page.click("text=Work")
    page.click("text=New complaint")
    page.fill("#customer-search", "0000")  # the last digits of 13800000000
    page.click(f".customer-result[data-id='{customer_id}']")
    assert "张* · 138****0000" in page.inner_text("#customer-chosen")  # masked
    page.select_option("#category", "delay")
    page.fill("#description", "The parcel has not arrived in five days")
    page.click("#register-submit")
    page.wait_for_selector("#workspace")
    complaint = session.query(Complaint).filter_by(
        description="The parcel has not arrived in five days").one()
    assert complaint.customer_id == customer_id
    assert complaint.number in page.inner_text(".pd-number")
    assert "Logistics Delivery" in page.inner_text(".pd-team")
    assert page.locator("#why-panel .text-success").count() >= 1  # the rules that decided
    page.screenshot(path=app.instance_path + "/registered.png", full_page=True)


def test_lead_bulk_reassigns_from_the_team_queue(page, session, customer_id):
    team = session.query(Team).filter_by(name="Logistics Delivery").one()
    team.assignment_method = "manual"
    session.commit()
    numbers = [register_complaint(session, {"customer": customer_id, "channel": "web",
                                            "category": "delay", "description": f"late {i}"}).number
               for i in range(2)]
    sign_in(page, "lead")
    page.goto("/work/team")
    for number in numbers:
        page.check(f"#queue-table tr[data-number='{number}'] input[type=checkbox]")
    page.select_option("#bulk-user", label="赵博")
    page.click("#bulk-assign")
    page.wait_for_selector(".alert-success")
    for number in numbers:
        assert "赵博" in page.inner_text(f"#queue-table tr[data-number='{number}']")
    session.expire_all()
    assert {c.assignee.username for c in session.query(Complaint)
            .filter(Complaint.number.in_(numbers))} == {"agent2"}


def test_auditor_sees_no_action(page, session, customer_id):
    c = register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "delay", "description": "late again"})
    sign_in(page, "auditor")
    page.goto(f"/complaintview/show/{c.id}")
    page.wait_for_selector("#workspace")
    assert page.locator("#actions-panel").count() == 0
    assert page.locator("form.pd-action").count() == 0
    assert page.locator("text=New complaint").count() == 0
