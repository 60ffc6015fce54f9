"""Roles decide who reads and who writes, on pages and APIs alike."""

import pytest

from app.security import ROLES


def test_roles_exist_with_their_users(session, app):
    sm = app.appbuilder.sm
    for role in ROLES:
        assert sm.find_role(role) is not None, role
    assert sm.find_user(username="agent").roles[0].name == "Agent"
    assert sm.find_user(username="auditor").roles[0].name == "Auditor"


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/complaints/").status_code == 401


def test_wrong_password_is_refused(client):
    resp = client.post("/api/v1/security/login",
                       json={"username": "agent", "password": "nope", "provider": "db"})
    assert resp.status_code == 401


@pytest.mark.parametrize("user, method, url, allowed", [
    ("auditor", "get", "/api/v1/complaints/", True),
    ("auditor", "post", "/api/v1/complaints/", False),
    ("auditor", "post", "/api/v1/customers/", False),
    ("agent", "post", "/api/v1/teams/", False),
    ("agent", "get", "/api/v1/teams/", True),
    ("editor", "post", "/api/v1/customers/", False),
    ("lead", "post", "/api/v1/rulesets/routing/versions", False),
    ("agent", "get", "/api/v1/security/users/", False),
    ("admin", "get", "/api/v1/security/users/", True),
    ("admin", "get", "/api/v1/security/roles/", True),
])
def test_permissions(client, as_user, user, method, url, allowed):
    resp = getattr(client, method)(url, headers=as_user(user), json={})
    if allowed:
        assert resp.status_code == 200, resp.get_json()
    else:
        assert resp.status_code == 403, resp.get_json()


def test_admin_manages_users_over_http(client, as_user):
    headers = as_user("admin")
    roles = client.get("/api/v1/security/roles/", headers=headers).get_json()["result"]
    agent_role = next(r["id"] for r in roles if r["name"] == "Agent")
    resp = client.post("/api/v1/security/users/", headers=headers, json={
        "username": "newagent", "first_name": "New", "last_name": "Agent",
        "email": "new@parceldesk.local", "password": "pw-123456", "active": True,
        "roles": [agent_role],
    })
    assert resp.status_code == 201, resp.get_json()
    login = client.post("/api/v1/security/login",
                        json={"username": "newagent", "password": "pw-123456", "provider": "db"})
    assert login.status_code == 200


def test_openapi_spec_is_served(client, as_user):
    resp = client.get("/api/v1/_openapi", headers=as_user("admin"))
    assert resp.status_code == 200
    paths = resp.get_json()["paths"]
    for resource in ("complaints", "customers", "teams"):
        assert f"/api/v1/{resource}/" in paths
