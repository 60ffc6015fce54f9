"""Refusals speak the user's language: the same checks answer in Chinese after /lang/zh
(pages) or with ?_l_=zh (API), and in English otherwise."""

from datetime import UTC, datetime, timedelta

import flask_babel

from app.models import Complaint
from tests.test_pages import login


def fresh_locale():
    """The tests hold one app context across requests, where Flask-Babel keeps the locale
    it chose first; a served request has a context of its own."""
    flask_babel.refresh()


def future_complaint(customer_id):
    return {"customer": customer_id, "channel": "phone", "category": "delay",
            "description": "late", "received_at": (datetime.now(UTC) + timedelta(days=2))
            .isoformat()}


def test_api_refusals_follow_the_language(client, as_user, customer_id, session):
    headers = as_user("agent")
    before = session.query(Complaint).count()
    english = client.post("/api/v1/complaints/", json=future_complaint(customer_id),
                          headers=headers).get_json()
    assert english["details"]["received_at"] == "cannot be more than 5 minutes in the future"
    fresh_locale()
    chinese = client.post("/api/v1/complaints/?_l_=zh", json=future_complaint(customer_id),
                          headers=headers).get_json()
    assert chinese["details"]["received_at"] == "不能晚于当前时间 5 分钟以上"
    assert chinese["message"] == "投诉未登记，请更正：received_at"
    assert session.query(Complaint).count() == before
    missing = client.post("/api/v1/complaints/999999/actions/claim?_l_=zh", headers=headers,
                          json={"version": 1}).get_json()
    assert missing["message"] == "没有编号为 999999 的投诉"


def test_rule_problems_follow_the_language(client, as_user):
    rules = [{"name": "x", "conditions": {"all": [
        {"name": "categroy", "operator": "equal_to", "value": "loss"}]}, "actions": []}]
    body = client.post("/api/v1/rulesets/routing/validate?_l_=zh", headers=as_user("editor"),
                       json={"rules": rules}).get_json()
    messages = {p["path"]: p["message"] for p in body["problems"]}
    assert messages["rules[0].conditions.all[0].name"] == "未知变量“categroy”（是否指“category”？）"
    assert messages["rules[0].actions"] == "规则至少需要一个动作"


def test_lifecycle_refusal_on_the_page_is_in_chinese(client, session, customer_id):
    from app.services.intake import register_complaint

    complaint = register_complaint(session, {"customer": customer_id, "channel": "web",
                                             "category": "delay", "description": "x"})
    login(client, "agent")
    client.get("/lang/zh", follow_redirects=True)
    resp = client.post(f"/api/v1/complaints/{complaint.id}/actions/resolve",
                       json={"version": complaint.version})
    assert resp.status_code == 409
    assert resp.get_json()["message"] == (
        f"无法对投诉 {complaint.number} 执行 resolve：其状态为已分派")
    fresh_locale()
    client.get("/lang/en", follow_redirects=True)
    fresh_locale()
    resp = client.post(f"/api/v1/complaints/{complaint.id}/actions/resolve",
                       json={"version": complaint.version})
    assert resp.get_json()["message"] == (
        f"cannot resolve complaint {complaint.number}: its status is Assigned")
