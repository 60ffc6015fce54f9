"""The callback after the actual resolution, dissatisfied customers, and money as policy
(the compensation approval limit in CNY, the declared value)."""

from datetime import timedelta

import pytest

from app.models import Complaint, SurveyToken, Team
from app.services.access import actor_for
from app.services.errors import Conflict, Forbidden, InvalidInput
from app.services.intake import register_complaint
from app.services.lifecycle import perform
from tests.test_lifecycle import act
from tests.test_pages import login


@pytest.fixture
def people(app, session):
    sm = app.appbuilder.sm
    return {name: actor_for(session, sm.find_user(username=name))
            for name in ("agent", "lead", "callback_agent")}


@pytest.fixture
def complaint(session, customer_id):
    """A level-2 delay in Logistics Delivery, unassigned."""
    logistics = session.query(Team).filter_by(name="Logistics Delivery").one()
    c = register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "delay", "description": "late",
                                     "team": logistics.id, "level": 2})
    c.assignee_id, c.status = None, "new"
    session.commit()
    return c


def publish_parameters(client, as_user, kind, **parameters):
    editor = as_user("editor")
    current = client.get(f"/api/v1/rulesets/{kind}", headers=editor).get_json()
    return client.post(f"/api/v1/rulesets/{kind}/versions", headers=editor, json={
        "rules": current["rules"], "parameters": {**current["parameters"], **parameters},
        "comment": "parameters changed"})


def resolved(session, c, people, now=None):
    act(session, c, "claim", people["agent"])
    act(session, c, "respond", people["agent"], message="hi")
    act(session, c, "propose_resolution", people["agent"], kind="apology", text="Sorry")
    perform(session, c.id, "resolve", {"version": c.version}, people["agent"], now=now)
    return c


def test_callback_is_due_after_the_actual_resolution(session, complaint, people):
    c = complaint  # level 2: resolution in 48 h, callback 5 days after it
    late = c.resolution_due_at + timedelta(days=3)
    resolved(session, c, people, now=late)
    assert c.callback_due_at == late + timedelta(days=5)
    assert c.callback_due_at > c.resolved_at


def test_dissatisfied_callback_reopens_and_counts(session, complaint, people):
    c = resolved(session, complaint, people)
    act(session, c, "callback", people["callback_agent"], reached=True, satisfaction=2,
        comment="still angry")
    assert c.status == "reopened" and c.reopen_count == 1 and c.satisfaction == 2
    assert c.callback_reached is None  # the next resolution needs a new callback
    reopen = [e for e in c.events if e.kind == "reopen"]
    assert reopen and reopen[0].details["automatic"] and reopen[0].details["source"] == "callback"
    with pytest.raises(Conflict):
        act(session, c, "close", people["lead"], reason="enough")


def test_without_reopen_a_lead_closes_with_a_reason(session, client, as_user, complaint,
                                                    people):
    assert publish_parameters(client, as_user, "escalation",
                              reopen_on_dissatisfaction=False).status_code == 201
    c = resolved(session, complaint, people)
    act(session, c, "callback", people["callback_agent"], reached=True, satisfaction=1)
    assert c.status == "resolved" and c.reopen_count == 0
    with pytest.raises(Forbidden):
        act(session, c, "close", people["agent"], reason="done")
    with pytest.raises(InvalidInput) as info:
        act(session, c, "close", people["lead"])
    assert info.value.field == "reason"
    session.expire_all()
    assert session.get(Complaint, c.id).status == "resolved"
    act(session, c, "close", people["lead"], reason="Compensation refused by the customer")
    assert c.status == "closed"
    close = [e for e in c.events if e.kind == "close"][0]
    assert close.details["override"] is True and close.details["satisfaction"] == 1


def test_a_satisfied_callback_closes_as_before(session, complaint, people):
    c = resolved(session, complaint, people)
    act(session, c, "callback", people["callback_agent"], reached=True, satisfaction=3)
    act(session, c, "close", people["agent"])
    assert c.status == "closed" and c.reopen_count == 0


def test_a_low_survey_answer_reopens(session, client, complaint, people):
    c = resolved(session, complaint, people)
    token = session.query(SurveyToken).filter_by(complaint_id=c.id).one().token
    assert client.post(f"/survey/{token}", data={"score": "1"}).status_code == 200
    session.expire_all()
    c = session.get(Complaint, c.id)
    assert c.status == "reopened" and c.reopen_count == 1 and c.satisfaction == 1


def test_approval_limit_is_versioned_policy(session, client, as_user, complaint,
                                            people):
    meta = client.get("/api/v1/rulesets/metadata?kind=escalation",
                      headers=as_user("editor")).get_json()["result"]["escalation"]
    spec = {p["name"]: p for p in meta["parameter_specs"]}["compensation_approval_limit"]
    assert spec["type"] == "money" and spec["default"] == "500.00" and "CNY" in spec["label"]
    for bad in ("-1", "abc", "1.234", True):
        resp = publish_parameters(client, as_user, "escalation", compensation_approval_limit=bad)
        assert resp.status_code == 400
        assert resp.get_json()["problems"][0]["path"] == "parameters.compensation_approval_limit"
    assert publish_parameters(client, as_user, "escalation",
                              compensation_approval_limit="1000.00").status_code == 201
    c = complaint
    act(session, c, "claim", people["agent"])
    act(session, c, "respond", people["agent"], message="hi")
    act(session, c, "propose_resolution", people["agent"], kind="compensation", text="pay",
        amount=800)
    act(session, c, "resolve", people["agent"])  # under the new limit: no approval needed
    assert c.status == "resolved"


