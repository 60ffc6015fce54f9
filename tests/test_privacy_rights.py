"""The person's data: masked for staff, revealed with a reason to those who may, exported,
erased on request or after the retention period; every access logged."""

from datetime import timedelta

import pytest

from app.models import AccessLog, Complaint, Customer, RuleSetVersion, Team
from app.services.access import actor_for
from app.services.intake import register_complaint
from app.services.lifecycle import perform
from app.services.privacy.rights import run_retention
from app.timeutil import utcnow
from tests.test_pages import login

PHONE, ID_NUMBER, EMAIL = "13912345678", "110101199003071234", "li.na@example.com"
TEXT = f"包裹破损，请回电{PHONE}，身份证{ID_NUMBER}"


@pytest.fixture
def person(session):
    customer = Customer(name="李娜", kind="person", phone=PHONE, email=EMAIL,
                        address="浙江省杭州市西湖区文三路100号", province="330000",
                        city="Hangzhou")
    session.add(customer)
    session.commit()
    return customer


def _people(app, session, *names):
    sm = app.appbuilder.sm
    return {n: actor_for(session, sm.find_user(username=n)) for n in names}


@pytest.fixture
def complaint(session, person):
    team = session.query(Team).filter_by(name="Logistics Delivery").one()
    team.assignment_method = "manual"  # unassigned: the agent claims it
    c = register_complaint(session, {"customer": person.id, "channel": "phone",
                                     "category": "delay", "description": TEXT,
                                     "team": team.id, "level": 2, "waybill_no": "PD9001"})
    session.commit()
    return c


def _close(app, session, c, now=None, steps=7):
    """Work the complaint to closed (or its first `steps` actions), typing the customer's
    phone and ID numbers into a reply and a note."""
    people = _people(app, session, "agent", "callback_agent", "lead")
    agent = people["agent"]
    for action, body, who in (
            ("claim", {}, agent),
            ("respond", {"message": f"我们会致电{PHONE}"}, agent),
            ("note", {"text": f"客户身份证{ID_NUMBER}"}, agent),
            ("propose_resolution", {"kind": "apology", "text": "Sorry"}, agent),
            ("resolve", {}, agent),
            ("callback", {"reached": True, "satisfaction": 5}, people["callback_agent"]),
            ("close", {}, agent))[:steps]:
        c = perform(session, c.id, action, {"version": c.version, **body}, who, now=now)
    return c


