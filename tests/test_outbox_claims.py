"""Several outbox senders at once send every message exactly once; a sender killed after
claiming leaves its messages to the others once its lease has run out."""

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from app.models import Notification
from app.services.mail import claim_due, deliver_due, lease_for
from app.timeutil import utcnow
from tests.test_mail_and_survey import free_port

MESSAGES = 30


class SlowInbox:
    """Records every recipient; a little slow, so that senders overlap."""

    def __init__(self):
        self.recipients = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        import asyncio

        await asyncio.sleep(0.02)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp(app):
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    yield inbox
    controller.stop()


@pytest.fixture
def outbox(session):
    now = utcnow()
    for n in range(MESSAGES):
        session.add(Notification(channel="email", recipient=f"c{n}@example.cn", subject="s",
                                 body="b", status="pending", next_attempt_at=now))
    session.commit()
    return sorted(f"c{n}@example.cn" for n in range(MESSAGES))


def _statuses(session):
    session.expire_all()
    return sorted(n.status for n in session.query(Notification))


def test_two_senders_at_once_send_each_message_once(app, session, smtp, outbox):
    from app.extensions import db

    results = []

    def sender():
        with app.app_context():
            try:
                results.append(deliver_due(db.session, app.config))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(smtp.recipients) == outbox  # each exactly once
    assert sum(r["sent"] for r in results) == MESSAGES
    assert all(r["sent"] > 0 for r in results), results  # both took part
    assert _statuses(session) == ["sent"] * MESSAGES


def test_claimed_messages_are_not_taken_by_another_sender_before_the_lease_ends(
        app, session, outbox):
    claimed = claim_due(session, app.config, "first", limit=5)
    assert len(claimed) == 5
    assert {n.status for n in claimed} == {"sending"}
    others = claim_due(session, app.config, "second", limit=MESSAGES)
    assert len(others) == MESSAGES - 5
    assert not {n.id for n in claimed} & {n.id for n in others}
    later = utcnow() + lease_for(app.config) + timedelta(seconds=1)
    assert claim_due(session, app.config, "third", now=later, limit=MESSAGES)  # expired leases


KILLED_SENDER = """
import sys, time
from app import create_app
from app.extensions import db
from app.services import mail

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "INSTANCE_PATH": sys.argv[2],
                  "SECRET_KEY": "x" * 40, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": int(sys.argv[3]),
                  "SCHEDULER_ENABLED": False})
real_send, sent = mail.send_email, []

def send_two_then_hang(*args, **kwargs):
    if len(sent) == 2:
        print("hanging", flush=True)
        time.sleep(600)
    real_send(*args, **kwargs)
    sent.append(args)

mail.send_email = send_two_then_hang
with app.app_context():
    mail.deliver_due(db.session, app.config)
"""


def test_a_sender_killed_mid_way_leaves_the_rest_to_the_next_one(
        app, session, smtp, outbox, database_uri, tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_SENDER, database_uri, str(tmp_path / "k"),
         str(app.config["SMTP_PORT"])],
        cwd=os.path.dirname(os.path.dirname(__file__)), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "hanging", line + proc.stdout.read() if proc.poll() else line
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert len(smtp.recipients) == 2
    # the dead sender's claimed batch waits for its lease; everything else goes now
    first = deliver_due(session, app.config)
    claimed_by_dead = MESSAGES - 2 - first["sent"]
    assert claimed_by_dead > 0 and _statuses(session).count("sending") == claimed_by_dead
    later = utcnow() + lease_for(app.config) + timedelta(seconds=1)
    second = deliver_due(session, app.config, now=later)
    assert second["sent"] == claimed_by_dead
    assert sorted(smtp.recipients) == outbox  # none twice, none lost
    assert _statuses(session) == ["sent"] * MESSAGES
