"""Reading the audit trail and the access log: who may, filters, bad filters, CSV, pages."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditRecord, Customer
from app.services.access import Actor
from app.services.privacy.access_log import record_access
from app.timeutil import to_office, utcnow
from tests.test_pages import login


@pytest.fixture
def history(client, as_user, session, customer_id):
    """A customer changed by the admin over the API, another by an agent; two accesses."""
    admin, agent = as_user("admin"), as_user("agent")
    assert client.put(f"/api/v1/customers/{customer_id}", headers=admin,
                      json={"city": "Ningbo"}).status_code == 200
    resp = client.post("/api/v1/customers/", headers=agent, json={
        "name": "李娜", "kind": "person", "phone": "13911112222", "province": "330000"})
    assert resp.status_code == 201, resp.get_json()
    other = resp.get_json()["id"]
    for cid, who in ((customer_id, "lead"), (other, "admin")):
        record_access(session, actor=Actor(id=None, username=who), action="reveal",
                      customer_id=cid, fields=["phone", "address"], reason="callback requested")
    session.commit()
    return {"changed": customer_id, "created": other}


def test_filters_by_entity_id_actor_and_period(client, as_user, history):
    auditor = as_user("auditor")
    body = client.get(f"/api/v1/audit/?entity=customer&entity_id={history['changed']}",
                      headers=auditor).get_json()
    assert [(r["action"], r["actor"]) for r in body["result"]] == [
        ("update", "admin"), ("create", "system")]  # newest first; the fixture's own insert
    assert body["result"][0]["changes"] == {"city": ["Hangzhou", "Ningbo"]}
    by_agent = client.get("/api/v1/audit/?actor=agent&entity=customer", headers=auditor)
    assert [r["entity_id"] for r in by_agent.get_json()["result"]] == [str(history["created"])]
    assert by_agent.get_json()["result"][0]["changes"]["phone"] == [None, "139****2222"]
    today = to_office(utcnow()).date()
    same_day = client.get(f"/api/v1/audit/?entity=customer&from={today}&to={today}",
                          headers=auditor).get_json()
    assert same_day["count"] == 3
    later = today + timedelta(days=1)
    assert client.get(f"/api/v1/audit/?from={later}", headers=auditor).get_json()["count"] == 0
    access = client.get(f"/api/v1/audit/access/?customer={history['created']}",
                        headers=auditor).get_json()
    assert [(r["actor"], r["fields"], r["reason"]) for r in access["result"]] == [
        ("admin", ["phone", "address"], "callback requested")]


@pytest.mark.parametrize("path, field", [
    ("/api/v1/audit/?entity=parcel", "entity"),
    ("/api/v1/audit/?from=yesterday", "from"),
    ("/api/v1/audit/?to=2026-13-01", "to"),
    ("/api/v1/audit/?from=2026-11-20&to=2026-11-01", "to"),
    ("/api/v1/audit/?page=0", "page"),
    ("/api/v1/audit/?page_size=100000", "page_size"),
    ("/api/v1/audit/?format=xml", "format"),
    ("/api/v1/audit/?actor=" + "x" * 300, "actor"),
    ("/api/v1/audit/access/?customer=abc", "customer"),
    ("/api/v1/audit/access/?customer=-1", "customer"),
    ("/api/v1/audit/access/?action=look", "action"),
])
def test_a_bad_filter_is_refused_naming_the_parameter(client, as_user, path, field):
    resp = client.get(path, headers=as_user("admin"))
    assert resp.status_code == 400
    assert resp.get_json()["field"] == field


@pytest.mark.parametrize("user", ["agent", "lead", "editor"])
def test_other_roles_may_not_read_them(client, as_user, history, user):
    for path in ("/api/v1/audit/", "/api/v1/audit/access/", "/api/v1/audit/?format=csv"):
        assert client.get(path, headers=as_user(user)).status_code == 403
    login(client, user)
    for path in ("/audit/trail", "/audit/access"):
        page = client.get(path)
        assert page.status_code == 302 or b"audit-table" not in page.data


def test_csv_export_of_both(client, as_user, history):
    auditor = as_user("auditor")
    resp = client.get("/api/v1/audit/?format=csv&entity=customer", headers=auditor)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["at", "actor", "address", "entity", "entity_id", "action", "changes"]
    assert {(r[1], r[5]) for r in rows[1:]} == {("admin", "update"), ("agent", "create"),
                                                 ("system", "create")}
    assert any("city: Hangzhou → Ningbo" in r[6] for r in rows[1:])
    assert "13911112222" not in resp.get_data(as_text=True)
    resp = client.get(f"/api/v1/audit/access/?format=csv&customer={history['changed']}",
                      headers=auditor)
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[1] for r in rows[1:]] == ["lead"] and rows[1][6] == "callback requested"


@pytest.mark.parametrize("user", ["auditor", "admin"])
def test_pages_show_words_filter_and_export(client, session, history, user):
    login(client, user)
    page = client.get(f"/audit/trail?entity=customer&entity_id={history['changed']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "audit-table" in html and "City" in html and "Ningbo" in html
    assert "Changed" in html and f"/customerview/show/{history['changed']}" in html
    assert "/policy/grading" in html  # rule-set versions are linked from the page
    admin = client.application.appbuilder.sm.find_user(username="admin")
    assert f"{admin.first_name} {admin.last_name}".strip() in html  # a name, not a login
    csv_page = client.get(f"/audit/trail?entity=customer&entity_id={history['changed']}"
                          "&format=csv")
    assert csv_page.mimetype == "text/csv" and "Ningbo" in csv_page.get_data(as_text=True)
    bad = client.get("/audit/trail?from=someday")
    assert bad.status_code == 200 and "from must be a date" in bad.get_data(as_text=True)
    access = client.get(f"/audit/access?customer={history['created']}")
    text = access.get_data(as_text=True)
    assert "callback requested" in text and "Revealed" in text and "Phone" in text


def test_every_kind_of_value_is_shown_in_words(client, session, customer_id):
    """Lists of codes, structured settings, ids of people and teams, times, yes/no."""
    from app.models import KnowledgeArticle, Team

    team = session.execute(select(Team).where(Team.name == "Logistics Delivery")).scalar_one()
    team.calendar = {"workdays": [1, 2, 3]}
    session.add(KnowledgeArticle(title_en="Cold parcels", body_en="Keep cold.",
                                 categories=["delay", "damage"]))
    session.commit()
    login(client, "auditor")
    page = client.get("/audit/trail")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Delay" in html and "Damage" in html and "<code>" in html


def test_pages_in_chinese(client, history):
    login(client, "auditor")
    client.get("/lang/zh")
    html = client.get("/audit/trail").get_data(as_text=True)
    assert "审计日志" in html and "个人信息访问日志" in html and "对象类型" in html


def test_the_menu_shows_audit_to_auditors_only(client):
    login(client, "auditor")
    assert "/audit/trail" in client.get("/").get_data(as_text=True)
    client.get("/logout/")
    login(client, "agent")
    assert "/audit/trail" not in client.get("/").get_data(as_text=True)


def test_a_complaint_record_links_to_its_workspace(client, session, as_user, customer_id):
    resp = client.post("/api/v1/complaints/", headers=as_user("agent"), json={
        "customer": customer_id, "channel": "web", "category": "delay", "description": "late"})
    cid = resp.get_json()["id"]
    assert session.execute(select(AuditRecord).where(AuditRecord.entity == "complaint")).first()
    login(client, "auditor")
    html = client.get(f"/audit/trail?entity=complaint&entity_id={cid}").get_data(as_text=True)
    assert f"/complaintview/show/{cid}" in html
    assert session.get(Customer, customer_id) is not None
