"""The generated pages work for a signed-in user, in English and Chinese."""

import pytest

from app.models import Complaint
from tests.conftest import PASSWORD


def login(client, username):
    resp = client.post("/login/", data={"username": username, "password": PASSWORD},
                       follow_redirects=True)
    assert resp.status_code == 200


@pytest.mark.parametrize("url", ["/complaintview/list/", "/customerview/list/",
                                 "/teamview/list/", "/"])
def test_pages_render_for_agent(client, url):
    login(client, "agent")
    resp = client.get(url)
    assert resp.status_code == 200, url
    assert b"Fatal" not in resp.data


def test_register_complaint_through_the_form(client, session, customer_id):
    login(client, "agent")
    resp = client.post("/complaintview/add", data={
        "customer": str(customer_id), "channel": "letter", "category": "damage",
        "description": "Box crushed", "received_at": "2026-11-20 10:00:00",
        "service_type": "standard", "impact": "individual", "urgency": "2",
    }, follow_redirects=True)
    assert resp.status_code == 200
    complaint = session.query(Complaint).filter_by(description="Box crushed").one()
    assert complaint.channel == "letter"
    # entered as office time (Asia/Shanghai, UTC+8)
    assert complaint.received_at.hour == 2 and complaint.received_at.day == 20
    assert complaint.number.encode() in resp.data


