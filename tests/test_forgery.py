"""No forged requests: with CSRF on (as in production), every state change made with a
session cookie needs the token, nothing changes on GET, and Bearer-token API calls are
unaffected."""

import io
import re

import pytest

from app.models import Attachment, Complaint, Team
from app.services.intake import register_complaint
from tests.conftest import PASSWORD


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


def token_of(page: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def sign_in(client, username) -> str:
    """Sign in through the login form; returns the session's CSRF token."""
    form = client.get("/login/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    resp = client.post("/login/", data={"username": username, "password": PASSWORD,
                                        "csrf_token": csrf}, follow_redirects=True)
    assert resp.status_code == 200 and "/logout" in resp.get_data(as_text=True)
    return token_of(client.get("/").get_data(as_text=True))


def logistics_complaint(session, customer_id) -> Complaint:
    session.query(Team).filter_by(name="Logistics Delivery").one().assignment_method = "manual"
    session.commit()
    return register_complaint(session, {"customer": customer_id, "channel": "web",
                                        "category": "delay", "description": "late"})


def assignee(session, cid):
    session.expire_all()
    return session.get(Complaint, cid).assignee_id


def test_list_actions_do_nothing_on_get(client, session, customer_id):
    c = logistics_complaint(session, customer_id)
    sign_in(client, "agent")
    client.get(f"/complaintview/action/claim_selected/{c.id}", follow_redirects=True)
    assert assignee(session, c.id) is None


def test_list_actions_need_the_token(client, session, customer_id):
    c = logistics_complaint(session, customer_id)
    token = sign_in(client, "agent")
    client.post("/complaintview/action_post", data={"action": "claim_selected",
                                                    "rowid": [str(c.id)]})
    client.post(f"/complaintview/action/claim_selected/{c.id}")
    client.post(f"/complaintview/act/{c.id}/claim", data={"version": "1"})
    assert assignee(session, c.id) is None
    page = client.get("/complaintview/list/").get_data(as_text=True)
    form_token = re.search(r'id="action_form".*?name="csrf_token" value="([^"]+)"', page,
                           re.S).group(1)  # the list's action form carries its token
    client.post("/complaintview/action_post", data={
        "action": "claim_selected", "rowid": [str(c.id)], "csrf_token": form_token})
    assert assignee(session, c.id) is not None
    assert token  # the page's meta token is what scripts send


def test_fab_delete_does_nothing_on_get(client, session):
    spare = Team(name="Spare", assignment_method="manual", active=True)
    session.add(spare)
    session.commit()
    sign_in(client, "admin")
    client.get(f"/teamview/delete/{spare.id}", follow_redirects=True)
    client.post(f"/teamview/delete/{spare.id}")  # without the token
    session.expire_all()
    assert session.get(Team, spare.id) is not None


def test_cookie_api_writes_need_the_token_bearer_ones_do_not(client, session, customer_id,
                                                             as_user):
    c = logistics_complaint(session, customer_id)
    token = sign_in(client, "agent")

    def upload(headers=None):
        return client.post(f"/api/v1/complaints/{c.id}/attachments", headers=headers or {},
                           data={"file": (io.BytesIO(b"%PDF-1.4"), "receipt.pdf"),
                                 "version": str(c.version)})

    forged = upload()
    assert forged.status_code == 400 and forged.get_json()["field"] == "csrf_token"
    for resp in (client.post(f"/api/v1/complaints/{c.id}/actions/claim", json={"version": 1}),
                 client.put(f"/api/v1/complaints/{c.id}",
                            json={"version": 1, "description": "forged"}),
                 client.post("/api/v1/complaints/", json={
                     "customer": customer_id, "channel": "web", "category": "delay",
                     "description": "forged"}),
                 client.delete(f"/api/v1/customers/{customer_id}")):
        assert resp.status_code == 400, resp.get_json()
    assert session.query(Attachment).count() == 0 and assignee(session, c.id) is None
    assert session.query(Complaint).count() == 1
    assert client.get(f"/api/v1/complaints/{c.id}").status_code == 200  # reading is fine
    assert upload({"X-CSRFToken": token}).status_code == 201
    bearer = client.application.test_client()  # no cookie, a token: no CSRF needed
    assert bearer.post(f"/api/v1/complaints/{c.id}/actions/claim", headers=as_user("agent"),
                       json={"version": c.version}).status_code == 200


def test_session_cookie_is_samesite_lax_and_secure_in_production(client, monkeypatch):
    resp = client.get("/login/")
    cookie = resp.headers.get("Set-Cookie", "")
    assert "session=" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    from config import load_config

    monkeypatch.setenv("PARCELDESK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv("PII_KEYS", "k1:" + "a" * 43 + "=")
    monkeypatch.setenv("PII_INDEX_KEY", "b" * 43 + "=")
    settings = load_config()
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_pages_give_scripts_the_token(client):
    sign_in(client, "editor")
    page = client.get("/policy/routing").get_data(as_text=True)
    assert token_of(page)
    script = client.get("/static/policy-editor.js").get_data(as_text=True)
    assert "X-CSRFToken" in script


def test_the_customer_survey_needs_no_cookie_token(client, session, customer_id):
    """Authorised by the secret in its address: a customer's mail client has no session."""
    from datetime import timedelta

    from app.models import SurveyToken
    from app.timeutil import utcnow

    c = logistics_complaint(session, customer_id)
    session.add(SurveyToken(token="t" * 32, complaint_id=c.id, created_at=utcnow(),
                            expires_at=utcnow() + timedelta(days=3)))
    session.commit()
    assert client.post(f"/survey/{'t' * 32}", data={"score": "4"}).status_code == 200
    session.expire_all()
    assert session.query(SurveyToken).one().score == 4
