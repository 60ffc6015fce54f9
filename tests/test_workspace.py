"""The complaint workspace, registration and queues as agents, leads and auditors use them."""

import re

from app.models import Complaint, Customer, Team
from app.services.access import actor_for
from app.services.intake import register_complaint
from app.services.lifecycle import perform
from app.services.privacy.blind_index import name_index
from tests.test_pages import login

RAW = re.compile(r"\{'|\bNone\b|\bFalse\b|\[\]|sla_breached|propose_resolution|in_progress"
                 r"|assignee_id|ConnectionRefused")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _manual_logistics(session):
    team = session.query(Team).filter_by(name="Logistics Delivery").one()
    team.assignment_method = "manual"
    session.commit()
    return team


def _user(session, username):
    from flask import current_app

    return current_app.appbuilder.sm.find_user(username=username)


def _worked(session, customer_id):
    """A complaint claimed, answered, noted and resolved with a proposal, by `agent`."""
    _manual_logistics(session)
    c = register_complaint(session, {"customer": customer_id, "channel": "phone",
                                     "category": "delay", "description": "Parcel is late",
                                     "waybill_no": "PD7001"})
    agent = actor_for(session, _user(session, "agent"))
    for action, body in (("claim", {}), ("respond", {"message": "We are checking with the depot"}),
                         ("note", {"text": "Depot says Tuesday"}),
                         ("propose_resolution", {"kind": "redelivery", "text": "Redeliver"})):
        c = perform(session, c.id, action, {"version": c.version, **body}, agent)
    return c


def test_workspace_shows_words_not_storage(client, session, customer_id):
    c = _worked(session, customer_id)
    login(client, "agent")
    html = client.get(f"/complaintview/show/{c.id}").get_data(as_text=True)
    text = visible_text(html)
    assert not RAW.search(text), RAW.search(text).group(0)
    # the conversation: what the customer said, and our reply
    assert "Parcel is late" in text and "We are checking with the depot" in text
    # internal notes set apart, the timeline in sentences with the person's display name
    assert 'id="internal-notes"' in html and "Depot says Tuesday" in text
    assert "王安" in text and "Claimed the complaint." in text
    assert "Proposed a resolution: Redelivery" in text
    # the SLA clocks say what they mean, once
    assert "First response" in text and "done in time" in text
    assert "overdue · overdue by" not in text


def test_actions_follow_role_and_state(client, session, customer_id, as_user):
    c = _worked(session, customer_id)
    shown = {}
    for user in ("agent", "lead", "auditor", "agent2"):
        resp = client.get(f"/api/v1/complaints/{c.id}", headers=as_user(user))
        assert resp.status_code == 200
        shown[user] = resp.get_json()["result"]["allowed_actions"]
    assert shown["auditor"] == []
    assert "assign" not in shown["agent"] and "assign" in shown["lead"]
    assert "resolve" in shown["agent"]  # level 1–3 redelivery needs no approval
    assert "respond" not in shown["agent2"] and "note" in shown["agent2"]  # not the assignee

    client.get("/logout/")
    login(client, "auditor")
    html = client.get(f"/complaintview/show/{c.id}").get_data(as_text=True)
    assert 'id="actions-panel"' not in html and "action-claim" not in html
    client.get("/logout/")
    login(client, "agent")
    html = client.get(f"/complaintview/show/{c.id}").get_data(as_text=True)
    forms = set(re.findall(r'class="pd-action action-([a-z_]+)"', html))
    assert forms == set(shown["agent"])


def test_registration_finds_the_customer_and_opens_the_complaint(client, session, customer_id):
    login(client, "agent")
    found = client.get("/complaintview/customers?q=0000").get_json()["result"]
    assert [c["id"] for c in found] == [customer_id]  # by the phone's last digits
    # names are sealed: found whole (through the blind index), not by a part
    assert client.get("/complaintview/customers?q=张伟").get_json()["result"][0]["id"] == customer_id
    assert client.get("/complaintview/customers?q=zhang@example.cn").get_json()["result"][0][
        "id"] == customer_id
    resp = client.post("/complaintview/add", data={
        "customer": str(customer_id), "channel": "phone", "category": "delay",
        "description": "Still waiting for my parcel", "urgency": "2"})
    complaint = session.query(Complaint).filter_by(description="Still waiting for my parcel").one()
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/complaintview/show/{complaint.id}")
    assert complaint.team.name == "Logistics Delivery"  # the rules chose, not the form


