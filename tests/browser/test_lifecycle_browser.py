"""An agent claims a complaint from the team queue, responds and resolves it; the lead
records the callback and closes it."""

from app.models import Complaint, Team
from app.services.intake import register_complaint
from tests.browser.conftest import sign_in


def test_agent_works_a_complaint_and_lead_closes_it(page, session, customer_id, app, browser,
                                                    live_server):
    team = session.query(Team).filter_by(name="Logistics Delivery").one()
    team.assignment_method = "manual"
    session.commit()
    c = register_complaint(session, {"customer": customer_id, "channel": "phone",
                                     "category": "delay", "description": "Parcel is late",
                                     "waybill_no": "PD000111"})
    assert c.status == "new" and c.team.name == "Logistics Delivery"

    sign_in(page, "agent")
    page.goto("/work/team")
    row = page.locator(f"#queue-table tr[data-number='{c.number}']")
    assert row.count() == 1
    assert page.locator(".queue-count[data-view=team]").first.inner_text() != ""
    row.locator("a").click()
    page.wait_for_selector("#actions-panel")
    page.click(".action-claim button")
    page.wait_for_selector(".alert-success")
    page.fill(".action-respond textarea[name=message]", "Sorry, we are checking with the depot")
    page.click(".action-respond button")
    page.wait_for_selector(".sla-first_response[data-state=met]")
    page.select_option(".action-propose_resolution select[name=kind]", "redelivery")
    page.fill(".action-propose_resolution input[name=text]", "Redeliver tomorrow morning")
    page.click(".action-propose_resolution button")
    page.wait_for_selector(".resolution")
    page.click(".action-resolve button")
    page.wait_for_selector(".action-callback")
    page.screenshot(path=app.instance_path + "/complaint-resolved.png", full_page=True)

    lead_context = browser.new_context(base_url=live_server)
    lead = lead_context.new_page()
    sign_in(lead, "lead")
    lead.goto(f"/complaintview/show/{c.id}")
    lead.select_option(".action-callback select[name=reached]", "yes")
    lead.select_option(".action-callback select[name=satisfaction]", "5")
    lead.click(".action-callback button")
    lead.wait_for_selector(".action-close")
    lead.click(".action-close button")
    lead.wait_for_selector(".alert-success")
    lead_context.close()

    session.expire_all()
    done = session.get(Complaint, c.id)
    assert done.status == "closed" and done.satisfaction == 5
    assert done.assignee.username == "agent"
    kinds = [e.kind for e in done.events]
    for kind in ("claim", "respond", "propose_resolution", "resolve", "callback", "close"):
        assert kind in kinds


def test_other_teams_complaint_is_not_found_in_the_browser(page, session, customer_id):
    c = register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "privacy", "description": "data leak"})
    sign_in(page, "agent")  # Logistics Delivery, not Legal & Compliance
    response = page.goto(f"/complaintview/show/{c.id}")
    assert response.status == 404