def test_compensation_above_the_limit_names_it(session, client, as_user, complaint,
                                               people):
    assert publish_parameters(client, as_user, "escalation",
                              compensation_approval_limit=100).status_code == 201
    c = complaint
    act(session, c, "claim", people["agent"])
    act(session, c, "respond", people["agent"], message="hi")
    act(session, c, "propose_resolution", people["agent"], kind="compensation", text="pay",
        amount=150)
    with pytest.raises(Conflict) as info:
        act(session, c, "resolve", people["agent"])
    assert "100 CNY" in info.value.message


def test_declared_value_on_the_api_and_in_rules(session, client, as_user, customer_id):
    agent = as_user("agent")
    base = {"customer": customer_id, "channel": "web", "category": "delay",
            "description": "late"}
    for bad in ("abc", -5, "12.345"):
        resp = client.post("/api/v1/complaints/", headers=agent, json={**base, "declared_value": bad})
        assert resp.status_code == 400 and "declared_value" in resp.get_json()["message"]
    assert session.query(Complaint).count() == 0
    # a rule reads it: valuable parcels to Claims & Compensation
    editor = as_user("editor")
    current = client.get("/api/v1/rulesets/routing", headers=editor).get_json()
    rule = {"name": "Valuable parcels to claims",
            "conditions": {"all": [{"name": "declared_value", "operator": "greater_than",
                                    "value": 1000}]},
            "actions": [{"name": "assign_team", "params": {"team": "Claims & Compensation"}}]}
    assert client.post("/api/v1/rulesets/routing/versions", headers=editor, json={
        "rules": [rule, *current["rules"]], "comment": "valuables"}).status_code == 201
    high = client.post("/api/v1/complaints/", headers=agent,
                       json={**base, "declared_value": "1299.50"}).get_json()["result"]
    assert high["declared_value"] == "1299.50" and high["team"]["name"] == "Claims & Compensation"
    low = client.post("/api/v1/complaints/", headers=agent,
                      json={**base, "declared_value": 20}).get_json()["result"]
    assert low["team"]["name"] == "Logistics Delivery"
    none = client.post("/api/v1/complaints/", headers=agent, json=base).get_json()["result"]
    assert none["declared_value"] is None and none["team"]["name"] == "Logistics Delivery"
    url = f"/api/v1/complaints/{none['id']}"
    bad = client.put(url, headers=agent, json={"version": none["version"], "declared_value": "x"})
    assert bad.status_code == 400 and "declared_value" in bad.get_json()["message"]
    fixed = client.put(url, headers=agent, json={"version": none["version"],
                                                 "declared_value": "99.90"})
    assert fixed.get_json()["result"]["declared_value"] == "99.90"


def test_new_variables_and_parameters_are_labelled_in_chinese(client, as_user):
    # (the first localised request of the test: the locale is kept for the app context)
    meta = client.get("/api/v1/rulesets/metadata?_l_=zh",
                      headers=as_user("editor")).get_json()["result"]
    variables = {v["name"]: v["label"] for v in meta["routing"]["variables"]}
    assert variables["declared_value"] == "保价金额（元）"
    assert variables["mentions_urgency"] == "描述中提到紧急用语（定级参数）"
    specs = {p["name"]: p for kind in meta.values() for p in kind["parameter_specs"]}
    assert specs["compensation_approval_limit"]["label"] == "赔偿审批限额（元）"
    assert specs["reopen_on_dissatisfaction"]["label"] == "客户不满意时重新打开"
    assert specs["clock_from"]["option_labels"]["escalation"] == "投诉等级变更的时刻"
    assert specs["urgency_words"]["label"] == "紧急用语" and "否定" in specs["urgency_words"]["help"]
    assert specs["weights"]["fields"][0] == {"name": "urgency", "label": "紧急程度"}
    mentions = next(o for o in meta["grading"]["variable_type_operators"]["text"]
                    if o["name"] == "contains_any_word")
    assert mentions["label"] == "提到其中任一用语（逗号分隔）"
    assert "4 个字以内" in mentions["help"]


def test_declared_value_on_the_form(client, session, customer_id):
    login(client, "agent")
    client.post("/complaintview/add", data={
        "customer": str(customer_id), "channel": "letter", "category": "delay",
        "description": "Vase broken", "service_type": "standard", "impact": "individual",
        "urgency": "2", "declared_value": "880.00"}, follow_redirects=True)
    c = session.query(Complaint).filter_by(description="Vase broken").one()
    assert str(c.declared_value) == "880.00"
    page = client.get(f"/complaintview/show/{c.id}")
    assert b"880.00" in page.data and b"Declared value (CNY)" in page.data

