"""/api/v1/rulesets: reading, publishing with validation, permissions, hot reload."""

import json

from app.models import RuleSetVersion
from config import BASE_DIR


def routing_doc():
    return json.loads((BASE_DIR / "rules" / "routing.json").read_text())


def test_kinds_and_current_versions(client, as_user):
    body = client.get("/api/v1/rulesets/", headers=as_user("agent")).get_json()["result"]
    assert body == [{"kind": k, "version": 1}
                    for k in ("grading", "routing", "sla", "escalation", "warning")]
    current = client.get("/api/v1/rulesets/routing", headers=as_user("agent")).get_json()
    assert current["kind"] == "routing" and current["version"] == 1
    assert current["rules"][0]["name"] == "Major complaints to Emergency Response"


def test_metadata_exports_variables_operators_actions(client, as_user):
    meta = client.get("/api/v1/rulesets/metadata",
                      headers=as_user("editor")).get_json()["result"]
    routing = meta["routing"]
    names = {v["name"] for v in routing["variables"]}
    assert {"category", "channel", "region", "customer_tier", "service_type", "impact",
            "urgency", "level", "description", "is_repeat", "customer_complaints_30d",
            "hours_open", "status"} <= names
    ops = {o["name"] for o in routing["variable_type_operators"]["choice"]}
    assert {"equal_to", "not_equal_to", "is_one_of", "is_not_one_of"} == ops
    assign = next(a for a in routing["actions"] if a["name"] == "assign_team")
    assert "Finance" in assign["params"][0]["options"]
    assert routing["mode"] == "first_match" and meta["escalation"]["mode"] == "collect"
    assert client.get("/api/v1/rulesets/metadata?kind=nope",
                      headers=as_user("editor")).status_code == 404


def test_publish_creates_a_version_used_by_the_next_complaint(client, as_user, customer_id):
    doc = routing_doc()
    doc["rules"].insert(0, {"name": "Key customers to Customer Service", "conditions": {
        "all": [{"name": "category", "operator": "equal_to", "value": "tracking"}]},
        "actions": [{"name": "assign_team", "params": {"team": "Customer Service Centre"}}]})
    resp = client.post("/api/v1/rulesets/routing/versions", headers=as_user("editor"),
                       json={"rules": doc["rules"], "comment": "tracking to service"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["version"] == 2 and resp.get_json()["author"] == "editor"
    created = client.post("/api/v1/complaints/", headers=as_user("agent"), json={
        "customer": customer_id, "channel": "app", "category": "tracking",
        "description": "wrong city"}).get_json()["result"]
    assert created["team"]["name"] == "Customer Service Centre"
    history = client.get("/api/v1/rulesets/routing/versions",
                         headers=as_user("auditor")).get_json()["result"]
    assert [v["version"] for v in history] == [2, 1]
    assert history[0]["comment"] == "tracking to service"
    old = client.get("/api/v1/rulesets/routing/versions/1", headers=as_user("auditor")).get_json()
    assert len(old["rules"]) == 7


def test_invalid_publish_is_400_with_every_problem_and_saves_nothing(client, as_user, session):
    doc = routing_doc()
    doc["rules"][1]["conditions"]["all"][0]["name"] = "categry"
    doc["rules"][2]["actions"][0]["params"]["team"] = "Nobody"
    doc["rules"].append(dict(doc["rules"][0]))
    resp = client.post("/api/v1/rulesets/routing/versions", headers=as_user("editor"),
                       json={"rules": doc["rules"], "comment": "broken"})
    assert resp.status_code == 400
    problems = resp.get_json()["problems"]
    assert len(problems) == 3
    assert {p["rule"] for p in problems} == {"Privacy to Legal & Compliance",
                                             "Damage and loss to Claims & Compensation",
                                             "Major complaints to Emergency Response"}
    assert all(p["path"].startswith("rules[") for p in problems)
    assert session.query(RuleSetVersion).filter_by(kind="routing").count() == 1


def test_publish_requires_comment_and_json(client, as_user):
    headers = as_user("editor")
    resp = client.post("/api/v1/rulesets/routing/versions", headers=headers,
                       json={"rules": routing_doc()["rules"]})
    assert resp.status_code == 400 and resp.get_json()["field"] == "comment"
    assert client.post("/api/v1/rulesets/routing/versions", headers=headers,
                       data="x").status_code == 400
    assert client.post("/api/v1/rulesets/nope/versions", headers=headers,
                       json={"rules": [], "comment": "x"}).status_code == 404


def test_validate_endpoint_does_not_publish(client, as_user, session):
    resp = client.post("/api/v1/rulesets/routing/validate", headers=as_user("agent"),
                       json={"rules": [{"name": "x", "actions": []}]})
    assert resp.status_code == 200
    assert resp.get_json()["valid"] is False and resp.get_json()["problems"]
    assert session.query(RuleSetVersion).filter_by(kind="routing").count() == 1


def test_only_admin_and_policy_editor_publish(client, as_user):
    payload = {"rules": routing_doc()["rules"], "comment": "same again"}
    for user in ("agent", "lead", "auditor"):
        resp = client.post("/api/v1/rulesets/routing/versions", headers=as_user(user),
                           json=payload)
        assert resp.status_code == 403, user
    for user in ("editor", "admin"):
        assert client.post("/api/v1/rulesets/routing/versions", headers=as_user(user),
                           json=payload).status_code == 201


def test_unknown_kind_and_version(client, as_user):
    assert client.get("/api/v1/rulesets/nope", headers=as_user("agent")).status_code == 404
    assert client.get("/api/v1/rulesets/routing/versions/99",
                      headers=as_user("agent")).status_code == 404


def test_metadata_labels_follow_the_language(client, as_user):
    zh = client.get("/api/v1/rulesets/metadata?kind=routing&_l_=zh",
                    headers=as_user("editor")).get_json()["result"]["routing"]
    labels = {v["name"]: v["label"] for v in zh["variables"]}
    assert labels["category"] == "投诉类别" and labels["customer_tier"] == "客户级别"
    ops = {o["name"]: o["label"] for o in zh["variable_type_operators"]["choice"]}
    assert ops["is_one_of"] == "属于"
    assign = next(a for a in zh["actions"] if a["name"] == "assign_team")
    assert assign["label"] == "分派到处理组"
    # options keep their codes (rules store them) and carry labels for the editor
    category = next(v for v in zh["variables"] if v["name"] == "category")
    assert "pickup" in category["options"]
    assert category["option_labels"]["pickup"] == "揽收问题"
    warning = client.get("/api/v1/rulesets/metadata?kind=warning&_l_=zh",
                         headers=as_user("editor")).get_json()["result"]["warning"]
    alert = next(a for a in warning["actions"] if a["name"] == "raise_alert")
    severity = next(p for p in alert["params"] if p["name"] == "severity")
    assert severity["options"] == ["info", "warning", "critical"]
    assert severity["option_labels"]["critical"] == "严重"
