"""Admins change job intervals on a page; the leading scheduler follows without restart."""

import re

from app.jobs.scheduler import JobScheduler, ensure_settings
from app.models import JobSetting
from tests.test_pages import login


def outbox(session):
    ensure_settings(session)
    return session.query(JobSetting).filter_by(job="outbox").one()


def test_admin_edits_an_interval_and_bad_values_are_refused(client, session):
    setting = outbox(session)
    login(client, "admin")
    resp = client.post(f"/jobsettingview/edit/{setting.job}",
                       data={"interval_seconds": "120", "enabled": "y"}, follow_redirects=True)
    assert resp.status_code == 200
    session.expire_all()
    assert setting.interval_seconds == 120 and setting.enabled

    page = client.post(f"/jobsettingview/edit/{setting.job}",
                       data={"interval_seconds": "2", "enabled": "y"},
                       follow_redirects=True).get_data(as_text=True)
    assert "The interval must be at least 5 seconds" in page
    assert re.search(r'id="interval_seconds"[^>]*value="2"', page)  # what was typed stays
    session.expire_all()
    assert setting.interval_seconds == 120


def test_only_admins_edit_intervals(client, session):
    setting = outbox(session)
    before = setting.interval_seconds
    login(client, "lead")
    client.post(f"/jobsettingview/edit/{setting.job}", data={"interval_seconds": "60"})
    session.expire_all()
    assert setting.interval_seconds == before


def test_the_scheduler_follows_the_settings(app, session):
    setting = outbox(session)
    setting.interval_seconds = 300
    session.commit()
    scheduler = JobScheduler(app)
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler.scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.scheduler.start(paused=True)  # nothing runs: only the schedule is looked at
    try:
        scheduler.sync_jobs()
        job = scheduler.scheduler.get_job("outbox")
        assert job.trigger.interval.total_seconds() == 300
        assert job.max_instances == 1 and job.coalesce

        setting.interval_seconds = 45
        session.commit()
        scheduler.sync_jobs()
        assert scheduler.scheduler.get_job("outbox").trigger.interval.total_seconds() == 45

        setting.enabled = False
        session.commit()
        scheduler.sync_jobs()
        assert scheduler.scheduler.get_job("outbox") is None
        assert scheduler.scheduler.get_job("escalation") is not None
    finally:
        scheduler.scheduler.shutdown(wait=False)


def test_alerts_are_acknowledged_and_resolved_from_the_list(client, session):
    from app.models import Alert

    alert = Alert(rule="r", scope_type="region", scope="Zhejiang", severity="warning",
                  message="Volume doubled", figures={}, count=1, state="open", quiet_runs=0)
    session.add(alert)
    session.commit()
    login(client, "lead")
    assert "Volume doubled" in client.get("/openalertview/list/").get_data(as_text=True)
    client.post("/openalertview/action_post", data={"action": "acknowledge", "rowid": alert.id},
                follow_redirects=True)
    session.expire_all()
    assert alert.state == "acknowledged" and alert.acknowledged_by is not None
    assert "Volume doubled" not in client.get("/openalertview/list/").get_data(as_text=True)
    page = client.post("/alertview/action_post", data={"action": "acknowledge",
                                                       "rowid": alert.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "only open alerts can be acknowledged" in page  # refused, with the reason
    client.post("/alertview/action_post", data={"action": "resolve", "rowid": alert.id})
    session.expire_all()
    assert alert.state == "resolved" and alert.resolved_at is not None
