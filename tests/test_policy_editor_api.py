"""Simulation, test-one, diff, rollback, drafts, conflicts and hit counters over HTTP."""

import json

from app.models import Complaint, RuleSetVersion
from app.services.intake import register_complaint
from config import BASE_DIR


def routing_rules():
    return json.loads((BASE_DIR / "rules" / "routing.json").read_text())["rules"]


def pickup_to_finance(rules):
    return [{"name": "Pickups to Finance", "conditions": {"all": [
        {"name": "category", "operator": "equal_to", "value": "pickup"}]},
        "actions": [{"name": "assign_team", "params": {"team": "Finance"}}]}] + rules


def add_complaints(session, customer_id, categories):
    for category in categories:
        register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": category, "description": "x"})


def test_simulate_counts_changes_and_changes_nothing(client, as_user, session, customer_id):
    add_complaints(session, customer_id, ["pickup", "pickup", "delay", "damage"])
    before = [(c.id, c.team_id, c.version) for c in session.query(Complaint).order_by(Complaint.id)]
    resp = client.post("/api/v1/rulesets/routing/simulate", headers=as_user("lead"),
                       json={"rules": pickup_to_finance(routing_rules()), "days": 30})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["evaluated"] == 4 and body["changed"] == 2
    assert body["by_field"] == {"team": 2}
    assert {(c["field"], c["before"], c["after"]) for c in body["changes"]} == {
        ("team", "Logistics Delivery", "Finance")}
    session.expire_all()
    assert before == [(c.id, c.team_id, c.version)
                      for c in session.query(Complaint).order_by(Complaint.id)]
    assert session.query(RuleSetVersion).filter_by(kind="routing").count() == 1


def test_simulate_grading_flows_into_team_and_deadlines(client, as_user, session, customer_id):
    add_complaints(session, customer_id, ["delay"])
    grading = json.loads((BASE_DIR / "rules" / "grading.json").read_text())
    grading["rules"].insert(0, {"name": "Delays are major", "conditions": {"all": [
        {"name": "category", "operator": "equal_to", "value": "delay"}]},
        "actions": [{"name": "set_level", "params": {"level": 5}}]})
    body = client.post("/api/v1/rulesets/grading/simulate", headers=as_user("editor"),
                       json={"rules": grading["rules"]}).get_json()
    assert body["changed"] == 1
    assert {"level", "team", "resolution_due_at"} <= set(body["by_field"])


def test_simulate_rejects_bad_input(client, as_user):
    headers = as_user("editor")
    bad_rules = client.post("/api/v1/rulesets/routing/simulate", headers=headers,
                            json={"rules": [{"name": "x", "actions": []}]})
    assert bad_rules.status_code == 400 and bad_rules.get_json()["problems"]
    bad_days = client.post("/api/v1/rulesets/routing/simulate", headers=headers,
                           json={"rules": routing_rules(), "days": 0})
    assert bad_days.status_code == 400 and bad_days.get_json()["field"] == "days"
    bad_since = client.post("/api/v1/rulesets/routing/simulate", headers=headers,
                            json={"rules": routing_rules(), "since": "last week"})
    assert bad_since.status_code == 400 and bad_since.get_json()["field"] == "since"


def test_simulate_streams_progress(client, as_user, session, customer_id):
    add_complaints(session, customer_id, ["pickup"])
    resp = client.post("/api/v1/rulesets/routing/simulate?stream=1", headers=as_user("editor"),
                       json={"rules": pickup_to_finance(routing_rules())})
    lines = [json.loads(x) for x in resp.data.decode().splitlines()]
    assert lines[0] == {"progress": 0, "total": 1}
    assert lines[-1]["result"]["changed"] == 1
    # bad rules and a bad period are refused before the stream starts
    for body, field in (({"rules": [{"name": "x", "actions": []}]}, None),
                        ({"rules": routing_rules(), "since": "yesterday"}, "since")):
        refused = client.post("/api/v1/rulesets/routing/simulate?stream=1",
                              headers=as_user("editor"), json=body)
        assert refused.status_code == 400 and refused.mimetype == "application/json"
        assert refused.get_json().get("field") == field


def test_simulate_escalation_and_warning(client, as_user, session, customer_id):
    add_complaints(session, customer_id, ["delay", "damage"])
    escalation = json.loads((BASE_DIR / "rules" / "escalation.json").read_text())["rules"]
    escalation.append({"name": "Everything open at risk", "actions": [{"name": "mark_at_risk"}]})
    body = client.post("/api/v1/rulesets/escalation/simulate", headers=as_user("editor"),
                       json={"rules": escalation}).get_json()
    assert body["evaluated"] == 2 and body["changed"] == 2
    warning = [{"name": "Any complaint today", "conditions": {"all": [
        {"name": "count_24h", "operator": "greater_than", "value": 0}]},
        "actions": [{"name": "raise_alert", "params": {"severity": "info", "message": "{scope}"}}]}]
    body = client.post("/api/v1/rulesets/warning/simulate", headers=as_user("editor"),
                       json={"rules": warning}).get_json()
    assert body["evaluated"] >= 5 and body["alerts"]["after"] >= 5


