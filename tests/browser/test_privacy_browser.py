"""The reveal button in Chromium: masked until a reason is given, then the full values,
recorded in the access log."""

from app.models import AccessLog, Team
from app.services.intake import register_complaint
from tests.browser.conftest import sign_in


def test_agent_reveals_the_customer_in_the_workspace_with_a_reason(page, session, customer_id):
    team = session.query(Team).filter_by(name="Logistics Delivery").one()
    team.assignment_method = "manual"
    session.commit()
    c = register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "delay", "description": "Call me on 13800000000"})
    sign_in(page, "agent")
    page.goto(f"/complaintview/show/{c.id}")
    panel = page.inner_text("#customer-panel")
    assert "张*" in panel and "138****0000" in panel and "13800000000" not in panel
    assert "138****0000" in page.inner_text(".pd-from-customer")
    page.fill("#customer-panel input[name=reason]", "Calling back about the delay")
    page.click("#customer-panel form.pd-reveal button[type=submit]")
    page.wait_for_selector("#customer-panel form.pd-reveal", state="hidden")
    panel = page.inner_text("#customer-panel")
    assert "张伟" in panel and "13800000000" in panel and "zhang@example.cn" in panel
    session.expire_all()
    [log] = session.query(AccessLog).all()
    assert (log.actor_name, log.customer_id, log.reason) == (
        "agent", customer_id, "Calling back about the delay")
