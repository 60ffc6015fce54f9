"""No one reads or changes what their role does not allow: one visibility rule for every
list and related tab, generic edits limited per role, four eyes on money, teams that
cannot be deleted from under their complaints and rules, one path for attachments."""

import io

from app.models import Attachment, Complaint, ComplaintEvent, Team
from app.services.intake import register_complaint
from tests.test_pages import login


def new_complaint(session, customer_id, category="delay", manual=True):
    """delay → Logistics Delivery (agent, agent2, lead); damage → Claims & Compensation."""
    team_name = {"delay": "Logistics Delivery", "damage": "Claims & Compensation"}[category]
    team = session.query(Team).filter_by(name=team_name).one()
    if manual:
        team.assignment_method = "manual"
        session.commit()
    return register_complaint(session, {"customer": customer_id, "channel": "web",
                                        "category": category, "description": "late"})


def act(client, headers, cid, action, **body):
    return client.post(f"/api/v1/complaints/{cid}/actions/{action}", headers=headers, json=body)


def in_progress(client, session, headers, complaint):
    """Claimed and answered by the user of `headers`: ready for a resolution."""
    assert act(client, headers, complaint.id, "claim", version=complaint.version).status_code == 200
    session.refresh(complaint)
    r = act(client, headers, complaint.id, "respond", version=complaint.version, message="on it")
    assert r.status_code == 200, r.get_json()
    session.refresh(complaint)
    return complaint


# --- one visibility rule ---------------------------------------------------------------

def test_timeline_and_attachment_lists_show_only_visible_complaints(client, session, as_user,
                                                                   customer_id):
    claims = new_complaint(session, customer_id, category="damage")
    headers = as_user("claims_agent")
    assert act(client, headers, claims.id, "note", version=1,
               text="Customer is a journalist").status_code == 200
    upload = client.post(f"/api/v1/complaints/{claims.id}/attachments", headers=headers,
                         data={"file": (io.BytesIO(b"%PDF-1.4"), "claims-invoice.pdf"),
                               "version": 1})
    assert upload.status_code == 201, upload.get_json()

    def pages(username):
        login(client, username)
        seen = client.get(f"/complaintview/show/{claims.id}").get_data(as_text=True)
        client.get("/logout/")
        return seen

    # the timeline and the evidence are shown only in the complaint's own workspace
    own_team, other_team = pages("claims_agent"), pages("agent")
    assert "journalist" in own_team and "claims-invoice.pdf" in own_team
    assert "journalist" not in other_team and "claims-invoice.pdf" not in other_team
    assert "journalist" in pages("auditor")  # sees every team
    login(client, "agent")
    assert client.get(f"/complaintview/show/{claims.id}").status_code == 404
    # no list of every complaint's events or files, and no FAB file download
    for url in ("/complainteventview/list/", "/complaintattachmentview/list/",
                "/complaintattachmentview/download/x.pdf"):
        assert client.get(url).status_code == 404, url


def test_every_complaint_address_is_closed_to_another_team(client, session, as_user,
                                                          customer_id):
    claims = new_complaint(session, customer_id, category="damage")
    cid, agent = claims.id, as_user("agent")
    api = [client.get(f"/api/v1/complaints/{cid}", headers=agent),
           client.get(f"/api/v1/complaints/{cid}/events", headers=agent),
           client.get(f"/api/v1/complaints/{cid}/decisions", headers=agent),
           client.put(f"/api/v1/complaints/{cid}", headers=agent,
                      json={"version": 1, "description": "x"}),
           act(client, agent, cid, "note", version=1, text="x"),
           client.post(f"/api/v1/complaints/{cid}/actions/attach", headers=agent,
                       data={"file": (io.BytesIO(b"%PDF"), "a.pdf"), "version": 1}),
           client.post(f"/api/v1/complaints/{cid}/attachments", headers=agent,
                       data={"file": (io.BytesIO(b"%PDF"), "a.pdf"), "version": 1})]
    assert [r.status_code for r in api] == [404] * len(api)
    listed = client.get("/api/v1/complaints/", headers=agent).get_json()
    assert cid not in listed["ids"]
    login(client, "agent")
    pages = [client.get(f"/complaintview/show/{cid}"), client.get(f"/complaintview/edit/{cid}"),
             client.post(f"/complaintview/act/{cid}/note", data={"version": "1", "text": "x"})]
    assert [r.status_code for r in pages] == [404] * len(pages)
    for url in (f"/complainteventview/list/?_flt_0_complaint={cid}",
                f"/complaintattachmentview/list/?_flt_0_complaint={cid}",
                f"/customercomplaintsview/list/?_flt_0_customer={customer_id}",
                f"/teamcomplaintsview/list/?_flt_0_team={claims.team_id}",
                "/complaintview/list/", "/work/team"):
        page = client.get(url).get_data(as_text=True)
        assert claims.number not in page and "registered" not in page, url
    session.expire_all()
    assert session.query(ComplaintEvent).filter_by(complaint_id=cid, kind="note").count() == 0


