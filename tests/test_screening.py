"""Screening at intake: anonymous and late complaints, duplicates (linked both ways and
merged by a lead), completeness, and the first-response figures per channel."""

from datetime import timedelta

import pytest

from app.models import Complaint, Customer
from app.policy import store
from app.services.intake import register_complaint
from app.timeutil import utcnow
from tests.test_pages import login

BASE = {"channel": "web", "category": "delay", "description": "Parcel promised for Monday "
        "has not arrived yet"}


def post(client, headers, **fields):
    return client.post("/api/v1/complaints/", headers=headers, json={**BASE, **fields})


def test_anonymous_complaints_are_registered_without_a_customer(client, as_user, session):
    agent = as_user("agent")
    missing = post(client, agent, channel="letter")
    assert missing.status_code == 400 and "customer" in missing.get_json()["details"]
    resp = post(client, agent, channel="social", anonymous=True)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()["result"]
    assert body["anonymous"] is True and body["customer"] is None
    assert "anonymous" in body["tags"]
    assert body["completeness"] < 0.7  # no customer, no contact


def test_anonymous_with_a_customer_is_refused(client, as_user, session, customer_id):
    before = session.query(Complaint).count()
    resp = post(client, as_user("agent"), customer=customer_id, anonymous=True)
    assert resp.status_code == 400 and "anonymous" in resp.get_json()["details"]
    assert session.query(Complaint).count() == before


@pytest.mark.parametrize("hours_ago, late", [(2, False), (23.5, False), (30, True)])
def test_late_registration_is_flagged(session, customer_id, hours_ago, late):
    now = utcnow()
    c = register_complaint(session, {**BASE, "customer": customer_id, "received_at": (
        now - timedelta(hours=hours_ago)).isoformat()}, now=now)
    assert c.late_registration is late
    assert ("late-registration" in c.tags) is late


def test_screening_variables_reach_the_rules(session, customer_id):
    routing = store.get_version(session, "routing")
    store.publish(session, "routing", [
        {"name": "Anonymous to Management",
         "conditions": {"all": [{"name": "anonymous", "operator": "is_true"}]},
         "actions": [{"name": "assign_team", "params": {"team": "Management"}}]},
        {"name": "Late to Finance",
         "conditions": {"all": [{"name": "late_registration", "operator": "is_true"}]},
         "actions": [{"name": "assign_team", "params": {"team": "Finance"}}]},
        {"name": "Duplicates to Legal",
         "conditions": {"all": [{"name": "is_duplicate", "operator": "is_true"}]},
         "actions": [{"name": "assign_team", "params": {"team": "Legal & Compliance"}}]},
        {"name": "Incomplete to Intake",
         "conditions": {"all": [{"name": "completeness", "operator": "less_than",
                                 "value": 0.8}]},
         "actions": [{"name": "assign_team", "params": {"team": "Intake & Triage"}}]},
    ] + routing.rules, comment="screening rules")
    now = utcnow()
    full = {**BASE, "customer": customer_id, "waybill_no": "PD1", "urgency": 2}
    assert register_complaint(session, {**BASE, "anonymous": True}).team.name == "Management"
    assert register_complaint(session, {**full, "received_at": (
        now - timedelta(hours=30)).isoformat()}, now=now).team.name == "Finance"
    assert register_complaint(session, {**full}).team.name == "Legal & Compliance"
    assert register_complaint(session, {**BASE, "customer": customer_id,
                                        "description": "Lost"}).team.name == "Intake & Triage"


def test_completeness_uses_the_seed_weights(session, customer_id):
    full = register_complaint(session, {**BASE, "customer": customer_id, "waybill_no": "PD9",
                                        "urgency": 3})
    assert full.completeness == 1.0
    short = register_complaint(session, {**BASE, "customer": customer_id, "description": "Late"})
    # no waybill (0.20), a too short description (0.25), no urgency or level (0.10)
    assert short.completeness == pytest.approx(0.45)
    screened = short.events.filter_by(kind="screened").one().details
    assert screened["missing"] == ["service", "description", "level"]


def test_same_customer_same_waybill_within_72h_is_a_duplicate(client, as_user, session,
                                                              customer_id):
    agent = as_user("agent")
    first = post(client, agent, customer=customer_id, waybill_no="PD100").get_json()["result"]
    second = post(client, agent, customer=customer_id, waybill_no="PD100", channel="phone",
                  description="Calling about the same late parcel").get_json()["result"]
    assert second["duplicate_of"] == first["id"] and "duplicate" in second["tags"]
    assert second["is_repeat"] is False  # a duplicate, not a repeat complaint
    shown = client.get(f"/api/v1/complaints/{first['id']}", headers=agent).get_json()["result"]
    assert [d["id"] for d in shown["duplicates"]] == [second["id"]]
    shown = client.get(f"/api/v1/complaints/{second['id']}", headers=agent).get_json()["result"]
    assert shown["duplicate_of"]["id"] == first["id"] and shown["anonymous"] is False
    again = client.get(f"/api/v1/complaints/{first['id']}/events", headers=agent).get_json()
    assert [e["details"]["duplicate"] for e in again["result"]
            if e["kind"] == "duplicate_registered"] == [second["id"]]
    original = session.get(Complaint, first["id"])
    assert [d.id for d in original.duplicates] == [second["id"]]


