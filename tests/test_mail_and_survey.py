"""Customers hear from us by real SMTP (aiosmtpd on loopback), failures are retried and
recorded, and the tokenised survey takes one answer."""

import email
import email.policy
import socket
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from app.models import Complaint, Notification, SurveyToken, Team
from app.services.access import actor_for
from app.services.intake import register_complaint
from app.services.lifecycle import perform
from app.services.mail import deliver_due
from app.timeutil import utcnow


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = f"Subject: {message['subject']}\n" + message.get_body().get_content()
        self.messages.append((envelope.rcpt_tos, text))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, MAIL_ENABLED=True)
    yield inbox
    controller.stop()


def wait_for(predicate, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def register(session, customer_id):
    return register_complaint(session, {"customer": customer_id, "channel": "email",
                                        "category": "damage", "description": "Broken vase",
                                        "waybill_no": "PD42"})


def test_registration_mail_is_sent_in_the_background(session, customer_id, smtp, app):
    c = register(session, customer_id)
    assert wait_for(lambda: smtp.messages)
    to, content = smtp.messages[0]
    assert to == ["zhang@example.cn"]
    assert c.number in content and "registered" in content
    for thread in app.extensions.get("mail_threads", []):
        thread.join(5)
    session.expire_all()
    assert "email_sent" in [e.kind for e in session.get(Complaint, c.id).events]


def test_failed_send_is_retried_and_recorded_without_blocking(session, customer_id, app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), MAIL_ENABLED=False)
    started = time.time()
    c = register(session, customer_id)
    assert time.time() - started < 5  # the agent is never kept waiting for mail
    first = deliver_due(session, app.config)
    assert first == {"sent": 0, "retrying": 1, "failed": 0}
    note = session.query(Notification).one()
    assert note.status == "pending" and note.attempts == 1 and note.next_attempt_at > utcnow()
    assert deliver_due(session, app.config)["retrying"] == 0  # not due yet
    events = [e for e in session.get(Complaint, c.id).events if e.kind == "email_failed"]
    assert events and events[0].details["will_retry"] is True


def test_retry_succeeds_once_the_server_is_back(session, customer_id, app, smtp):
    app.config["MAIL_ENABLED"] = False
    port = smtp_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()
    register(session, customer_id)
    deliver_due(session, app.config)
    app.config["SMTP_PORT"] = smtp_port
    later = utcnow() + timedelta(minutes=2)
    assert deliver_due(session, app.config, now=later)["sent"] == 1
    assert port and smtp.messages


def _resolve(session, c, app):
    lead = actor_for(session, app.appbuilder.sm.find_user(username="claims_lead"))
    for action, body in (("claim", {}), ("respond", {"message": "hi"}),
                         ("propose_resolution", {"kind": "apology", "text": "sorry"}),
                         ("resolve", {})):
        perform(session, c.id, action, {"version": c.version, **body}, lead)


def test_resolution_mail_carries_a_survey_link_answered_once(session, customer_id, smtp, app,
                                                             client):
    session.query(Team).filter_by(name="Claims & Compensation").one().assignment_method = "manual"
    session.commit()
    c = register(session, customer_id)
    _resolve(session, c, app)
    assert wait_for(lambda: len(smtp.messages) >= 2)
    body = smtp.messages[-1][1]
    token = session.query(SurveyToken).filter_by(complaint_id=c.id).one().token
    assert f"/survey/{token}" in body
    page = client.get(f"/survey/{token}")
    assert page.status_code == 200 and c.number.encode() in page.data
    bad = client.post(f"/survey/{token}", data={"score": "9"})
    assert bad.status_code == 400
    ok = client.post(f"/survey/{token}", data={"score": "4", "comment": "fine"})
    assert ok.status_code == 200 and b"Thank you" in ok.data
    again = client.post(f"/survey/{token}", data={"score": "1"})
    assert again.status_code == 409
    session.expire_all()
    assert session.get(Complaint, c.id).satisfaction == 4
    assert client.get("/survey/not-a-token").status_code == 404


def test_expired_survey(session, customer_id, app, client):
    session.query(Team).filter_by(name="Claims & Compensation").one().assignment_method = "manual"
    session.commit()
    c = register(session, customer_id)
    _resolve(session, c, app)
    row = session.query(SurveyToken).filter_by(complaint_id=c.id).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert client.get(f"/survey/{row.token}").status_code == 410