def test_list_actions_act_only_on_visible_rows(client, session, customer_id):
    claims = new_complaint(session, customer_id, category="damage")
    login(client, "agent")
    page = client.post("/complaintview/action_post",
                       data={"action": "claim_selected", "rowid": [str(claims.id), "999999"]},
                       follow_redirects=True).get_data(as_text=True)
    assert claims.number not in page  # another team's complaint is not even named
    session.expire_all()
    assert session.get(Complaint, claims.id).assignee_id is None


# --- generic edits ---------------------------------------------------------------------

def test_approval_cannot_be_bypassed_by_editing_the_level(client, session, as_user, customer_id):
    c = new_complaint(session, customer_id)
    c.level = 4
    session.commit()
    agent = as_user("agent")
    in_progress(client, session, agent, c)
    assert act(client, agent, c.id, "propose_resolution", version=c.version,
               kind="apology", text="Sorry").status_code == 200
    session.refresh(c)
    refused = act(client, agent, c.id, "resolve", version=c.version)
    assert refused.status_code == 409 and "approval" in refused.get_json()["message"]
    edit = client.put(f"/api/v1/complaints/{c.id}", headers=agent,
                      json={"version": c.version, "level": 1})
    assert edit.status_code == 403, edit.get_json()
    assert edit.get_json()["field"] == "level" and "level" in edit.get_json()["message"]
    assert act(client, agent, c.id, "resolve", version=c.version).status_code == 409
    session.expire_all()
    assert session.get(Complaint, c.id).level == 4


def test_generic_edit_refuses_lifecycle_fields_naming_them(client, session, as_user, customer_id):
    c = new_complaint(session, customer_id)
    finance = session.query(Team).filter_by(name="Finance").one()
    for username in ("agent", "lead", "admin"):
        r = client.put(f"/api/v1/complaints/{c.id}", headers=as_user(username), json={
            "version": 1, "team": finance.id, "status": "closed", "assignee": 1,
            "resolution_due_at": "2030-01-01T00:00:00+00:00", "description": "fine"})
        assert r.status_code == 403, (username, r.get_json())
        body = r.get_json()
        assert set(body["details"]) == {"team", "status", "assignee", "resolution_due_at"}
        assert "assignee, resolution_due_at, status, team" in body["message"]
    ok = client.put(f"/api/v1/complaints/{c.id}", headers=as_user("agent"),
                    json={"version": 1, "description": "late by three days"})
    assert ok.status_code == 200, ok.get_json()
    session.expire_all()
    fresh = session.get(Complaint, c.id)
    assert fresh.team.name == "Logistics Delivery" and fresh.status == "new"
    assert fresh.description == "late by three days"


def test_policy_editor_and_other_teams_cannot_edit_complaints(client, session, as_user,
                                                              customer_id):
    c = new_complaint(session, customer_id)
    editor = client.put(f"/api/v1/complaints/{c.id}", headers=as_user("editor"),
                        json={"version": 1, "description": "edited by the editor"})
    assert editor.status_code == 403 and "role" in editor.get_json()["message"]
    auditor = client.put(f"/api/v1/complaints/{c.id}", headers=as_user("auditor"),
                         json={"version": 1, "description": "edited by the auditor"})
    assert auditor.status_code == 403
    other = client.put(f"/api/v1/complaints/{c.id}", headers=as_user("claims_agent"),
                       json={"version": 1, "description": "edited by another team"})
    assert other.status_code == 404  # as for reading
    session.expire_all()
    assert session.get(Complaint, c.id).description == "late"


