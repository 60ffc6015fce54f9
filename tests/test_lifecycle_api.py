"""Lifecycle over HTTP: actions, refusals, concurrency, visibility and queues."""

import threading

from app.models import Complaint, Team
from app.services.intake import register_complaint


def new_complaint(session, customer_id, category="delay", manual=True):
    team = session.query(Team).filter_by(name="Logistics Delivery").one()
    if manual:
        team.assignment_method = "manual"
        session.commit()
    return register_complaint(session, {"customer": customer_id, "channel": "web",
                                        "category": category, "description": "late"})


def post(client, headers, cid, action, **body):
    return client.post(f"/api/v1/complaints/{cid}/actions/{action}", headers=headers, json=body)


def test_actions_return_the_updated_complaint(client, as_user, session, customer_id):
    c = new_complaint(session, customer_id)
    agent = as_user("agent")
    r = post(client, agent, c.id, "claim", version=1)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()["result"]
    assert body["assignee"]["username"] == "agent" and body["version"] == 2
    r = post(client, agent, c.id, "respond", version=2, message="on it")
    assert r.get_json()["result"]["first_responded_at"] is not None
    events = client.get(f"/api/v1/complaints/{c.id}/events", headers=agent).get_json()["result"]
    assert [e["kind"] for e in events][-3:] == ["claim", "sla_met", "respond"]


def test_refusals_say_why_and_change_nothing(client, as_user, session, customer_id):
    c = new_complaint(session, customer_id)
    agent = as_user("agent")
    wrong_state = post(client, agent, c.id, "resolve", version=1)
    assert wrong_state.status_code == 409 and "its status is New" in wrong_state.get_json()["message"]
    not_lead = post(client, agent, c.id, "assign", version=1, user=1)
    assert not_lead.status_code == 403 and "lead" in not_lead.get_json()["message"]
    unknown = post(client, agent, c.id, "fly", version=1)
    assert unknown.status_code == 400 and unknown.get_json()["field"] == "action"
    no_version = post(client, agent, c.id, "claim")
    assert no_version.status_code == 400 and no_version.get_json()["field"] == "version"
    auditor = post(client, as_user("auditor"), c.id, "claim", version=1)
    assert auditor.status_code == 403
    session.expire_all()
    assert session.get(Complaint, c.id).version == 1


def test_two_agents_at_once_one_wins_nothing_lost(app, client, as_user, session, customer_id):
    c = new_complaint(session, customer_id)
    headers = {"agent": as_user("agent"), "agent2": as_user("agent2")}
    results = {}

    def claim(user):
        try:
            with app.app_context():  # each thread is its own worker, with its own session
                results[user] = post(app.test_client(), headers[user], c.id, "claim",
                                     version=1)
        except Exception as exc:  # surfaced by the assertion below
            results[user] = exc

    threads = [threading.Thread(target=claim, args=(u,)) for u in headers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(getattr(r, "status_code", repr(r)) for r in results.values())
    assert codes == [200, 409], results
    session.expire_all()
    fresh = session.get(Complaint, c.id)
    winner = next(u for u, r in results.items() if r.status_code == 200)
    assert fresh.assignee.username == winner and fresh.version == 2
    assert [e.kind for e in fresh.events].count("claim") == 1


def test_agent_of_another_team_gets_404(client, as_user, session, customer_id):
    c = new_complaint(session, customer_id, category="privacy")  # Legal & Compliance
    agent = as_user("agent")
    assert client.get(f"/api/v1/complaints/{c.id}", headers=agent).status_code == 404
    assert client.get(f"/api/v1/complaints/{c.id}/events", headers=agent).status_code == 404
    assert post(client, agent, c.id, "claim", version=1).status_code == 404
    listed = client.get("/api/v1/complaints/", headers=agent).get_json()
    assert c.id not in listed["ids"]
    assert client.get(f"/api/v1/complaints/{c.id}",
                      headers=as_user("auditor")).status_code == 200
    assert client.get(f"/api/v1/complaints/{c.id}",
                      headers=as_user("legal_agent")).status_code == 200


def test_queue_views(client, as_user, session, customer_id):
    first = new_complaint(session, customer_id)
    second = new_complaint(session, customer_id, manual=False)
    agent = as_user("agent")
    post(client, agent, first.id, "claim", version=1)
    mine = client.get("/api/v1/queue/?view=mine", headers=agent).get_json()["result"]
    assert first.number in [c["number"] for c in mine]
    team = client.get("/api/v1/queue/?view=team", headers=agent).get_json()["result"]
    numbers = [c["number"] for c in team]
    assert {first.number, second.number} <= set(numbers)
    dues = [c["next_due_at"] for c in team if c["assignee"]]
    assert dues == sorted(dues)
    counts = client.get("/api/v1/queue/counts", headers=agent).get_json()["result"]
    assert counts["mine"] >= 1 and set(counts) == {"mine", "team", "unassigned", "at_risk",
                                                   "overdue"}
    filtered = client.get("/api/v1/queue/?view=team&category=damage",
                          headers=agent).get_json()["result"]
    assert filtered == []
    bad = client.get("/api/v1/queue/?view=everything", headers=agent)
    assert bad.status_code == 400
    bad_filter = client.get("/api/v1/queue/?view=team&level=9", headers=agent)
    assert bad_filter.status_code == 400 and "level" in bad_filter.get_json()["details"]
    other = client.get("/api/v1/queue/?view=team", headers=as_user("claims_agent")).get_json()
    assert first.number not in [c["number"] for c in other["result"]]


def test_overdue_and_at_risk(client, as_user, session, customer_id):
    from datetime import timedelta

    from app.timeutil import utcnow

    late = new_complaint(session, customer_id)
    late.next_due_at, late.next_warn_at = utcnow() - timedelta(hours=1), utcnow() - timedelta(
        hours=2)
    soon = new_complaint(session, customer_id)
    soon.next_due_at, soon.next_warn_at = utcnow() + timedelta(minutes=30), utcnow() - timedelta(
        minutes=5)
    session.commit()
    lead = as_user("lead")
    overdue = [c["number"] for c in client.get("/api/v1/queue/?view=overdue",
                                               headers=lead).get_json()["result"]]
    at_risk = [c["number"] for c in client.get("/api/v1/queue/?view=at_risk",
                                               headers=lead).get_json()["result"]]
    assert late.number in overdue and late.number not in at_risk
    assert soon.number in at_risk and soon.number not in overdue
    load = client.get("/api/v1/queue/load", headers=lead).get_json()["result"]
    assert any(row["user_id"] for row in load)
