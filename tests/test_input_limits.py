"""No input answers 5xx: each bad request gets 400/404/409/413/422 naming the field, and
changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.models import Complaint, RuleSetDraft, RuleSetVersion, SurveyToken, Team
from app.services.intake import register_complaint
from app.timeutil import utcnow
from tests.conftest import PASSWORD

HUGE = 100000000000000000000
GOOD_RULE = {"name": "r", "conditions": {"all": [
    {"name": "category", "operator": "equal_to", "value": "delay"}]},
    "actions": [{"name": "set_level", "params": {"level": 2}}]}


def deep(n):
    return "[" * n + "1" + "]" * n


def raw_json(text):
    return {"data": text, "content_type": "application/json"}


# (who, method, url, request kwargs, expected status, field named)
# "{c}" is a complaint the agent may act on; "{u}" a customer id.
CASES = [
    # integers too large for the database
    ("admin", "post", "/api/v1/complaints/", {"json": {"customer": HUGE, "channel": "web",
     "category": "delay", "description": "x"}}, 400, "customer"),
    ("admin", "get", "/api/v1/customers/6075362140534082633728", {}, 404, "pk"),
    ("admin", "get", "/api/v1/customers/0", {}, 404, "pk"),
    ("admin", "get", "/api/v1/complaints/?q=(page:100000000000000000000)", {}, 400, "q.page"),
    ("admin", "get", "/api/v1/complaints/?q=(page:-3)", {}, 400, "q.page"),
    ("admin", "get", "/api/v1/complaints/?q=(filters:!((col:level,opr:eq,value:100000000000000000000)))",
     {}, 400, "q.filters[0].value"),
    ("admin", "get", "/api/v1/complaints/?q=(filters:!((col:level,opr:eq,value:abc)))",
     {}, 400, "q.filters[0].value"),
    ("admin", "get", "/api/v1/complaints/?q=(filters:!((col:received_at,opr:gt,value:'0001-01-01')))",
     {}, 400, "q.filters[0].value"),
    ("agent", "get", "/api/v1/queue/?page=99999999999999999999999", {}, 400, "page"),
    ("agent", "get", "/api/v1/queue/?page=%C2%B2", {}, 400, "page"),
    ("admin", "get", "/api/v1/rulesets/grading/versions/99999999999999999999", {}, 404, "number"),
    ("admin", "get", "/api/v1/rulesets/grading/diff?from=1&to=99999999999999999999", {}, 400, "to"),
    ("admin", "get", "/api/v1/rulesets/grading/diff?from=1&to=%C2%B2", {}, 400, "to"),
    ("admin", "post", "/api/v1/rulesets/grading/rollback", {"json": {"version": HUGE, "comment": "x"}},
     400, "version"),
    ("admin", "put", "/api/v1/rulesets/grading/draft", {"json": {"rules": [], "based_on": HUGE}},
     400, "based_on"),
    ("admin", "post", "/api/v1/rulesets/grading/test", {"json": {"complaint": HUGE}}, 400, "complaint"),
    ("admin", "put", "/api/v1/teams/2", {"json": {"lead": 1e20}}, 400, "lead"),
    ("admin", "put", "/api/v1/teams/2", {"json": {"members": [HUGE]}}, 400, "members[0]"),
    # int() on digits that are not ASCII
    ("admin", "post", "/api/v1/complaints/", {"json": {"customer": "²", "channel": "web",
     "category": "delay", "description": "x"}}, 400, "customer"),
    ("admin", "post", "/api/v1/complaints/", {"json": {"customer": "{u}", "team": "²",
     "channel": "web", "category": "delay", "description": "x"}}, 400, "team"),
    ("admin", "post", "/api/v1/complaints/", {"json": {"customer": "{u}", "urgency": "²",
     "channel": "web", "category": "delay", "description": "x"}}, 400, "urgency"),
    ("agent", "post", "/api/v1/complaints/{c}/actions/claim", {"json": {"version": "²"}}, 400, "version"),
    ("agent", "get", "/api/v1/queue/?level=%C2%B2", {}, 400, "level"),
    # dates at the edge
    ("admin", "post", "/api/v1/complaints/", {"json": {"customer": "{u}", "channel": "web",
     "category": "delay", "description": "x", "received_at": "0001-01-01T00:00:00+14:00"}},
     400, "received_at"),
    ("admin", "post", "/api/v1/complaints/", {"json": {"customer": "{u}", "channel": "web",
     "category": "delay", "description": "x", "received_at": "9999-12-31T23:59:59-12:00"}},
     400, "received_at"),
    ("admin", "post", "/api/v1/complaints/", {"json": {"customer": "{u}", "channel": "web",
     "category": "delay", "description": "x", "received_at": "1999-12-31T23:59:59+00:00"}},
     400, "received_at"),
    # JSON nested too deep
    ("agent", "post", "/api/v1/rulesets/grading/validate", raw_json(f'{{"rules": {deep(600)}}}'),
     400, "rules"),
    ("admin", "post", "/api/v1/complaints/", raw_json(f'{{"description": {deep(600)}}}'),
     400, "description"),
    ("admin", "post", "/api/v1/complaints/", raw_json("[" * 100000 + "]" * 100000), 400, "body"),
    # the rule validator given the wrong JSON types
    ("agent", "post", "/api/v1/rulesets/grading/validate",
     {"json": {"rules": [{**GOOD_RULE, "name": {}}]}}, 200, None),
    ("admin", "post", "/api/v1/rulesets/grading/test",
     {"json": {"rules": [{**GOOD_RULE, "conditions": {"all": [
         {"name": ["category"], "operator": "equal_to", "value": "x"}]}}], "complaint": "{c}"}},
     400, None),
    ("admin", "put", "/api/v1/rulesets/grading/draft",
     {"json": {"rules": [{**GOOD_RULE, "conditions": {"all": [
         {"name": "category", "operator": {"a": 1}, "value": "x"}]}}]}}, 200, None),
    ("admin", "post", "/api/v1/rulesets/grading/validate",
     {"json": {"rules": [{**GOOD_RULE, "actions": [{"name": ["set_level"], "params": {}}]}]}},
     200, None),
    # simulation period, amounts
    ("admin", "post", "/api/v1/rulesets/grading/simulate",
     {"json": {"rules": [GOOD_RULE], "since": [None, None]}}, 400, "since"),
    ("admin", "post", "/api/v1/rulesets/grading/simulate",
     {"json": {"rules": [GOOD_RULE], "since": "0001-01-01T00:00:00+14:00"}}, 400, "since"),
    ("claims_lead", "post", "/api/v1/complaints/{c}/actions/propose_resolution",
     {"json": {"version": 1, "kind": "compensation", "text": "x", "amount": "Infinity"}}, 400, "amount"),
    ("claims_lead", "post", "/api/v1/complaints/{c}/actions/propose_resolution",
     raw_json('{"version": 1, "kind": "compensation", "text": "x", "amount": 1E+400}'), 400, "amount"),
    ("claims_lead", "post", "/api/v1/complaints/{c}/actions/propose_resolution",
     {"json": {"version": 1, "kind": "compensation", "text": "x", "amount": "1E+400"}}, 400, "amount"),
    ("claims_lead", "post", "/api/v1/complaints/{c}/actions/propose_resolution",
     {"json": {"version": 1, "kind": "compensation", "text": "x", "amount": "NaN"}}, 400, "amount"),
    ("claims_lead", "post", "/api/v1/complaints/{c}/actions/propose_resolution",
     raw_json('{"version": 1, "kind": "compensation", "text": "x", "amount": NaN}'), 400, "amount"),
    ("claims_lead", "post", "/api/v1/complaints/{c}/actions/propose_resolution",
     {"json": {"version": 1, "kind": "compensation", "text": "x", "amount": "12.345"}}, 400, "amount"),
    ("claims_lead", "post", "/api/v1/complaints/{c}/actions/propose_resolution",
     {"json": {"version": 1, "kind": "compensation", "text": "x", "amount": 10000000}}, 400, "amount"),
    # lone surrogates
    ("admin", "post", "/api/v1/complaints/", raw_json(
        '{"customer": 1, "channel": "web", "category": "delay", "description": "a\\udaffb"}'),
     400, "description"),
    ("claims_lead", "post", "/api/v1/complaints/{c}/actions/note",
     raw_json('{"version": 1, "text": "\\udaff"}'), 400, "text"),
    # broken rison
    ("admin", "get", "/api/v1/complaints/?q=(page_size:", {}, 400, "q"),
    ("admin", "get", "/api/v1/complaints/?q=-2.7887271777784868e%2B16", {}, 400, "q"),
    ("admin", "get", "/api/v1/complaints/_info?q=-2.7887271777784868e%2B16", {}, 400, "q"),
    ("admin", "get", "/api/v1/complaints/{c}?q=!(1)", {}, 400, "q"),
    # Flask-AppBuilder's security API
    ("admin", "post", "/api/v1/security/roles/", {}, 400, None),
    ("admin", "post", "/api/v1/security/users/", {}, 400, None),
    ("admin", "get", "/api/v1/security/roles/0", {}, 404, "pk"),
    ("admin", "put", "/api/v1/security/roles/0", {"json": {"name": "x"}}, 404, "pk"),
    ("admin", "post", "/api/v1/security/roles/", {"json": {"name": "Agent"}}, 409, "name"),
    ("admin", "post", "/api/v1/security/roles/0/permissions",
     {"json": {"permission_view_menu_ids": [1]}}, 404, "role_id"),
    ("admin", "post", "/api/v1/security/roles/1/permissions",
     {"json": {"permission_view_menu_ids": [HUGE]}}, 400, "permission_view_menu_ids[0]"),
]


def _fill(value, ids):
    if isinstance(value, str):
        for key, number in ids.items():
            value = value.replace(f"{{{key}}}", str(number))
        return int(value) if value.isdigit() and value in map(str, ids.values()) else value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _snapshot(session):
    session.expire_all()
    return {model.__name__: session.execute(select(func.count()).select_from(model)).scalar()
            for model in (Complaint, RuleSetVersion, RuleSetDraft)} | {
        "versions": sorted(session.execute(select(Complaint.version)).scalars())}


@pytest.mark.parametrize("who,method,url,kwargs,status,field", CASES,
                         ids=[f"{c[1]} {c[2][:70]} {c[5]}" for c in CASES])
def test_bad_input_is_refused_naming_the_field(client, as_user, session, customer_id,
                                               who, method, url, kwargs, status, field):
    team = session.query(Team).filter_by(name="Claims & Compensation").one()
    team.assignment_method = "manual"
    session.commit()
    complaint = register_complaint(session, {"customer": customer_id, "channel": "web",
                                             "category": "damage", "description": "broken"})
    ids = {"c": complaint.id, "u": customer_id}
    before = _snapshot(session)
    if who == "claims_lead":
        from app.services.access import actor_for
        from app.services.lifecycle import perform

        lead = actor_for(session, client.application.appbuilder.sm.find_user(username=who))
        perform(session, complaint.id, "claim", {"version": 1}, lead)
        perform(session, complaint.id, "respond", {"version": 2, "message": "hi"}, lead)
        ids["v"] = 3
        before = _snapshot(session)
        kwargs = {**kwargs, "json": {**kwargs["json"], "version": 3}} if "json" in kwargs else {
            **kwargs, "data": kwargs["data"].replace('"version": 1', '"version": 3')}
    resp = getattr(client, method)(_fill(url, ids), headers=as_user(who), **_fill(kwargs, ids))
    body = resp.get_json()
    assert resp.status_code == status, (resp.status_code, body)
    if status == 200:  # validation problems, reported as such
        assert body["valid"] is False and body["problems"], body
    elif field is not None:
        assert body.get("field") == field, body
        assert field.split(".")[0].split("[")[0] in body["message"] or body.get("details"), body
    assert _snapshot(session) == before or method == "put" and status == 200


def test_api_upload_over_the_limit_is_413_json(app, client, as_user, session, customer_id):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    complaint = register_complaint(session, {"customer": customer_id, "channel": "web",
                                             "category": "damage", "description": "broken"})
    import io

    resp = client.post(f"/api/v1/complaints/{complaint.id}/attachments", headers=as_user("admin"),
                       data={"file": (io.BytesIO(b"x" * 10000), "big.png")},
                       content_type="multipart/form-data")
    assert resp.status_code == 413 and resp.is_json, resp.get_data(as_text=True)[:200]
    assert "2048" in resp.get_json()["message"]


def test_action_post_with_a_missing_row_is_not_a_server_error(client, session, customer_id):
    client.post("/login/", data={"username": "agent", "password": PASSWORD})
    resp = client.post("/complaintview/action_post",
                       data={"action": "claim_selected", "rowid": [999999]})
    assert resp.status_code in (302, 404), resp.status_code
    huge = client.post("/complaintview/action_post",
                       data={"action": "claim_selected", "rowid": ["99999999999999999999"]})
    assert huge.status_code in (302, 404), huge.status_code


def test_list_pages_bound_their_arguments(client):
    client.post("/login/", data={"username": "admin", "password": PASSWORD})
    for url in ("/complaintview/list/?page_ComplaintView=%C2%B2",
                "/complaintview/list/?psize_ComplaintView=99999999999999999999",
                "/complaintview/list/?psize_ComplaintView=0",
                "/complaintview/list/?_flt_0_level=99999999999999999999"):
        resp = client.get(url)
        assert resp.status_code == 400, url


def test_survey_score_in_other_digits_is_refused(client, session, customer_id):
    complaint = register_complaint(session, {"customer": customer_id, "channel": "web",
                                             "category": "damage", "description": "broken"})
    session.add(SurveyToken(token="t" * 40, complaint_id=complaint.id,
                            expires_at=utcnow() + timedelta(days=1)))
    session.commit()
    resp = client.post("/survey/" + "t" * 40, data={"score": "²"})
    assert resp.status_code == 400
    session.expire_all()
    assert session.get(Complaint, complaint.id).satisfaction is None