def test_form_refuses_future_received_at_and_keeps_nothing(client, session, customer_id):
    login(client, "agent")
    before = session.query(Complaint).count()
    resp = client.post("/complaintview/add", data={
        "customer": str(customer_id), "channel": "letter", "category": "damage",
        "description": "From the future", "received_at": "2098-01-01 10:00:00",
        "service_type": "standard", "impact": "individual", "urgency": "2",
    }, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert 'data-field="received_at">cannot be more than 5 minutes in the future' in page  # next to its field
    assert "From the future" in page  # what was typed stays
    assert session.query(Complaint).count() == before


def test_auditor_cannot_open_add_form(client):
    login(client, "auditor")
    resp = client.get("/complaintview/add", follow_redirects=True)
    assert b"Access is Denied" in resp.data or resp.status_code == 403


def test_chinese_interface(client):
    login(client, "agent")
    client.get("/lang/zh", follow_redirects=True)
    resp = client.get("/complaintview/list/")
    text = resp.data.decode()
    assert "投诉" in text and "受理时间" in text


def test_complaint_page_explains_the_decision(client, session, customer_id):
    from app.services.intake import register_complaint

    complaint = register_complaint(session, {
        "customer": customer_id, "channel": "web", "category": "fee_dispute",
        "description": "Charged twice"})
    login(client, "auditor")
    page = client.get(f"/complaintview/show/{complaint.id}").data.decode()
    assert "Why this team, level and deadline" in page
    assert "Fee disputes to Finance" in page
    # the trace in words: variable and operator labels, values by their labels, no codes
    assert "Category is Fee dispute" in page and "it is Fee dispute" in page
    assert "fee_dispute" not in page and "equal_to" not in page


def test_lists_show_labels_not_codes(client, session, customer_id):
    import re

    from app.services.intake import register_complaint

    def cell(text):
        return re.compile(r">\s*" + re.escape(text) + r"\s*<")

    register_complaint(session, {"customer": customer_id, "channel": "web",
                                 "category": "fee_dispute", "description": "charged twice"})
    login(client, "admin")
    page = client.get("/complaintview/list/").get_data(as_text=True)
    assert cell("Fee dispute").search(page) and cell("Web form").search(page)
    assert not cell("fee_dispute").search(page) and not cell("web").search(page)
    page = client.get(f"/customerview/show/{customer_id}").get_data(as_text=True)
    assert cell("Person").search(page) and not cell("person").search(page)
    from app.models import Alert

    session.add(Alert(rule="r", scope_type="region", scope="Zhejiang", severity="critical",
                      message="m", figures={}, count=1, state="acknowledged", quiet_runs=0))
    session.commit()
    page = client.get("/alertview/list/").get_data(as_text=True)
    assert cell("Critical").search(page) and cell("Acknowledged").search(page)
    client.get("/lang/zh", follow_redirects=True)
    page = client.get("/teamview/list/").get_data(as_text=True)
    assert cell("是").search(page) and not cell("True").search(page)


@pytest.mark.parametrize("username", ["admin", "lead", "agent", "editor", "auditor"])
def test_every_menu_page_opens(client, session, customer_id, username):
    """Each link of the menu answers without a server error, with rows to show."""
    import re

    from app.jobs.runs import run_job
    from app.models import Alert
    from app.services.intake import register_complaint

    register_complaint(session, {"customer": customer_id, "channel": "web",
                                 "category": "loss", "description": "lost"})
    session.add(Alert(rule="r", scope_type="region", scope="Zhejiang", severity="warning",
                      message="m", figures={"count_24h": 3}, count=1, state="open",
                      quiet_runs=0))
    session.commit()
    run_job("warnings")
    login(client, username)
    home = client.get("/").get_data(as_text=True)
    links = set(re.findall(r'<a[^>]+href="(/[^"#?]*)"', home)) - {"/logout/", "/lang/zh",
                                                                     "/lang/en"}
    assert len(links) >= 5, links
    for link in sorted(links):
        resp = client.get(link)
        assert resp.status_code < 500, (link, resp.status_code)


def test_refused_action_keeps_what_was_typed(client, session, customer_id):
    from app.services.intake import register_complaint

    complaint = register_complaint(session, {"customer": customer_id, "channel": "web",
                                             "category": "delay", "description": "late"})
    login(client, "lead")  # assigned to the lead by the team's least-loaded assignment
    client.post(f"/complaintview/act/{complaint.id}/respond",
                data={"version": complaint.version, "message": "We are looking into it"})
    session.refresh(complaint)
    assert complaint.status == "in_progress"
    page = client.post(f"/complaintview/act/{complaint.id}/propose_resolution", data={
        "version": complaint.version, "kind": "compensation", "amount": "-5",
        "text": "Refund the shipping fee"}, follow_redirects=True).get_data(as_text=True)
    assert "must be a positive amount in CNY" in page
    assert 'value="Refund the shipping fee"' in page and 'value="-5"' in page
    assert 'value="compensation" selected' in page
    session.refresh(complaint)
    assert complaint.resolution_kind is None
    # shown once: a fresh visit starts empty
    page = client.get(f"/complaintview/show/{complaint.id}").get_data(as_text=True)
    assert "Refund the shipping fee" not in page


def test_agent_claims_from_the_list(client, session, customer_id):
    from app.models import Team
    from app.services.intake import register_complaint

    session.query(Team).filter_by(name="Logistics Delivery").one().assignment_method = "manual"
    session.commit()
    ids = [register_complaint(session, {"customer": customer_id, "channel": "web",
                                        "category": "delay", "description": "late"}).id
           for _ in range(2)]
    login(client, "agent")
    page = client.get("/complaintview/list/").get_data(as_text=True)
    assert "claim_selected" in page  # the bulk action is offered to agents
    client.post("/complaintview/action_post", data={"action": "claim_selected", "rowid": ids},
                follow_redirects=True)
    session.expire_all()
    assert {session.get(Complaint, i).assignee.username for i in ids} == {"agent"}


def test_home_counts_what_the_user_may_see_and_links_to_it(client, session, customer_id):
    import re

    from app.services.intake import register_complaint

    for category in ("delay", "damage", "loss"):  # Logistics Delivery, then Claims twice
        register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": category, "description": "x"})

    def counts(username):
        login(client, username)
        page = client.get("/").get_data(as_text=True)
        client.get("/logout/")
        return {status: int(n) for status, n in re.findall(
            r'_flt_0_status=(\w+)">(\d+)</a>', page)}

    everyone, agent = counts("admin"), counts("agent")
    assert sum(everyone.values()) == 3 and sum(agent.values()) == 1
    status = next(s for s, n in agent.items() if n)
    login(client, "agent")
    listed = client.get(f"/complaintview/list/?_flt_0_status={status}").get_data(as_text=True)
    assert re.search(r"Record Count:</strong>\s*1\b", listed)


def test_attach_on_the_page_refuses_a_bad_version_with_a_reason(client, session, customer_id):
    import io

    from app.services.intake import register_complaint

    complaint = register_complaint(session, {"customer": customer_id, "channel": "web",
                                             "category": "delay", "description": "late"})
    login(client, "lead")
    page = client.post(f"/complaintview/act/{complaint.id}/attach", data={
        "version": "abc", "file": (io.BytesIO(b"%PDF-1.4"), "receipt.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    assert page.status_code == 200  # was a server error
    assert "send the complaint&#39;s version" in page.get_data(as_text=True)
    assert not complaint.attachments
    page = client.post(f"/complaintview/act/{complaint.id}/attach", data={
        "version": str(complaint.version), "file": (io.BytesIO(b"%PDF-1.4"), "receipt.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    session.refresh(complaint)
    assert [a.filename for a in complaint.attachments] == ["receipt.pdf"]
