"""Every failure is visible: request ids, one log line per request, 5xx with traceback."""

import logging

import pytest

from tests.conftest import PASSWORD


def test_every_response_carries_a_request_id_and_accepts_a_sane_one(client, as_user):
    first = client.get("/api/v1/teams/", headers=as_user("agent"))
    second = client.get("/api/v1/teams/", headers=as_user("agent"))
    assert first.headers["X-Request-ID"] and first.headers["X-Request-ID"] != second.headers[
        "X-Request-ID"]
    page = client.get("/login/")
    assert page.headers["X-Request-ID"]
    given = client.get("/api/v1/teams/", headers={**as_user("agent"),
                                                   "X-Request-ID": "lb-1234abcd-5678"})
    assert given.headers["X-Request-ID"] == "lb-1234abcd-5678"
    for hostile in ("a b<script>alert(1)</script>", "x" * 500, "short"):
        resp = client.get("/api/v1/teams/", headers={"X-Request-ID": hostile})
        assert resp.headers["X-Request-ID"] != hostile


def test_one_line_per_request_with_method_path_status_duration_user(client, as_user, caplog):
    headers = as_user("agent")
    with caplog.at_level(logging.INFO, logger="parceldesk.requests"):
        resp = client.get("/api/v1/queue/?view=mine", headers=headers)
    lines = [r for r in caplog.records if r.name == "parceldesk.requests"
             and "/api/v1/queue/" in r.getMessage()]
    assert len(lines) == 1
    line = lines[0]
    message = line.getMessage()
    assert message.startswith("GET /api/v1/queue/ 200 ") and "ms user=agent" in message
    assert line.request_id == resp.headers["X-Request-ID"]
    assert line.status == 200 and line.duration_ms >= 0


def test_page_requests_are_logged_with_the_signed_in_user(client, caplog):
    client.post("/login/", data={"username": "lead", "password": PASSWORD})
    with caplog.at_level(logging.INFO, logger="parceldesk.requests"):
        client.get("/complaintview/list/")
    messages = [r.getMessage() for r in caplog.records if r.name == "parceldesk.requests"]
    assert messages and messages[-1].startswith("GET /complaintview/list/ 200")
    assert messages[-1].endswith("user=lead")


def test_a_5xx_is_logged_with_its_traceback_and_request_id(app, client, as_user, caplog,
                                                           monkeypatch):
    from app.services import queues

    def broken(*args, **kwargs):
        raise RuntimeError("the queue index is gone")

    monkeypatch.setattr(queues, "counts", broken)
    with caplog.at_level(logging.INFO):
        resp = client.get("/api/v1/queue/counts", headers=as_user("agent"))
    assert resp.status_code == 500
    rid = resp.headers["X-Request-ID"]
    with_traceback = [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]
    assert with_traceback, "the traceback of a 500 reaches the log"
    assert "the queue index is gone" in caplog.text
    assert all(r.request_id == rid for r in with_traceback)
    line = [r for r in caplog.records if r.name == "parceldesk.requests"][-1]
    assert line.levelno == logging.ERROR and " 500 " in line.getMessage()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_migrations_keep_the_application_loggers(app):
    """Alembic's fileConfig() must not disable loggers created before it ran."""
    from flask_migrate import upgrade

    logger = logging.getLogger("flask_appbuilder.api")
    ours = logging.getLogger("parceldesk.requests")
    with app.app_context():
        upgrade()
    assert not logger.disabled and not ours.disabled