def test_test_one_complaint_with_draft(client, as_user, session, customer_id):
    add_complaints(session, customer_id, ["pickup"])
    cid = session.query(Complaint).one().id
    body = client.post("/api/v1/rulesets/routing/test", headers=as_user("auditor"), json={
        "complaint": cid, "rules": pickup_to_finance(routing_rules())}).get_json()
    assert body["team"] == "Finance" and body["draft"] is True
    routing = next(s for s in body["stages"] if s["kind"] == "routing")
    assert routing["fired"] == ["Pickups to Finance"]
    assert routing["rules"][0]["conditions"][0]["actual"] == "pickup"
    by_fields = client.post("/api/v1/rulesets/routing/test", headers=as_user("auditor"), json={
        "fields": {"category": "privacy", "channel": "email", "urgency": 2}}).get_json()
    assert by_fields["team"] == "Legal & Compliance" and by_fields["draft"] is False
    bad = client.post("/api/v1/rulesets/routing/test", headers=as_user("auditor"),
                      json={"fields": {"category": "weather", "colour": "red"}})
    assert bad.status_code == 400
    assert set(bad.get_json()["details"]) == {"category", "colour"}


def test_diff_and_rollback(client, as_user, customer_id, session):
    headers = as_user("editor")
    rules = pickup_to_finance(routing_rules())
    rules[3]["actions"] = [{"name": "assign_team", "params": {"team": "Management"}}]
    client.post("/api/v1/rulesets/routing/versions", headers=headers,
                json={"rules": rules, "comment": "v2"})
    diff = client.get("/api/v1/rulesets/routing/diff?from=1&to=2", headers=as_user("agent"))
    body = diff.get_json()
    assert [a["rule"] for a in body["added"]] == ["Pickups to Finance"]
    assert body["added"][0]["conditions"] == "Category is pickup"
    assert body["removed"] == []
    assert body["changed"] == [{"rule": "Damage and loss to Claims & Compensation", "changes": [
        {"field": "actions", "before": ["Assign to team: team=Claims & Compensation"],
         "after": ["Assign to team: team=Management"]}]}]
    assert client.get("/api/v1/rulesets/routing/diff?from=1&to=x",
                      headers=headers).status_code == 400
    back = client.post("/api/v1/rulesets/routing/rollback", headers=headers,
                       json={"version": 1, "comment": "undo"})
    assert back.status_code == 201 and back.get_json()["version"] == 3
    assert "rollback to version 1" in back.get_json()["comment"]
    assert back.get_json()["rules"] == routing_rules()
    assert client.post("/api/v1/rulesets/routing/rollback", headers=as_user("lead"),
                       json={"version": 1, "comment": "x"}).status_code == 403
    assert client.post("/api/v1/rulesets/routing/rollback", headers=headers,
                       json={"version": 42, "comment": "x"}).status_code == 404


def test_drafts_are_personal_and_kept_even_when_invalid(client, as_user):
    editor = as_user("editor")
    fresh = client.get("/api/v1/rulesets/routing/draft", headers=editor).get_json()
    assert fresh["draft"] is False and fresh["based_on"] == 1
    broken = [{"name": "half done", "conditions": {"all": []}, "actions": []}]
    saved = client.put("/api/v1/rulesets/routing/draft", headers=editor,
                       json={"rules": broken, "based_on": 1}).get_json()
    assert saved["saved"] is True and saved["valid"] is False and saved["problems"]
    again = client.get("/api/v1/rulesets/routing/draft", headers=editor).get_json()
    assert again["draft"] is True and again["rules"] == broken
    admin_view = client.get("/api/v1/rulesets/routing/draft", headers=as_user("admin")).get_json()
    assert admin_view["draft"] is False
    client.delete("/api/v1/rulesets/routing/draft", headers=editor)
    assert client.get("/api/v1/rulesets/routing/draft",
                      headers=editor).get_json()["draft"] is False
    assert client.put("/api/v1/rulesets/routing/draft", headers=as_user("agent"),
                      json={"rules": broken}).status_code == 403


def test_conflict_warnings(client, as_user):
    rules = routing_rules()
    rules.insert(0, {"name": "All delays", "conditions": {"all": [
        {"name": "category", "operator": "equal_to", "value": "delay"}]},
        "actions": [{"name": "assign_team", "params": {"team": "Finance"}}]})
    rules.insert(1, {"name": "Delays in Beijing", "conditions": {"all": [
        {"name": "category", "operator": "equal_to", "value": "delay"},
        {"name": "region", "operator": "equal_to", "value": "110000"}]},
        "actions": [{"name": "assign_team", "params": {"team": "Management"}}]})
    rules.insert(2, {"name": "Impossible", "conditions": {"all": [
        {"name": "urgency", "operator": "greater_than", "value": 4},
        {"name": "urgency", "operator": "less_than", "value": 2}]},
        "actions": [{"name": "assign_team", "params": {"team": "Management"}}]})
    rules.append({"name": "After the catch-all", "conditions": {"all": [
        {"name": "channel", "operator": "equal_to", "value": "letter"}]},
        "actions": [{"name": "assign_team", "params": {"team": "Finance"}}]})
    body = client.post("/api/v1/rulesets/routing/validate", headers=as_user("editor"),
                       json={"rules": rules}).get_json()
    assert body["valid"] is True
    found = {(w["rule"], w["kind"]) for w in body["warnings"]}
    assert found == {("Delays in Beijing", "shadowed"), ("Impossible", "never_true"),
                     ("After the catch-all", "shadowed")}