def test_registration_adds_a_customer_inline_or_loses_nothing(client, session):
    login(client, "agent")
    before = session.query(Customer).count()
    resp = client.post("/complaintview/add", data={
        "new_name": "李娜", "new_phone": "not a phone", "channel": "web", "category": "delay",
        "description": "Where is it?"})
    page = resp.get_data(as_text=True)
    assert 'data-field="new_phone">is not a valid phone number' in page
    assert "Where is it?" in page and session.query(Customer).count() == before
    resp = client.post("/complaintview/add", data={
        "new_name": "李娜", "new_phone": "13912345678", "channel": "web", "category": "delay",
        "description": "Where is it?"})
    assert resp.status_code == 302
    customer = session.query(Customer).filter_by(name_hash=name_index("李娜")).one()
    assert customer.complaints.one().description == "Where is it?"


def test_registration_routed_elsewhere_says_where(client, session, customer_id):
    login(client, "agent")  # Logistics Delivery
    resp = client.post("/complaintview/add", data={
        "customer": str(customer_id), "channel": "web", "category": "privacy",
        "description": "My address was shown to strangers"})
    assert resp.status_code == 200
    complaint = session.query(Complaint).filter_by(category="privacy").one()
    page = resp.get_data(as_text=True)
    assert complaint.number in page and "Legal &amp; Compliance" in page


def test_lead_bulk_reassigns_from_the_team_queue(client, session, customer_id):
    _manual_logistics(session)
    ids = [register_complaint(session, {"customer": customer_id, "channel": "web",
                                        "category": "delay", "description": f"late {i}"}).id
           for i in range(3)]
    agent2 = _user(session, "agent2")
    login(client, "lead")
    page = client.get("/work/team").get_data(as_text=True)
    assert 'id="member-load"' in page and 'id="bulk-assign"' in page
    form = {"action": "assign", "user": str(agent2.id), "complaint": [str(i) for i in ids[:2]]}
    for i in ids:
        form[f"version_{i}"] = str(session.get(Complaint, i).version)
    client.post("/work/team/bulk", data=form)
    session.expire_all()
    assert [session.get(Complaint, i).assignee_id for i in ids] == [agent2.id, agent2.id, None]

    client.get("/logout/")
    login(client, "agent")
    page = client.get("/work/team").get_data(as_text=True)
    assert 'id="bulk-assign"' not in page  # agents claim, leads reassign
    form = {"action": "assign", "user": str(agent2.id), "complaint": [str(ids[2])],
            f"version_{ids[2]}": str(session.get(Complaint, ids[2]).version)}
    page = client.post("/work/team/bulk", data=form, follow_redirects=True).get_data(as_text=True)
    assert "only the team&#39;s lead can assign" in page
    session.expire_all()
    assert session.get(Complaint, ids[2]).assignee_id is None


def test_queue_shows_labels_and_each_count_once(client, session, customer_id):
    _manual_logistics(session)
    register_complaint(session, {"customer": customer_id, "channel": "web", "category": "delay",
                                 "description": "The parcel has not moved for a week"})
    login(client, "agent")
    html = client.get("/work/team").get_data(as_text=True)
    text = visible_text(html)
    assert "张*" in text and "张伟" not in text  # the name masked
    assert "The parcel has not moved for a week" in text
    assert "Delay" in text and " delay " not in text and "New" in text
    assert html.count('class="badge"') == 5  # one per tab; the menu script skips the tabs


def test_evidence_is_downloaded_only_by_those_who_may_see_it(client, session, customer_id):
    import io

    c = _worked(session, customer_id)
    login(client, "agent")
    client.post(f"/complaintview/act/{c.id}/attach", data={
        "version": str(c.version), "file": (io.BytesIO(b"proof"), "proof.txt")},
        content_type="multipart/form-data")
    attachment = session.get(Complaint, c.id).attachments[0]
    url = f"/complaintview/show/{c.id}/evidence/{attachment.id}"
    assert url in client.get(f"/complaintview/show/{c.id}").get_data(as_text=True)
    assert client.get(url).data == b"proof"
    client.get("/logout/")
    login(client, "claims_agent")
    assert client.get(url).status_code == 404


def test_reply_templates_fill_in_the_complaint(client, session, customer_id):
    c = _worked(session, customer_id)
    login(client, "agent")
    client.get("/lang/zh")
    html = client.get(f"/complaintview/show/{c.id}").get_data(as_text=True)
    assert 'id="reply-template"' in html
    # the delay template in Chinese first, with the customer's name (masked) and the
    # waybill filled in
    assert "张*您好，关于运单 PD7001" in html
    assert "{customer}" not in html and "{waybill_no}" not in html
    # admins edit them; agents may not
    assert client.get("/replytemplateview/list/").status_code in (302, 403)
    client.get("/logout/")
    login(client, "admin")
    resp = client.post("/replytemplateview/add", data={
        "title": "Fee refund", "category": "fee_dispute", "language": "en",
        "body": "Dear {customer}, we refund the fee for {number}.", "active": "y"},
        follow_redirects=True)
    assert resp.status_code == 200
    from app.models import ReplyTemplate

    assert session.query(ReplyTemplate).filter_by(title="Fee refund").one().category == "fee_dispute"
