"""Each open complaint's next check: derived by the sweep, reset by any change, every pass
for rules reading what the sweep cannot foresee (and the editor says so)."""

from datetime import timedelta

import pytest

from app.jobs import escalation
from app.jobs.escalation import sweep
from app.models import Complaint, RuleSetVersion, Team
from app.models.complaint import AT_NEXT_PASS
from app.policy import store
from app.services.intake import register_complaint
from app.timeutil import utcnow

AT_RISK_AFTER_HALF_HOUR = [{"name": "Half an hour open", "conditions": {"all": [
    {"name": "hours_open", "operator": "longer_than", "value": 0.5}]},
    "actions": [{"name": "mark_at_risk"}]}]
BUSY_CUSTOMER = [{"name": "Busy customer", "conditions": {"all": [
    {"name": "customer_open_complaints", "operator": "greater_than", "value": 1}]},
    "actions": [{"name": "mark_at_risk"}]}]


def complaint(session, customer_id, now, **extra):
    return register_complaint(session, {
        "customer": customer_id, "channel": "web", "category": "delay",
        "description": "late", "urgency": 1, "received_at": now.isoformat(), **extra}, now=now)


def test_a_pass_looks_again_only_when_a_threshold_is_crossed(session, customer_id):
    now = utcnow()
    store.publish(session, "escalation", AT_RISK_AFTER_HALF_HOUR, comment="test", now=now)
    c = complaint(session, customer_id, now)
    assert c.next_check_at == AT_NEXT_PASS  # new: checked at the next pass
    first = sweep(session, now=now + timedelta(minutes=1))
    assert first["evaluated"] >= 1 and first["all_open"] is True  # a new version: all once
    session.expire_all()
    c = session.get(Complaint, c.id)
    # half an hour open, rounded to hundredths of an hour, is passed 0.505 h after receipt
    # (before the first response is due: its breach is a moment too); the moment may be
    # a rounding step (36 s) early, never late
    crossing = c.received_at + timedelta(hours=0.505)
    assert crossing - timedelta(seconds=37) < c.next_check_at <= crossing
    quiet = sweep(session, now=c.next_check_at - timedelta(seconds=1))
    assert quiet["evaluated"] == 0 and quiet["all_open"] is False
    assert "at_risk" not in (c.tags or [])
    sweep(session, now=crossing + timedelta(seconds=1))
    session.expire_all()
    assert "at_risk" in session.get(Complaint, c.id).tags


def test_any_change_of_the_complaint_brings_it_back(session, customer_id):
    now = utcnow()
    store.publish(session, "escalation", AT_RISK_AFTER_HALF_HOUR, comment="test", now=now)
    c = complaint(session, customer_id, now)
    sweep(session, now=now + timedelta(minutes=1))
    session.expire_all()
    c = session.get(Complaint, c.id)
    assert c.next_check_at > now + timedelta(minutes=29)
    c.urgency = 4  # an edit anywhere
    session.commit()
    assert c.next_check_at == AT_NEXT_PASS
    c.paused_at, c.status = now, "waiting_customer"
    session.commit()
    assert c.next_check_at is None  # paused: not swept at all
    team = session.get(Team, c.team_id)
    c.paused_at, c.status = None, "in_progress"
    session.commit()
    sweep(session, now=now + timedelta(minutes=2))
    session.expire_all()
    assert session.get(Complaint, c.id).next_check_at > now + timedelta(minutes=29)
    team.name = team.name + " (renamed)"  # rules may read the team's name
    session.commit()
    session.expire_all()
    assert session.get(Complaint, c.id).next_check_at == AT_NEXT_PASS


def test_unforeseeable_variables_are_checked_every_pass(session, customer_id):
    now = utcnow()
    store.publish(session, "escalation", BUSY_CUSTOMER, comment="test", now=now)
    first = complaint(session, customer_id, now)
    sweep(session, now=now + timedelta(minutes=1))
    assert sweep(session, now=now + timedelta(minutes=2))["evaluated"] >= 1
    complaint(session, customer_id, now + timedelta(minutes=3))  # the customer's second
    sweep(session, now=now + timedelta(minutes=4))
    session.expire_all()
    assert "at_risk" in session.get(Complaint, first.id).tags


def test_backlog_pass_runs_in_committed_batches(session, customer_id, monkeypatch):
    now = utcnow()
    store.publish(session, "escalation", AT_RISK_AFTER_HALF_HOUR, comment="test", now=now)
    for _ in range(5):
        complaint(session, customer_id, now)
    monkeypatch.setattr(escalation, "BATCH", 2)
    result = sweep(session, now=now + timedelta(hours=4))
    assert result["all_open"] is True and result["batches"] == 3
    assert result["evaluated"] == 5 and result["complaints_acted_on"] == 5
    version = session.query(RuleSetVersion).filter_by(kind="escalation").order_by(
        RuleSetVersion.version.desc()).first()
    assert version.checks_derived_at is not None  # the next pass goes by the index
    assert sweep(session, now=now + timedelta(hours=4, minutes=1))["evaluated"] == 5
    assert sweep(session, now=now + timedelta(hours=4, minutes=2))["evaluated"] == 0


@pytest.mark.parametrize("language, words", [("en", "every open complaint is checked"),
                                              ("zh", "每次巡检")])
def test_editor_warns_about_rules_checked_every_pass(client, as_user, language, words):
    rules = AT_RISK_AFTER_HALF_HOUR + BUSY_CUSTOMER
    body = client.post(f"/api/v1/rulesets/escalation/validate?_l_={language}",
                       headers=as_user("editor"), json={"rules": rules}).get_json()
    assert body["valid"] is True
    found = [w for w in body["warnings"] if w["kind"] == "checked_every_pass"]
    assert [w["rule"] for w in found] == ["Busy customer"]
    assert words in found[0]["message"]