def test_same_phone_and_near_identical_description_is_a_duplicate(session, customer_id):
    twin = Customer(name="张伟 (second record)", phone="13800000000")
    session.add(twin)
    session.commit()
    first = register_complaint(session, {**BASE, "customer": customer_id, "waybill_no": "PD1"})
    second = register_complaint(session, {**BASE, "customer": twin.id, "waybill_no": "PD2",
                                          "description": BASE["description"] + "!"})
    assert second.duplicate_of_id == first.id


def test_not_duplicates_outside_the_window_or_after_resolution(session, customer_id):
    now = utcnow()
    old = register_complaint(session, {**BASE, "customer": customer_id, "waybill_no": "PD7",
                                       "received_at": (now - timedelta(hours=80)).isoformat()},
                             now=now - timedelta(hours=80))
    later = register_complaint(session, {**BASE, "customer": customer_id, "waybill_no": "PD7"},
                               now=now)
    assert later.duplicate_of_id is None
    assert later.is_repeat and later.repeat_of_id == old.id  # a repeat complaint instead
    other = register_complaint(session, {**BASE, "customer": customer_id, "waybill_no": "PD8",
                                         "description": "Courier was rude at the door"})
    assert other.duplicate_of_id is None


def test_lead_merges_a_duplicate_into_its_original(client, as_user, session, customer_id):
    agent, lead = as_user("agent"), as_user("lead")
    first = post(client, agent, customer=customer_id, waybill_no="PD55").get_json()["result"]
    dup = post(client, agent, customer=customer_id, waybill_no="PD55").get_json()["result"]
    url = f"/api/v1/complaints/{dup['id']}/actions/merge"
    refused = client.post(url, headers=agent, json={"version": dup["version"]})
    assert refused.status_code == 403
    merged = client.post(url, headers=lead, json={"version": dup["version"],
                                                  "reason": "same parcel, second call"})
    assert merged.status_code == 200, merged.get_json()
    body = merged.get_json()["result"]
    assert body["status"] == "closed" and "merged" in body["tags"]
    events = client.get(f"/api/v1/complaints/{dup['id']}/events", headers=lead).get_json()
    assert [e["details"]["into"] for e in events["result"] if e["kind"] == "merge"] == \
        [first["id"]]
    events = client.get(f"/api/v1/complaints/{first['id']}/events", headers=lead).get_json()
    assert [e["details"]["duplicate"] for e in events["result"] if e["kind"] == "merged_in"] \
        == [dup["id"]]
    original = client.get(f"/api/v1/complaints/{first['id']}", headers=lead).get_json()
    assert original["result"]["status"] != "closed"
    not_dup = client.post(f"/api/v1/complaints/{first['id']}/actions/merge", headers=lead,
                          json={"version": original["result"]["version"]})
    assert not_dup.status_code == 409 and not_dup.get_json()["field"] == "into"


def test_complaint_page_shows_screening_and_duplicates(client, session, customer_id):
    first = register_complaint(session, {**BASE, "customer": customer_id, "waybill_no": "PD3"})
    dup = register_complaint(session, {**BASE, "customer": customer_id, "waybill_no": "PD3",
                                       "description": "Late"})
    login(client, "lead")
    page = client.get(f"/complaintview/show/{dup.id}").get_data(as_text=True)
    assert "Completeness" in page and "missing-description" in page
    assert f">{first.number}</a>" in page and "action-merge" in page
    page = client.get(f"/complaintview/show/{first.id}").get_data(as_text=True)
    assert "Duplicates of this complaint" in page and dup.number in page
    assert "action-merge" not in page


# minutes to first response per channel and level: the table by level, phone within 1 h,
# e-mail within 3 h, app in real time (one minute)
TABLE = {1: 120, 2: 240, 3: 480, 4: 240, 5: 60}
EXPECTED = {
    "web": TABLE,
    "phone": {1: 60, 2: 60, 3: 60, 4: 60, 5: 60},
    "email": {1: 120, 2: 180, 3: 180, 4: 180, 5: 60},
    "app": {1: 1, 2: 1, 3: 1, 4: 1, 5: 1},
}


@pytest.mark.parametrize("channel", list(EXPECTED))
def test_first_response_by_channel_at_every_level(session, customer_id, channel):
    for level in range(1, 6):
        c = register_complaint(session, {**BASE, "customer": customer_id, "channel": channel,
                                         "level": level, "waybill_no": f"W{level}{channel}"})
        assert c.first_response_due_at - c.received_at == \
            timedelta(minutes=EXPECTED[channel][level]), (channel, level)
        hours = {1: 24, 2: 48, 3: 72, 4: 24, 5: 4}[level]
        assert c.resolution_due_at - c.received_at == timedelta(hours=hours)