def test_hit_counters(client, as_user, session, customer_id):
    add_complaints(session, customer_id, ["pickup", "pickup", "fee_dispute"])
    hits = client.get("/api/v1/rulesets/routing/hits", headers=as_user("agent")).get_json()
    by_rule = {h["rule"]: h for h in hits["result"]}
    assert by_rule["Delivery problems to Logistics Delivery"]["24h"] == 2
    assert by_rule["Fee disputes to Finance"]["30d"] == 1
    assert by_rule["Privacy to Legal & Compliance"]["never_fired_30d"] is True


def test_agents_cannot_simulate(client, as_user):
    resp = client.post("/api/v1/rulesets/routing/simulate", headers=as_user("agent"),
                       json={"rules": routing_rules()})
    assert resp.status_code == 403


def test_simulating_other_weights_changes_levels(client, as_user, session, customer_id):
    for urgency in (1, 3, 5):
        register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "delay", "description": "x",
                                     "urgency": urgency})
    grading = json.loads((BASE_DIR / "rules" / "grading.json").read_text())
    body = client.post("/api/v1/rulesets/grading/simulate", headers=as_user("editor"), json={
        "rules": grading["rules"],
        "parameters": {"weights": {"urgency": 1.0, "impact": 0.0, "customer_value": 0.0}},
    }).get_json()
    assert body["evaluated"] == 3 and body["by_field"].get("level", 0) >= 1


def test_customer_history_is_counted_as_intake_saw_it(client, as_user, session, customer_id):
    """Simulation, test-one and intake count the customer's complaints in the 30 days
    before each complaint, not before today."""
    from datetime import timedelta

    from app.timeutil import utcnow

    now = utcnow()
    ids = []
    for days_ago in (50, 36, 12, 5):  # earlier ones in the 30 days before: 0, 1, 1, 1
        ids.append(register_complaint(session, {
            "customer": customer_id, "channel": "web", "category": "delay", "description": "x",
            "received_at": (now - timedelta(days=days_ago)).isoformat()}).id)
    frequent = [{"name": "Frequent complainers to Finance", "conditions": {"all": [
        {"name": "customer_complaints_30d", "operator": "greater_than_or_equal_to",
         "value": 1}]}, "actions": [{"name": "assign_team", "params": {"team": "Finance"}}]}]
    rules = frequent + routing_rules()
    body = client.post("/api/v1/rulesets/routing/simulate", headers=as_user("editor"),
                       json={"rules": rules, "days": 60}).get_json()
    assert body["evaluated"] == 4 and body["changed"] == 3, body
    teams = {}
    for cid in ids:
        teams[cid] = client.post("/api/v1/rulesets/routing/test", headers=as_user("editor"),
                                 json={"complaint": cid, "rules": rules}).get_json()["team"]
    assert [teams[cid] for cid in ids] == ["Logistics Delivery", "Finance", "Finance", "Finance"]
    # Intake with the rule published: a back-dated complaint counts from its own receipt.
    published = client.post("/api/v1/rulesets/routing/versions", headers=as_user("editor"),
                            json={"rules": rules, "comment": "frequent complainers"})
    assert published.status_code in (200, 201), published.get_json()
    lonely = register_complaint(session, {
        "customer": customer_id, "channel": "web", "category": "delay", "description": "x",
        "received_at": (now - timedelta(days=90)).isoformat()})
    recent = register_complaint(session, {
        "customer": customer_id, "channel": "web", "category": "delay", "description": "x"})
    assert (lonely.team.name, recent.team.name) == ("Logistics Delivery", "Finance")


def test_escalation_simulation_covers_what_the_sweep_covers(client, as_user, session,
                                                            customer_id, app):
    """A complaint waiting for the customer (clock paused) is not swept, so not simulated."""
    from app.jobs.escalation import sweep
    from app.services.access import actor_for
    from app.services.lifecycle import perform

    add_complaints(session, customer_id, ["delay", "delay"])
    waiting = session.query(Complaint).order_by(Complaint.id).first()
    lead = actor_for(session, app.appbuilder.sm.find_user(username="lead"))
    perform(session, waiting.id, "respond", {"version": waiting.version, "message": "hi"}, lead)
    perform(session, waiting.id, "wait_customer", {"version": waiting.version}, lead)
    rules = json.loads((BASE_DIR / "rules" / "escalation.json").read_text())["rules"]
    body = client.post("/api/v1/rulesets/escalation/simulate", headers=as_user("editor"),
                       json={"rules": rules}).get_json()
    assert body["evaluated"] == 1 == sweep(session)["evaluated"]
