"""Sign-in limits: wrong passwords lock a user name, or an address, for a while, on the
page and the API alike; every attempt is recorded for the admin."""

from datetime import timedelta

from sqlalchemy import select

from app.models import SignInAttempt
from tests.conftest import PASSWORD
from tests.test_error_language import fresh_locale

LOCKED_TEXT = "Too many failed sign-ins"


def api_login(app, username, password, address="10.0.0.1", query=""):
    return app.test_client().post(f"/api/v1/security/login{query}",
                                  json={"username": username, "password": password,
                                        "provider": "db"},
                                  environ_base={"REMOTE_ADDR": address})


def page_login(client, username, password, address="10.0.0.1"):
    return client.post("/login/", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}, follow_redirects=True)


def fail(app, username, times, address="10.0.0.1"):
    for _ in range(times):
        assert api_login(app, username, "wrong", address).status_code == 401


def attempts(session, **where):
    session.expire_all()
    rows = session.execute(select(SignInAttempt).filter_by(**where)
                           .order_by(SignInAttempt.id)).scalars()
    return [(r.username, r.address, r.via, r.outcome) for r in rows]


def test_api_locks_a_user_after_repeated_failures(app, session):
    fail(app, "agent", 5)
    resp = api_login(app, "agent", PASSWORD)
    assert resp.status_code == 429
    assert LOCKED_TEXT in resp.get_json()["message"]
    assert 890 <= int(resp.headers["Retry-After"]) <= 900
    assert resp.get_json()["retry_after"] == int(resp.headers["Retry-After"])
    # the name is locked from any address; other users from this address still work
    assert api_login(app, "agent", PASSWORD, address="10.0.0.2").status_code == 429
    assert api_login(app, "lead", PASSWORD).status_code == 200
    assert attempts(session, username="agent") == (
        [("agent", "10.0.0.1", "api", "failure")] * 5
        + [("agent", "10.0.0.1", "api", "locked"), ("agent", "10.0.0.2", "api", "locked")])
    assert attempts(session, username="lead") == [("lead", "10.0.0.1", "api", "success")]


def test_api_lockout_message_follows_the_language(app):
    fail(app, "agent", 5)
    fresh_locale()
    resp = api_login(app, "agent", PASSWORD, query="?_l_=zh")
    assert resp.status_code == 429
    assert "登录失败次数过多" in resp.get_json()["message"]


def test_an_address_guessing_many_names_is_locked_for_everyone_there(app):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 8  # 20 by default
    for i in range(8):
        assert api_login(app, f"guess{i}", "wrong", address="10.0.0.3").status_code == 401
    assert api_login(app, "agent", PASSWORD, address="10.0.0.3").status_code == 429
    assert api_login(app, "agent", PASSWORD, address="10.0.0.4").status_code == 200


def test_the_email_address_counts_for_the_same_user(app, session):
    from app.extensions import db

    email = app.appbuilder.sm.find_user(username="agent").email
    fail(app, "agent", 3)
    fail(app, email, 2)
    assert api_login(app, "agent", PASSWORD).status_code == 429
    assert {row[0] for row in attempts(db.session)} == {"agent"}


def test_a_success_starts_the_user_count_again(app):
    fail(app, "agent", 4)
    assert api_login(app, "agent", PASSWORD).status_code == 200
    fail(app, "agent", 4)
    assert api_login(app, "agent", PASSWORD).status_code == 200


def test_the_lockout_ends_after_the_lockout_time(app, session):
    fail(app, "agent", 5)
    assert api_login(app, "agent", PASSWORD).status_code == 429
    for row in session.execute(select(SignInAttempt)).scalars():
        row.at -= timedelta(seconds=901)
    session.commit()
    assert api_login(app, "agent", PASSWORD).status_code == 200


def test_limits_come_from_the_settings(app):
    app.config.update(LOGIN_MAX_FAILURES=2, LOGIN_LOCKOUT_SECONDS=60)
    fail(app, "agent", 2)
    resp = api_login(app, "agent", PASSWORD)
    assert resp.status_code == 429
    assert 50 <= int(resp.headers["Retry-After"]) <= 60


def test_page_locks_a_user_with_a_message_and_the_right_password_fails(app, client, session):
    for _ in range(5):
        assert "Invalid login" in page_login(client, "agent", "wrong").get_data(as_text=True)
    page = page_login(client, "agent", PASSWORD).get_data(as_text=True)
    assert LOCKED_TEXT in page and "15 minute(s)" in page
    assert client.get("/complaintview/list/").status_code in (302, 401, 403)
    other = app.test_client()
    assert page_login(other, "lead", PASSWORD).status_code == 200
    assert other.get("/complaintview/list/").status_code == 200
    assert attempts(session, username="agent")[-1] == ("agent", "10.0.0.1", "page", "locked")


def test_page_lockout_message_is_in_the_users_language(app, client):
    fail(app, "agent", 5)
    client.get("/lang/zh")
    fresh_locale()
    page = page_login(client, "agent", PASSWORD).get_data(as_text=True)
    assert "登录失败次数过多" in page


def test_admin_reads_the_sign_in_log_and_others_cannot(app, client):
    fail(app, "agent", 1, address="10.9.8.7")
    page_login(client, "admin", PASSWORD)
    page = client.get("/signinattemptview/list/").get_data(as_text=True)
    assert "10.9.8.7" in page and "Wrong name or password" in page and "Signed in" in page
    agent = app.test_client()
    page_login(agent, "lead", PASSWORD)
    assert agent.get("/signinattemptview/list/").status_code in (302, 403)


def test_the_api_spec_documents_the_lockout(client, as_user):
    spec = client.get("/api/v1/_openapi", headers=as_user("admin")).get_json()
    responses = spec["paths"]["/api/v1/security/login"]["post"]["responses"]
    assert {"200", "401", "429"} <= set(responses)
    assert "Retry-After" in responses["429"]["headers"]
