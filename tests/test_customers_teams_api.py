"""Customers and teams over REST: valid rows are saved, invalid ones named and refused."""

import pytest

from app.models import Customer, Team


def test_create_customer(client, as_user, session):
    resp = client.post("/api/v1/customers/", headers=as_user("agent"), json={
        "name": "杭州贸易有限公司", "kind": "company", "phone": "0571-88886666",
        "email": "ops@hz-trade.cn", "province": "Zhejiang", "city": "Hangzhou", "tier": "key",
    })
    assert resp.status_code == 201, resp.get_json()
    assert session.get(Customer, resp.get_json()["id"]).tier == "key"


@pytest.mark.parametrize("field, value", [
    ("kind", "robot"), ("tier", "gold"), ("email", "not-an-email"), ("phone", "call me"),
    ("name", ""),
])
def test_invalid_customer_names_the_field(client, as_user, session, field, value):
    before = session.query(Customer).count()
    payload = {"name": "Li", "kind": "person", "tier": "ordinary", field: value}
    resp = client.post("/api/v1/customers/", headers=as_user("agent"), json=payload)
    assert resp.status_code in (400, 422)
    assert field in resp.get_json()["message"], resp.get_json()
    assert session.query(Customer).count() == before


def test_admin_creates_team_with_members(client, as_user, app):
    sm = app.appbuilder.sm
    agent, lead = sm.find_user(username="agent"), sm.find_user(username="lead")
    resp = client.post("/api/v1/teams/", headers=as_user("admin"), json={
        "name": "Cold Chain Desk", "description": "Cold-chain parcels", "lead": lead.id,
        "members": [agent.id, lead.id], "assignment_method": "least_loaded", "active": True,
    })
    assert resp.status_code == 201, resp.get_json()
    got = client.get(f"/api/v1/teams/{resp.get_json()['id']}",
                     headers=as_user("auditor")).get_json()["result"]
    assert got["lead"]["username"] == "lead"
    assert sorted(m["username"] for m in got["members"]) == ["agent", "lead"]


def test_team_with_unknown_method_or_duplicate_name_is_refused(client, as_user, session):
    headers = as_user("admin")
    bad = client.post("/api/v1/teams/", headers=headers,
                      json={"name": "X", "assignment_method": "lottery"})
    assert bad.status_code == 422 and "assignment_method" in bad.get_json()["message"]
    dup = client.post("/api/v1/teams/", headers=headers, json={"name": "Finance"})
    assert dup.status_code == 409 and dup.get_json()["field"] == "name"
    assert session.query(Team).filter_by(name="Finance").count() == 1


def test_default_teams_exist(session):
    names = {t.name for t in session.query(Team)}
    assert {"Intake & Triage", "Logistics Delivery", "Claims & Compensation",
            "Customer Service Centre", "Finance", "Legal & Compliance",
            "Emergency Response"} <= names


def test_team_calendar_is_set_and_checked_over_the_api(client, as_user, session):
    headers = as_user("admin")
    finance = session.query(Team).filter_by(name="Finance").one()
    good = {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "18:00",
            "holidays": ["2026-10-01"]}
    resp = client.put(f"/api/v1/teams/{finance.id}", headers=headers, json={"calendar": good})
    assert resp.status_code == 200, resp.get_json()
    session.expire_all()
    assert session.get(Team, finance.id).calendar["start"] == "09:00"
    bad = client.put(f"/api/v1/teams/{finance.id}", headers=headers,
                     json={"calendar": {"days": [9], "start": "09:00", "end": "18:00"}})
    assert bad.status_code == 422 and "calendar" in bad.get_json()["message"]
    session.expire_all()
    assert session.get(Team, finance.id).calendar["days"] == [0, 1, 2, 3, 4]
