"""A level that changes is routed and timed again, recorded as a decision with its trace and
on the timeline: by the escalation sweep, by the manual `escalate` action and by an edit."""

from datetime import datetime, timedelta

from app.jobs.escalation import sweep
from app.models import Complaint, Team
from app.services.intake import register_complaint
from app.timeutil import utcnow
from tests.test_pages import login


def level4_delay(session, customer_id, received):
    return register_complaint(session, {
        "customer": customer_id, "channel": "web", "category": "delay",
        "description": "Parcel late", "level": 4, "received_at": received.isoformat()})


def decisions(client, headers, complaint_id):
    resp = client.get(f"/api/v1/complaints/{complaint_id}/decisions", headers=headers)
    return resp.get_json()["result"]


def test_breach_raises_to_major_with_emergency_team_and_clocks(session, client, as_user,
                                                               customer_id):
    received = (utcnow() - timedelta(hours=30)).replace(microsecond=0)
    c = level4_delay(session, customer_id, received)
    assert c.team.name == "Logistics Delivery"
    assert c.resolution_due_at == received + timedelta(hours=24)
    moment = received + timedelta(hours=25)  # breached: the default policy raises the level
    sweep(session, now=moment)
    session.expire_all()
    c = session.get(Complaint, c.id)
    assert c.level == 5 and c.team.name == "Emergency Response"
    assert c.first_response_due_at == moment + timedelta(hours=1)
    assert c.resolution_due_at == moment + timedelta(hours=4)
    assert c.callback_due_at == moment + timedelta(hours=4, days=1)
    assert c.next_due_at == c.first_response_due_at
    kinds = [e.kind for e in c.events]
    assert "level_raised" in kinds and "redecided" in kinds
    change = [d for d in decisions(client, as_user("admin"), c.id)
              if d["stage"] == "level_change"]
    assert len(change) == 1
    outcome, trace = change[0]["outcome"], change[0]["trace"]
    assert (outcome["from_level"], outcome["to_level"], outcome["team"]) == (
        4, 5, "Emergency Response")
    assert outcome["trigger"] == "escalation_rule" and outcome["clock_from"] == "escalation"
    assert [s["kind"] for s in trace] == ["routing", "sla"]
    assert trace[0]["fired"] == ["Major complaints to Emergency Response"]
    # the page's "why" panel shows the change
    login(client, "admin")
    page = client.get(f"/complaintview/show/{c.id}")
    assert b"Level changed from 4 to 5" in page.data


def test_clocks_from_receipt_when_the_policy_says_so(session, client, as_user, customer_id):
    editor = as_user("editor")
    current = client.get("/api/v1/rulesets/sla", headers=editor).get_json()
    resp = client.post("/api/v1/rulesets/sla/versions", headers=editor, json={
        "rules": current["rules"], "parameters": {"clock_from": "receipt"},
        "comment": "count re-decided clocks from receipt"})
    assert resp.status_code == 201, resp.get_json()
    received = (utcnow() - timedelta(hours=30)).replace(microsecond=0)
    c = level4_delay(session, customer_id, received)
    sweep(session, now=received + timedelta(hours=25))
    session.expire_all()
    c = session.get(Complaint, c.id)
    assert c.level == 5 and c.resolution_due_at == received + timedelta(hours=4)
    bad = client.post("/api/v1/rulesets/sla/validate", headers=editor, json={
        "rules": current["rules"], "parameters": {"clock_from": "tomorrow"}}).get_json()
    assert bad["valid"] is False and bad["problems"][0]["path"] == "parameters.clock_from"


def test_manual_escalate_moves_to_the_next_level(session, client, as_user, customer_id):
    lead, agent = as_user("lead"), as_user("agent")
    created = client.post("/api/v1/complaints/", headers=lead, json={  # a lead sets the level
        "customer": customer_id, "channel": "web", "category": "delay",
        "description": "Parcel late", "level": 3}).get_json()["result"]
    cid = created["id"]
    url = f"/api/v1/complaints/{cid}/actions/escalate"
    missing = client.post(url, headers=agent, json={"version": created["version"]})
    assert missing.status_code == 400 and "reason" in missing.get_json()["message"]
    assert client.get(f"/api/v1/complaints/{cid}", headers=agent).get_json()["result"]["level"] == 3
    assert client.post(url, headers=as_user("claims_agent"), json={
        "version": created["version"], "reason": "x"}).status_code == 404
    assert client.post(url, headers=as_user("auditor"), json={
        "version": created["version"], "reason": "x"}).status_code == 403

    before = utcnow()
    first = client.post(url, headers=agent, json={
        "version": created["version"], "reason": "Customer's third call"})
    assert first.status_code == 200, first.get_json()
    body = first.get_json()["result"]
    assert body["level"] == 4 and body["team"]["name"] == "Logistics Delivery"
    assert body["escalation_count"] == 1
    resolution = datetime.fromisoformat(body["resolution_due_at"])
    assert before + timedelta(hours=24) <= resolution <= utcnow() + timedelta(hours=24)

    second = client.post(url, headers=lead, json={"version": body["version"],
                                                  "reason": "Media are asking"})
    body = second.get_json()["result"]
    assert body["level"] == 5 and body["team"]["name"] == "Emergency Response"
    top = client.post(url, headers=as_user("emergency_lead"), json={
        "version": body["version"], "reason": "more"})
    assert top.status_code == 409
    events = client.get(f"/api/v1/complaints/{cid}/events", headers=as_user("admin")).get_json()
    kinds = [e["kind"] for e in events["result"]]
    assert kinds.count("escalate") == 2 and kinds.count("redecided") == 2
    change = [d for d in decisions(client, as_user("admin"), cid) if d["stage"] == "level_change"]
    assert [d["outcome"]["reason"] for d in change] == ["Customer's third call", "Media are asking"]
    assert all(d["outcome"]["trigger"] == "manual" for d in change)


def test_escalate_button_on_the_page(session, client, customer_id):
    logistics = session.query(Team).filter_by(name="Logistics Delivery").one()
    c = register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "delay", "description": "late",
                                     "team": logistics.id, "level": 2})
    login(client, "agent")
    page = client.get(f"/complaintview/show/{c.id}")
    assert b"action-escalate" in page.data and b"Escalate to level 3" in page.data
    client.post(f"/complaintview/act/{c.id}/escalate",
                data={"version": str(c.version), "reason": "needs the lead"})
    session.expire_all()
    assert session.get(Complaint, c.id).level == 3


def test_the_level_changes_by_escalation_not_by_an_edit(session, client, as_user, customer_id):
    """An edit of the level would skip the approval a level needs (see the edit rule):
    PUT refuses it, and the manual escalation re-decides instead."""
    lead = as_user("lead")
    created = client.post("/api/v1/complaints/", headers=lead, json={
        "customer": customer_id, "channel": "web", "category": "delay",
        "description": "Parcel late", "level": 4}).get_json()["result"]
    resp = client.put(f"/api/v1/complaints/{created['id']}", headers=lead,
                      json={"version": created["version"], "level": 5})
    assert resp.status_code == 403 and "level" in resp.get_json()["message"]
    resp = client.post(f"/api/v1/complaints/{created['id']}/actions/escalate", headers=lead,
                       json={"version": created["version"], "reason": "journalist called"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()["result"]
    assert body["level"] == 5 and body["team"]["name"] == "Emergency Response"
    change = [d for d in decisions(client, as_user("admin"), created["id"])
              if d["stage"] == "level_change"]
    assert change[0]["outcome"]["trigger"] == "manual"