def test_edit_form_offers_only_editable_fields_and_records_the_change(client, session,
                                                                      customer_id):
    c = new_complaint(session, customer_id)
    finance = session.query(Team).filter_by(name="Finance").one()
    login(client, "agent")
    form = client.get(f"/complaintview/edit/{c.id}").get_data(as_text=True)
    assert 'id="description"' in form
    assert 'id="level"' not in form and 'id="team"' not in form
    assert f'id="seen_version" name="seen_version" type="hidden" value="{c.version}"' in form
    typed = {"category": "delay", "impact": "individual", "description": "late, box wet",
             "expected_outcome": "", "level": "1", "team": str(finance.id)}
    stale = client.post(f"/complaintview/edit/{c.id}", data={**typed, "seen_version": "0"},
                        follow_redirects=True).get_data(as_text=True)
    assert "has changed since you loaded it" in stale
    session.expire_all()
    assert session.get(Complaint, c.id).description == "late"
    client.post(f"/complaintview/edit/{c.id}", data={**typed, "seen_version": str(c.version)})
    session.expire_all()
    fresh = session.get(Complaint, c.id)
    assert fresh.description == "late, box wet"
    assert fresh.team.name == "Logistics Delivery" and fresh.level == c.level
    edited = [e for e in fresh.events if e.kind == "edited"]
    assert edited and edited[-1].details["description"] == ["late", "late, box wet"]
    client.get("/logout/")
    login(client, "editor")
    page = client.get(f"/complaintview/edit/{c.id}", follow_redirects=True)
    assert "your role cannot edit complaints" in page.get_data(as_text=True)
    assert 'id="description"' not in page.get_data(as_text=True)


# --- four eyes -------------------------------------------------------------------------

def test_the_proposer_cannot_approve_their_own_compensation(client, session, as_user,
                                                            customer_id):
    c = new_complaint(session, customer_id)
    lead = as_user("lead")
    in_progress(client, session, lead, c)
    assert act(client, lead, c.id, "propose_resolution", version=c.version, kind="compensation",
               amount=1500, text="Refund the goods").status_code == 200
    session.refresh(c)
    own = act(client, lead, c.id, "approve_resolution", version=c.version)
    assert own.status_code == 409, own.get_json()
    assert "another lead" in own.get_json()["message"]
    session.expire_all()
    assert session.get(Complaint, c.id).resolution_approved_at is None
    other = act(client, as_user("admin"), c.id, "approve_resolution", version=c.version)
    assert other.status_code == 200, other.get_json()
    session.refresh(c)
    assert act(client, lead, c.id, "resolve", version=c.version).status_code == 200


# --- teams ---------------------------------------------------------------------------------

def test_teams_in_use_cannot_be_deleted_over_the_api(client, session, as_user, customer_id):
    admin = as_user("admin")
    new_complaint(session, customer_id)  # Logistics Delivery now has a complaint
    ids = {t.name: t.id for t in session.query(Team)}
    cases = {"Intake & Triage": "catch-all", "Logistics Delivery": "1 complaint",
             "Finance": "routing", "Management": "escalation"}
    for name, reason in cases.items():
        r = client.delete(f"/api/v1/teams/{ids[name]}", headers=admin)
        assert r.status_code == 409, (name, r.get_json())
        assert reason in r.get_json()["message"] and "deactivate" in r.get_json()["message"]
    spare = client.post("/api/v1/teams/", headers=admin, json={"name": "Spare"}).get_json()["id"]
    assert client.delete(f"/api/v1/teams/{spare}", headers=admin).status_code == 200
    session.expire_all()
    assert {t.name for t in session.query(Team)} == set(ids)
    # deactivating is the way out
    r = client.put(f"/api/v1/teams/{ids['Finance']}", headers=admin, json={"active": False})
    assert r.status_code == 200, r.get_json()