def _everything_shown(client, as_user, c, user="admin") -> str:
    """What staff can see of the customer and complaint: API, pages, search."""
    h = as_user(user)
    parts = [client.get(f"/api/v1/customers/{c.customer_id}", headers=h).get_data(as_text=True),
             client.get("/api/v1/customers/", headers=h).get_data(as_text=True),
             client.get(f"/api/v1/complaints/{c.id}", headers=h).get_data(as_text=True),
             client.get("/api/v1/complaints/", headers=h).get_data(as_text=True),
             client.get(f"/api/v1/complaints/{c.id}/events", headers=h).get_data(as_text=True),
             client.get("/api/v1/queue/?view=team", headers=h).get_data(as_text=True)]
    login(client, user)
    for url in (f"/complaintview/show/{c.id}", f"/customerview/show/{c.customer_id}",
                "/customerview/list/", "/complaintview/list/", "/work/team",
                "/complaintview/customers?q=PD9001", f"/complaintview/customers?q={PHONE}"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        parts.append(resp.get_data(as_text=True))
    client.get("/logout/")
    return "\n".join(parts)


def _full_values_in(text: str) -> list[str]:
    return [v for v in ("李娜", PHONE, EMAIL, ID_NUMBER, "文三路", "li.na@") if v in text]


def test_an_agent_sees_only_masked_values(client, as_user, app, session, complaint):
    _close(app, session, complaint, steps=3)  # a reply and a note with the numbers
    shown = _everything_shown(client, as_user, complaint, user="agent")
    assert _full_values_in(shown) == []
    assert "李*" in shown and "139****5678" in shown and "110101********1234" in shown
    assert "l***@example.com" in shown and "浙江省杭州市西湖区…" in shown


def test_customers_are_listed_only_to_those_who_see_one_of_their_complaints(
        client, as_user, complaint, person, session):
    lonely = Customer(name="孙丽", kind="person", phone="13700000000")
    session.add(lonely)
    session.commit()

    def ids(user):
        resp = client.get("/api/v1/customers/", headers=as_user(user))
        assert resp.status_code == 200
        return {row["id"] for row in resp.get_json()["result"]}

    assert ids("agent") == {person.id}
    assert ids("finance_agent") == set()
    assert {person.id, lonely.id} <= ids("auditor")
    assert client.get(f"/api/v1/customers/{person.id}",
                      headers=as_user("finance_agent")).status_code == 404


@pytest.mark.parametrize("user, status", [
    ("agent", 200), ("lead", 200), ("admin", 200),
    ("finance_agent", 404),  # no complaint of theirs visible: not even their existence
    ("auditor", 403), ("editor", 403),
])
def test_reveal_per_role_is_logged_with_the_reason(client, as_user, complaint, person, session,
                                                   user, status):
    resp = client.post(f"/api/v1/customers/{person.id}/reveal", headers=as_user(user),
                       json={"reason": "Calling the customer back"})
    assert resp.status_code == status, resp.get_json()
    logged = session.query(AccessLog).filter_by(action="reveal").all()
    if status != 200:
        assert logged == []
        return
    assert resp.get_json()["result"] == {"id": person.id, "name": "李娜", "phone": PHONE,
                                         "email": EMAIL, "address": "浙江省杭州市西湖区文三路100号"}
    assert [(r.actor_name, r.customer_id, r.reason, r.fields) for r in logged] == [
        (user, person.id, "Calling the customer back", "name,phone,email,address")]
    assert logged[0].address and logged[0].at is not None


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": 5}, None])
def test_reveal_without_a_reason_is_refused_naming_it(client, as_user, complaint, person,
                                                      session, body):
    resp = client.post(f"/api/v1/customers/{person.id}/reveal", headers=as_user("agent"),
                       json=body)
    assert resp.status_code == 400
    assert resp.get_json()["field"] == "reason"
    assert session.query(AccessLog).count() == 0


def test_reveal_button_only_for_those_who_may(client, complaint, person):
    for user, shown in (("agent", True), ("auditor", False)):
        login(client, user)
        for url in (f"/customerview/show/{person.id}", f"/complaintview/show/{complaint.id}"):
            html = client.get(url).get_data(as_text=True)
            assert ("pd-reveal" in html) is shown, (user, url)
        client.get("/logout/")


def test_export_holds_everything_and_is_logged(client, as_user, app, session, complaint,
                                               person):
    url = f"/api/v1/customers/{person.id}/export"
    assert client.get(url, headers=as_user("admin")).status_code == 400  # no reason
    assert client.get(url + "?reason=x", headers=as_user("agent")).status_code == 403
    assert session.query(AccessLog).count() == 0
    _close(app, session, complaint)
    resp = client.get(url, headers={**as_user("admin"), "X-Reason": "Request of 2026-11-20"})
    assert resp.status_code == 200, resp.get_json()
    doc = resp.get_json()["result"]
    assert doc["customer"]["phone"] == PHONE and doc["customer"]["email"] == EMAIL
    [c] = doc["complaints"]
    assert c["number"] == complaint.number and c["description"] == TEXT
    kinds = [e["kind"] for e in c["events"]]
    assert "respond" in kinds and "close" in kinds
    assert any(PHONE in (e["details"] or {}).get("message", "") for e in c["events"])
    assert isinstance(c["surveys"], list)
    [log] = session.query(AccessLog).all()
    assert (log.action, log.actor_name, log.reason) == ("export", "admin",
                                                       "Request of 2026-11-20")


def _kpis(client, as_user):
    today = utcnow().date()
    resp = client.get(f"/api/v1/reports/kpis?from={today - timedelta(days=1)}&to={today}"
                      "&group_by=category", headers=as_user("admin"))
    assert resp.status_code == 200
    body = resp.get_json()
    return body["kpis"], body["groups"]


def test_erasure_removes_the_data_everywhere_and_keeps_the_figures(client, as_user, app,
                                                                   session, complaint, person):
    url = f"/api/v1/customers/{person.id}/erase"
    # refused while the complaint is open, with the reason; nothing changes
    resp = client.post(url, headers=as_user("admin"), json={"reason": "Customer asked"})
    assert resp.status_code == 409 and complaint.number in resp.get_json()["message"]
    assert session.get(Customer, person.id).phone == PHONE
    _close(app, session, complaint)
    assert client.post(url, headers=as_user("lead"), json={"reason": "x"}).status_code == 403
    assert client.post(url, headers=as_user("admin"), json={}).status_code == 400
    before = _kpis(client, as_user)
    resp = client.post(url, headers=as_user("admin"), json={"reason": "Customer asked"})
    assert resp.status_code == 200, resp.get_json()
    session.expire_all()
    assert _kpis(client, as_user) == before
    shown = _everything_shown(client, as_user, complaint, user="admin")
    assert _full_values_in(shown) == []
    assert "(erased)" in shown
    export = client.get(f"/api/v1/customers/{person.id}/export?reason=check",
                        headers=as_user("admin")).get_data(as_text=True)
    assert _full_values_in(export) == []
    revealed = client.post(f"/api/v1/customers/{person.id}/reveal", headers=as_user("admin"),
                           json={"reason": "check"}).get_json()["result"]
    assert revealed["name"] == "(erased)" and revealed["phone"] == ""
    assert session.get(Customer, person.id).erased_at is not None
    c = session.get(Complaint, complaint.id)
    assert (c.category, c.status, c.received_at, c.closed_at) == (
        complaint.category, "closed", complaint.received_at, complaint.closed_at)
    assert [r.action for r in session.query(AccessLog).order_by(AccessLog.id)] == [
        "erase", "export", "reveal"]


def test_erased_marker_is_translated(client, app, session, complaint, person):
    _close(app, session, complaint)
    from app.services.privacy.rights import erase

    erase(session, person.id, _people(app, session, "admin")["admin"], "asked")
    login(client, "admin")
    client.get("/lang/zh")
    html = client.get(f"/complaintview/show/{complaint.id}").get_data(as_text=True)
    assert "（已删除）" in html


def test_deleting_a_customer_with_complaints_is_refused_with_advice(client, as_user, session,
                                                                    complaint, person):
    resp = client.delete(f"/api/v1/customers/{person.id}", headers=as_user("admin"))
    assert resp.status_code == 409
    message = resp.get_json()["message"]
    assert "erase" in message and "SQL" not in message and "FOREIGN" not in message.upper()
    login(client, "admin")
    page = client.post(f"/customerview/delete/{person.id}", follow_redirects=True)
    assert "erase their personal data instead" in page.get_data(as_text=True)
    assert session.get(Customer, person.id) is not None


def test_retention_dry_run_lists_and_the_run_erases(app, session, complaint, person):
    old = utcnow() - timedelta(days=4 * 365)
    _close(app, session, complaint, now=old + timedelta(hours=5))
    recent = Customer(name="周杰", kind="person", phone="13600000000")
    session.add(recent)
    session.commit()
    runner = app.test_cli_runner()
    out = runner.invoke(args=["pii", "retention", "--dry-run"])
    assert out.exit_code == 0, out.output
    assert f"customer {person.id}:" in out.output and f"customer {recent.id}:" not in out.output
    assert session.get(Customer, person.id).phone == PHONE
    assert session.query(AccessLog).count() == 0
    out = runner.invoke(args=["pii", "retention"])
    assert out.exit_code == 0 and "1 customers erased" in out.output, out.output
    session.expire_all()
    assert session.get(Customer, person.id).name == "(erased)"
    assert session.get(Customer, recent.id).phone == "13600000000"
    [log] = session.query(AccessLog).all()
    assert (log.actor_name, log.actor_id, log.action) == ("system", None, "erase")
    # a second run finds nobody
    assert run_retention(session)["customers"] == []


def test_retention_period_is_a_policy_parameter(app, session, complaint, person):
    _close(app, session, complaint, now=utcnow() - timedelta(days=100))
    assert run_retention(session, dry_run=True)["customers"] == []
    from app.policy import store

    sla = session.query(RuleSetVersion).filter_by(kind="sla").order_by(
        RuleSetVersion.version.desc()).first()
    store.publish(session, "sla", sla.rules, comment="shorter retention",
                  parameters={**sla.parameters, "retention_days": 90})
    result = run_retention(session)
    assert result["customers"] == [person.id] and result["days"] == 90
    from app.jobs.runs import JOBS

    assert "retention" in JOBS


def test_personal_fields_cannot_be_probed_by_filters(client, as_user, complaint, person):
    q = f"(filters:!((col:phone,opr:eq,value:'{PHONE}')))"
    resp = client.get(f"/api/v1/customers/?q={q}", headers=as_user("agent"))
    assert resp.status_code == 400


def test_staff_notices_carry_masked_numbers_and_customer_mails_their_own(session, complaint):
    from app.jobs.notify import queue_notice
    from app.models import Notification

    queue_notice(session, "ops@example.com", "New complaint: {description}",
                 {"description": TEXT}, complaint=complaint)
    session.commit()
    # the outbox is sealed: find the row in Python, not by SQL on the recipient
    staff = next(n for n in session.query(Notification) if n.recipient == "ops@example.com")
    assert PHONE not in staff.body and ID_NUMBER not in staff.body
    assert "139****5678" in staff.body


def test_the_admins_edit_form_shows_the_data_in_full_and_is_logged_as_a_reveal(
        client, session, person):
    login(client, "agent")
    refused = client.get(f"/customerview/edit/{person.id}")
    assert refused.status_code == 302 and PHONE not in refused.get_data(as_text=True)
    assert session.query(AccessLog).count() == 0
    admin = client.application.test_client()
    login(admin, "admin")
    form = admin.get(f"/customerview/edit/{person.id}").get_data(as_text=True)
    assert PHONE in form and EMAIL in form
    row = session.query(AccessLog).one()
    assert (row.action, row.customer_id, row.actor_name, row.fields) == (
        "reveal", person.id, "admin", "name,phone,email,address")
    assert "edit form" in row.reason
