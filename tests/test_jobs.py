"""The escalation sweep, early warning, alerts, webhooks and job runs."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app.jobs.escalation import sweep
from app.jobs.runs import run_job
from app.jobs.warnings import run_warnings
from app.models import Alert, Complaint, JobRun, Notification, Team, Webhook
from app.services.intake import register_complaint
from app.services.mail import deliver_due
from app.timeutil import utcnow


def complaint(session, customer_id, **extra):
    data = {"customer": customer_id, "channel": "web", "category": "delay",
            "description": "late", "urgency": 3, **extra}
    return register_complaint(session, data)


def test_sweep_escalates_once_per_stage(session, customer_id):
    c = complaint(session, customer_id)
    span = c.resolution_due_at - c.received_at
    first = sweep(session, now=c.received_at + span * 0.85)  # 85 %: lead is told, at risk
    session.expire_all()
    c = session.get(Complaint, c.id)
    assert first["actions"] >= 2 and "at_risk" in c.tags
    notes = session.query(Notification).filter_by(complaint_id=c.id).all()
    assert any(n.recipient for n in notes)  # the lead's address
    again = sweep(session, now=c.received_at + span * 0.9)
    assert again["actions"] == 0  # same stage: nothing fires twice
    late = sweep(session, now=c.received_at + span * 2.1)  # breached, then twice the time
    session.expire_all()
    c = session.get(Complaint, c.id)
    assert late["actions"] >= 2
    assert c.team.name == "Management" and c.escalation_count == 1
    assert c.level == 3  # raised by one on the breach (urgency 3 -> level 2 at intake)
    kinds = [e.kind for e in c.events]
    assert "escalated" in kinds and "level_raised" in kinds
    assert sweep(session, now=c.received_at + span * 2.2)["actions"] == 0


def test_sweep_skips_paused_and_closed(session, customer_id):
    c = complaint(session, customer_id)
    c.paused_at, c.status = utcnow(), "waiting_customer"
    session.commit()
    result = sweep(session, now=c.received_at + timedelta(days=30))
    assert result["evaluated"] == 0


def test_warnings_open_once_update_and_resolve_themselves(session, customer_id, app):
    now = utcnow()
    for _ in range(12):  # a spike in one category, none in the week before
        complaint(session, customer_id, category="loss", received_at=(
            now - timedelta(minutes=30)).isoformat())
    first = run_warnings(session, now=now, resolve_after=2)
    spike = session.query(Alert).filter_by(rule="Volume more than doubles its baseline",
                                           scope_type="category", scope="loss").all()
    assert first["alerts_raised_or_updated"] >= 1 and len(spike) == 1
    assert spike[0].state == "open" and "12 in 24 h" in spike[0].message
    run_warnings(session, now=now + timedelta(minutes=1), resolve_after=2)
    session.expire_all()
    spike = session.query(Alert).filter_by(scope="loss", scope_type="category",
                                           rule="Volume more than doubles its baseline").all()
    assert len(spike) == 1 and spike[0].count == 2
    later = now + timedelta(days=3)  # the spike is out of the 24 h window
    run_warnings(session, now=later, resolve_after=2)
    run_warnings(session, now=later + timedelta(minutes=1), resolve_after=2)
    session.expire_all()
    assert session.get(Alert, spike[0].id).state == "resolved"


def test_alerts_api(client, as_user, session):
    alert = Alert(rule="r", scope_type="region", scope="Zhejiang", severity="warning",
                  message="m", figures={}, count=1, state="open", quiet_runs=0)
    session.add(alert)
    session.commit()
    listed = client.get("/api/v1/alerts/", headers=as_user("lead")).get_json()
    assert listed["count"] == 1 and listed["result"][0]["scope"] == "Zhejiang"
    ack = client.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=as_user("lead"))
    assert ack.status_code == 200 and ack.get_json()["result"]["state"] == "acknowledged"
    again = client.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=as_user("lead"))
    assert again.status_code == 409
    assert client.post(f"/api/v1/alerts/{alert.id}/resolve",
                       headers=as_user("agent")).status_code == 403
    assert client.post(f"/api/v1/alerts/{alert.id}/resolve",
                       headers=as_user("lead")).get_json()["result"]["state"] == "resolved"


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    fail_first = 0

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Receiver.fail_first > 0:
            Receiver.fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        Receiver.received.append((self.headers["X-ParcelDesk-Signature"], body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.received, Receiver.fail_first = [], 1
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def test_webhook_is_signed_and_retried(session, app, receiver):
    session.add(Webhook(name="ops", url=receiver, secret="s3cret", active=True))
    session.commit()
    from app.jobs.notify import queue_notice

    assert queue_notice(session, "webhook:ops", "Breach rate in {scope} is {breach_rate}%",
                        {"scope": "Zhejiang", "breach_rate": 12.5}) == 1
    session.commit()
    first = deliver_due(session, app.config)
    assert first["retrying"] == 1 and Receiver.received == []  # the 503 is retried later
    second = deliver_due(session, app.config, now=utcnow() + timedelta(minutes=2))
    assert second["sent"] == 1
    signature, body = Receiver.received[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert signature == expected
    assert json.loads(body)["message"] == "Breach rate in Zhejiang is 12.5%"


def test_job_runs_are_recorded_and_failures_alert(session, app, monkeypatch):
    ok = run_job("escalation", holder="test")
    assert ok.status == "ok" and ok.finished_at is not None
    import app.jobs.escalation as escalation

    monkeypatch.setattr(escalation, "sweep", lambda *a, **k: 1 / 0)
    failed = run_job("escalation", holder="test")
    assert failed.status == "failed" and "ZeroDivisionError" in failed.error
    alert = session.query(Alert).filter_by(rule="job:escalation").one()
    assert alert.severity == "critical" and alert.state == "open"
    assert session.query(JobRun).count() == 2


def test_jobs_cli_prints_what_it_did(app, session, customer_id):
    complaint(session, customer_id)
    result = app.test_cli_runner().invoke(args=["jobs", "run", "warnings"])
    assert result.exit_code == 0, result.output
    assert "warnings: ok" in result.output and '"evaluated"' in result.output
    bad = app.test_cli_runner().invoke(args=["jobs", "run", "coffee"])
    assert bad.exit_code != 0


def test_escalate_moves_the_complaint_and_keeps_history(session, customer_id):
    c = complaint(session, customer_id)
    team_before = c.team.name
    sweep(session, now=c.resolution_due_at + (c.resolution_due_at - c.received_at) * 1.5)
    session.expire_all()
    c = session.get(Complaint, c.id)
    escalated = next(e for e in c.events if e.kind == "escalated")
    assert escalated.details["from_team"] == team_before
    assert escalated.details["to_team"] == "Management"
    assert c.team == session.query(Team).filter_by(name="Management").one()
    assert c.assignee_id is None


def test_sweep_writes_each_breach_once(session, customer_id):
    c = complaint(session, customer_id)
    past = c.first_response_due_at + timedelta(minutes=1)
    sweep(session, now=past)
    sweep(session, now=past + timedelta(minutes=1))
    session.expire_all()
    breaches = [e for e in session.get(Complaint, c.id).events if e.kind == "sla_breached"]
    assert [e.details["stage"] for e in breaches] == ["first_response"]


def test_rates_need_enough_complaints_to_alert(session, customer_id):
    """A handful of late complaints is not an SLA alarm; twenty are."""
    now = utcnow()
    three_days_ago = (now - timedelta(days=3)).isoformat()

    def breach_alerts():
        return session.query(Alert).filter_by(rule="SLA breach rate over 10%",
                                              scope_type="category", scope="delay").count()

    late = [complaint(session, customer_id, received_at=three_days_ago) for _ in range(5)]
    assert all(c.resolution_due_at < now for c in late)  # every one of them is overdue
    run_warnings(session, now=now)
    assert breach_alerts() == 0
    for _ in range(15):
        complaint(session, customer_id, received_at=three_days_ago)
    result = run_warnings(session, now=now + timedelta(minutes=1))
    assert breach_alerts() == 1, result
    alert = session.query(Alert).filter_by(rule="SLA breach rate over 10%",
                                           scope_type="category", scope="delay").one()
    assert alert.figures["count_7d"] == 20 and alert.figures["breach_rate"] == 100.0