def test_teams_in_use_cannot_be_deleted_on_the_page(client, session, customer_id):
    triage = session.query(Team).filter_by(name="Intake & Triage").one()
    login(client, "admin")
    page = client.post(f"/teamview/delete/{triage.id}", follow_redirects=True)
    assert "deactivate it instead" in page.get_data(as_text=True)
    session.expire_all()
    assert session.get(Team, triage.id) is not None


# --- attachments: one path ------------------------------------------------------------------

def test_attachment_api_runs_the_checks_of_the_attach_action(client, session, as_user,
                                                             customer_id, app):
    c = new_complaint(session, customer_id)
    agent = as_user("agent")

    def upload(headers, **form):
        return client.post(f"/api/v1/complaints/{c.id}/attachments", headers=headers,
                           data={"file": (io.BytesIO(b"%PDF-1.4"), "receipt.pdf"), **form})

    assert upload(agent).status_code == 400  # names no version
    assert upload(as_user("claims_agent"), version=c.version).status_code == 404
    for status in ("resolved", "closed"):  # the follow-up team sees these of every team
        c.status = status
        session.commit()
        r = upload(as_user("callback_agent"), version=c.version)
        assert r.status_code in (403, 404), r.get_json()
    r = upload(agent, version=c.version)
    assert r.status_code == 409 and r.get_json()["field"] == "status"
    assert session.query(Attachment).count() == 0
    c.status = "in_progress"
    session.commit()
    assert upload(agent, version=c.version).status_code == 201


# --- nothing cut; versions ----------------------------------------------------------------

def test_over_long_text_is_refused_naming_the_limit(client, session, as_user, customer_id):
    c = new_complaint(session, customer_id)
    agent = as_user("agent")
    events = session.query(ComplaintEvent).filter_by(complaint_id=c.id).count()
    long_note = act(client, agent, c.id, "note", version=1, text="x" * 4001)
    assert long_note.status_code == 400
    assert long_note.get_json()["field"] == "text" and "4000" in long_note.get_json()["message"]
    assert act(client, agent, c.id, "note", version=1, text="x" * 4000).status_code == 200
    assert act(client, agent, c.id, "claim", version=1).status_code == 200
    session.refresh(c)
    long_answer = act(client, agent, c.id, "respond", version=c.version, message="y" * 10**6)
    assert long_answer.status_code == 400 and long_answer.get_json()["field"] == "message"
    session.expire_all()
    fresh = session.get(Complaint, c.id)
    assert fresh.first_responded_at is None and fresh.status == "assigned"
    stored = [e.details.get("text") for e in fresh.events if e.kind == "note"]
    assert stored == ["x" * 4000] and fresh.events.count() == events + 2
    long_description = client.put(f"/api/v1/complaints/{c.id}", headers=agent,
                                  json={"version": fresh.version, "description": "z" * 10001})
    assert long_description.status_code == 400
    assert "10000" in long_description.get_json()["details"]["description"]


def test_team_description_is_refused_when_too_long(client, session, as_user):
    finance = session.query(Team).filter_by(name="Finance").one()
    r = client.put(f"/api/v1/teams/{finance.id}", headers=as_user("admin"),
                   json={"description": "d" * 2001})
    assert r.status_code == 422 and "description" in r.get_json()["message"]
    session.expire_all()
    assert len(session.get(Team, finance.id).description or "") < 2001


def test_notes_check_the_version_but_do_not_move_it(client, session, as_user, customer_id):
    c = new_complaint(session, customer_id)
    agent = as_user("agent")
    for text in ("first note", "second note, written at the same version"):
        r = act(client, agent, c.id, "note", version=1, text=text)
        assert r.status_code == 200 and r.get_json()["result"]["version"] == 1
    assert act(client, agent, c.id, "claim", version=1).get_json()["result"]["version"] == 2
    stale = act(client, agent, c.id, "note", version=1, text="written before the claim")
    assert stale.status_code == 409 and stale.get_json()["field"] == "version"
    texts = [e.details.get("text") for e in
             session.query(ComplaintEvent).filter_by(complaint_id=c.id, kind="note")]
    assert texts == ["first note", "second note, written at the same version"]


