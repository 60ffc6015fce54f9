"""GET /health names the failing part (200 when all is well, 503 otherwise), and GET
/metrics speaks Prometheus, only to the addresses or the token the settings allow."""

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from app.models import Notification, SchedulerLease
from app.timeutil import utcnow
from tests.conftest import app_settings
from tests.test_complaints_api import valid


@pytest.fixture
def leader(session):
    """A scheduler that renewed its lock a second ago."""
    now = utcnow()
    session.add(SchedulerLease(name="scheduler", holder="host:42:abc",
                               renewed_at=now - timedelta(seconds=1),
                               expires_at=now + timedelta(seconds=9)))
    session.commit()


def test_healthy_installation_answers_200_with_every_part(client, leader):
    resp = client.get("/health")
    body = resp.get_json()
    assert resp.status_code == 200, body
    assert body["status"] == "ok" and body["failing"] == []
    assert body["database"]["ok"] and body["migrations"]["current"] == body["migrations"]["head"]
    assert body["scheduler"]["leader"] == "host:42:abc"
    assert 0 < body["scheduler"]["heartbeat_age_seconds"] < 5
    assert body["outbox"]["backlog"] == 0
    assert set(body["jobs"]) >= {"escalation", "warnings", "outbox"}


def test_no_scheduler_is_named(client):
    resp = client.get("/health")
    assert resp.status_code == 503
    assert resp.get_json()["failing"] == ["scheduler"]


def test_dead_scheduler_is_named(client, session):
    now = utcnow()
    session.add(SchedulerLease(name="scheduler", holder="gone", renewed_at=now - timedelta(minutes=2),
                               expires_at=now - timedelta(minutes=1)))
    session.commit()
    body = client.get("/health").get_json()
    assert body["failing"] == ["scheduler"] and body["scheduler"]["heartbeat_age_seconds"] >= 120


def test_stale_outbox_is_named(client, session, leader):
    session.add(Notification(channel="email", recipient="a@example.cn", subject="s", body="b",
                             status="pending", next_attempt_at=utcnow() - timedelta(hours=1)))
    session.commit()
    resp = client.get("/health")
    body = resp.get_json()
    assert resp.status_code == 503 and body["failing"] == ["outbox"]
    assert body["outbox"]["backlog"] == 1 and body["outbox"]["oldest_due_seconds"] >= 3600


def test_failed_job_is_named(client, leader, monkeypatch):
    import app.jobs.escalation as escalation
    from app.jobs.runs import run_job

    monkeypatch.setattr(escalation, "sweep", lambda *a, **k: 1 / 0)
    run_job("escalation", holder="test")
    body = client.get("/health").get_json()
    assert body["failing"] == ["jobs"]
    assert body["jobs"]["escalation"]["status"] == "failed"
    assert "ZeroDivisionError" in body["jobs"]["escalation"]["error"]


def test_schema_behind_the_migrations_is_named(client, session, leader):
    session.execute(text("UPDATE alembic_version SET version_num = '21da9dc198e3'"))
    session.commit()
    resp = client.get("/health")
    assert resp.status_code == 503 and resp.get_json()["failing"] == ["migrations"]


def test_unreachable_database_is_named(tmp_path):
    from app import create_app

    broken = create_app(app_settings(f"sqlite:///{tmp_path}/no/such/dir/x.db",
                                     str(tmp_path / "instance")))
    resp = broken.test_client().get("/health")
    assert resp.status_code == 503
    assert resp.get_json()["failing"] == ["database"]


def scrape(client, **kwargs) -> dict:
    resp = client.get("/metrics", **kwargs)
    assert resp.status_code == 200, resp.data[:300]
    samples = {}
    for family in text_string_to_metric_families(resp.get_data(as_text=True)):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_requests_registrations_rules_jobs_and_read_the_database(
        client, as_user, customer_id, session, leader):
    from app.jobs.runs import run_job
    from app.jobs.warnings import raise_alert

    before = scrape(client)
    created = client.post("/api/v1/complaints/", json=valid(customer_id), headers=as_user("agent"))
    assert created.status_code == 201
    cid = created.get_json()["id"]
    assert client.get(f"/api/v1/complaints/{cid}", headers=as_user("agent")).status_code == 200
    run_job("escalation", holder="test")
    raise_alert(session, "r", "region", "Zhejiang", "warning", "m", {}, utcnow())
    session.add(Notification(channel="email", recipient="a@example.cn", subject="s", body="b",
                             status="pending", next_attempt_at=utcnow()))
    session.commit()
    after = scrape(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    # per URL rule, not per raw path
    assert grew("parceldesk_http_request_duration_seconds_count", method="POST",
                endpoint="/api/v1/complaints/", status="201") == 1
    endpoints = {dict(labels)["endpoint"] for name, labels in after
                 if name == "parceldesk_http_request_duration_seconds_count"}
    assert not [e for e in endpoints if e.endswith(f"/{cid}")], endpoints
    assert [e for e in endpoints if e.startswith("/api/v1/complaints/<")], endpoints
    assert grew("parceldesk_complaints_registered_total", channel="phone") == 1
    assert grew("parceldesk_rule_evaluation_seconds_count", kind="grading") >= 1
    assert grew("parceldesk_job_runs_total", job="escalation", status="ok") == 1
    assert grew("parceldesk_job_duration_seconds_count", job="escalation", status="ok") == 1
    pending = session.query(Notification).filter_by(status="pending").count()
    assert pending >= 2  # the registration mail (mail is off in tests) and ours
    assert value(after, "parceldesk_outbox_backlog") == pending
    assert value(after, "parceldesk_open_alerts", severity="warning") == 1
    assert value(after, "parceldesk_scheduler_leader", holder="host:42:abc") == 1
    assert 0 < value(after, "parceldesk_scheduler_heartbeat_age_seconds") < 5


def test_metrics_only_for_allowed_addresses_or_the_token(client, app):
    outside = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/metrics").status_code == 200  # loopback by default
    assert client.get("/metrics", environ_base=outside).status_code == 403
    app.config["METRICS_TOKEN"] = "t0ken"
    assert client.get("/metrics", environ_base=outside,
                      headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", environ_base=outside,
                      headers={"Authorization": "Bearer t0ken"}).status_code == 200
    app.config.update(METRICS_TOKEN=None, METRICS_ALLOW="10.0.0.0/8")
    assert client.get("/metrics", environ_base=outside).status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback no longer listed