def test_a_lead_transfers_a_misrouted_complaint_with_a_reason(client, session, as_user,
                                                              customer_id):
    """What replaces re-routing by edit: the `transfer` action, a lead's, with a reason."""
    c = new_complaint(session, customer_id)
    finance = session.query(Team).filter_by(name="Finance").one()
    assert act(client, as_user("agent"), c.id, "claim", version=1).status_code == 200
    refused = act(client, as_user("agent"), c.id, "transfer", version=2, team=finance.id,
                  reason="a fee dispute")
    assert refused.status_code == 403 and "lead" in refused.get_json()["message"]
    no_reason = act(client, as_user("lead"), c.id, "transfer", version=2, team=finance.id)
    assert no_reason.status_code == 400 and no_reason.get_json()["field"] == "reason"
    moved = act(client, as_user("lead"), c.id, "transfer", version=2, team=finance.id,
                reason="a fee dispute, not a delay")
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()["result"]
    assert body["team"]["name"] == "Finance" and body["assignee"] is None
    assert body["status"] == "new" and body["version"] == 3
    session.expire_all()
    event = [e for e in session.get(Complaint, c.id).events if e.kind == "transfer"][-1]
    assert event.details == {"from": "Logistics Delivery", "to": "Finance",
                             "reason": "a fee dispute, not a delay"}
    # the old team no longer sees it
    assert client.get(f"/api/v1/complaints/{c.id}", headers=as_user("agent")).status_code == 404


def test_transfer_on_the_complaint_page(client, session, customer_id):
    c = new_complaint(session, customer_id)
    finance = session.query(Team).filter_by(name="Finance").one()
    login(client, "lead")
    page = client.get(f"/complaintview/show/{c.id}").get_data(as_text=True)
    assert "action-transfer" in page and f'value="{finance.id}"' in page
    client.post(f"/complaintview/act/{c.id}/transfer", data={
        "version": str(c.version), "team": str(finance.id), "reason": "fee dispute"})
    session.expire_all()
    assert session.get(Complaint, c.id).team_id == finance.id
    client.get("/logout/")
    login(client, "agent2")
    assert client.get(f"/complaintview/show/{c.id}").status_code == 404


def test_publish_comments_and_file_names_are_refused_when_too_long(client, session, as_user,
                                                                   customer_id):
    editor = as_user("editor")
    rules = client.get("/api/v1/rulesets/routing", headers=editor).get_json()["rules"]
    r = client.post("/api/v1/rulesets/routing/versions", headers=editor,
                    json={"rules": rules, "comment": "c" * 2001})
    assert r.status_code == 400 and "2000" in r.get_json()["message"], r.get_json()
    r = client.post("/api/v1/rulesets/routing/rollback", headers=editor,
                    json={"version": 1, "comment": "c" * 2000})
    assert r.status_code == 400 and r.get_json()["field"] == "comment"
    c = new_complaint(session, customer_id)
    r = client.post(f"/api/v1/complaints/{c.id}/attachments", headers=as_user("agent"),
                    data={"file": (io.BytesIO(b"%PDF"), "n" * 300 + ".pdf"), "version": 1})
    assert r.status_code == 400 and "255" in r.get_json()["message"]


def test_testing_rules_on_another_teams_complaint_finds_no_such_complaint(client, session,
                                                                          as_user, customer_id):
    claims = new_complaint(session, customer_id, "damage")
    own = new_complaint(session, customer_id, "delay")
    lead = as_user("lead")  # leads Logistics Delivery, may test rules
    hidden = client.post("/api/v1/rulesets/routing/test", headers=lead,
                         json={"complaint": claims.id})
    assert hidden.status_code == 404
    assert str(claims.id) in hidden.get_json()["message"]
    assert claims.number not in hidden.get_data(as_text=True)
    seen = client.post("/api/v1/rulesets/routing/test", headers=lead, json={"complaint": own.id})
    assert seen.status_code == 200 and seen.get_json()["team"] == "Logistics Delivery"
    auditor = client.post("/api/v1/rulesets/routing/test", headers=as_user("auditor"),
                          json={"complaint": claims.id})
    assert auditor.status_code == 200
