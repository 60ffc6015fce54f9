"""Every create, update and delete of an audited record leaves an audit record: who, when,
from where, field by field before -> after, personal data masked."""

from sqlalchemy import select

from app.jobs.runs import run_job
from app.jobs.scheduler import ensure_settings
from app.models import (
    AuditRecord,
    Complaint,
    JobSetting,
    KnowledgeArticle,
    MailTemplate,
    ReplyTemplate,
    Team,
    Webhook,
)
from app.services.intake import register_complaint
from app.timeutil import utcnow
from tests.test_pages import login


def records(session, entity, entity_id=None, action=None):
    session.expire_all()
    query = select(AuditRecord).where(AuditRecord.entity == entity)
    if entity_id is not None:
        query = query.where(AuditRecord.entity_id == str(entity_id))
    if action is not None:
        query = query.where(AuditRecord.action == action)
    return list(session.execute(query.order_by(AuditRecord.id)).scalars())


def one(session, entity, entity_id, action):
    found = records(session, entity, entity_id, action)
    assert len(found) == 1, [(r.action, r.changes) for r in records(session, entity)]
    return found[0]


def test_customer_create_update_delete_through_the_api_masked(client, as_user, session):
    admin = as_user("admin")
    resp = client.post("/api/v1/customers/", headers=admin, json={
        "name": "王小明", "kind": "person", "phone": "13812345678", "email": "wang@example.cn",
        "address": "浙江省杭州市西湖区文三路 90 号", "province": "330000", "city": "Hangzhou"})
    assert resp.status_code == 201, resp.get_json()
    cid = resp.get_json()["id"]
    created = one(session, "customer", cid, "create")
    assert created.actor_name == "admin" and created.actor_id is not None
    assert created.address == "127.0.0.1"
    assert created.changes["name"] == [None, "王*"]
    assert created.changes["phone"] == [None, "138****5678"]
    assert created.changes["email"] == [None, "w***@example.cn"]
    assert created.changes["address"] == [None, "浙江省杭州市西湖区…"]
    assert created.changes["city"] == [None, "Hangzhou"]

    resp = client.put(f"/api/v1/customers/{cid}", headers=admin,
                      json={"phone": "13987654321", "tier": "key"})
    assert resp.status_code == 200, resp.get_json()
    updated = one(session, "customer", cid, "update")
    assert updated.changes == {"phone": ["138****5678", "139****4321"],
                               "tier": ["ordinary", "key"]}

    assert client.delete(f"/api/v1/customers/{cid}", headers=admin).status_code == 200
    deleted = one(session, "customer", cid, "delete")
    assert deleted.changes["name"] == ["王*", None] and deleted.changes["tier"] == ["key", None]
    everything = str([r.changes for r in records(session, "customer", cid)])
    for plain in ("王小明", "13812345678", "13987654321", "wang@example.cn", "文三路"):
        assert plain not in everything


def test_complaint_registration_action_correction_and_deletion(client, as_user, session,
                                                               customer_id):
    agent, admin = as_user("agent"), as_user("admin")
    team = session.execute(select(Team).where(Team.name == "Logistics Delivery")).scalar_one()
    team.assignment_method = "manual"  # left unassigned, for the agent to claim
    session.commit()
    resp = client.post("/api/v1/complaints/", headers=agent, json={
        "customer": customer_id, "channel": "web", "category": "delay",
        "description": "Call me on 13800001111, ID 330106199001011234"})
    assert resp.status_code == 201, resp.get_json()
    cid = resp.get_json()["id"]
    created = records(session, "complaint", cid, "create")[0]
    assert created.actor_name == "agent"
    assert created.changes["description"][1] == "Call me on 138****1111, ID 330106********1234"
    assert created.changes["category"] == [None, "delay"]

    version = session.get(Complaint, cid).version
    resp = client.post(f"/api/v1/complaints/{cid}/actions/claim", headers=agent,
                       json={"version": version})
    assert resp.status_code == 200, resp.get_json()
    claim = {}
    for record in records(session, "complaint", cid, "update"):
        assert record.actor_name == "agent"
        claim.update(record.changes)
    agent_id = client.application.appbuilder.sm.find_user(username="agent").id
    assert claim["assignee_id"] == [None, agent_id]

    resp = client.put(f"/api/v1/complaints/{cid}", headers=admin,
                      json={"category": "damage", "version": session.get(Complaint, cid).version})
    assert resp.status_code == 200, resp.get_json()
    assert records(session, "complaint", cid, "update")[-1].changes["category"] == [
        "delay", "damage"]

    resp = client.delete(f"/api/v1/complaints/{cid}", headers=admin)
    assert resp.status_code == 200, resp.get_json()
    assert one(session, "complaint", cid, "delete").changes["category"][0] == "damage"


def test_team_members_and_outlet_through_the_api(client, as_user, app, session):
    admin = as_user("admin")
    sm = app.appbuilder.sm
    agent, lead = sm.find_user(username="agent"), sm.find_user(username="lead")
    resp = client.post("/api/v1/teams/", headers=admin, json={
        "name": "Cold Chain Desk", "lead": lead.id, "members": [agent.id],
        "assignment_method": "least_loaded", "active": True})
    assert resp.status_code == 201, resp.get_json()
    tid = resp.get_json()["id"]
    created = one(session, "team", tid, "create")
    assert created.changes["name"] == [None, "Cold Chain Desk"]
    assert created.changes["members"] == {"added": ["agent"], "removed": []}
    resp = client.put(f"/api/v1/teams/{tid}", headers=admin,
                      json={"members": [lead.id], "active": False})
    assert resp.status_code == 200, resp.get_json()
    changed = one(session, "team", tid, "update").changes
    assert changed["members"] == {"added": ["lead"], "removed": ["agent"]}
    assert changed["active"] == [True, False]
    assert client.delete(f"/api/v1/teams/{tid}", headers=admin).status_code == 200
    assert one(session, "team", tid, "delete").changes["name"] == ["Cold Chain Desk", None]

    resp = client.post("/api/v1/outlets/", headers=admin, json={
        "code": "HZ-99", "name": "Binjiang depot", "region": "330000", "active": True})
    assert resp.status_code == 201, resp.get_json()
    oid = resp.get_json()["id"]
    assert one(session, "outlet", oid, "create").changes["code"] == [None, "HZ-99"]
    resp = client.put(f"/api/v1/outlets/{oid}", headers=admin, json={"name": "Binjiang hub"})
    assert resp.status_code == 200, resp.get_json()
    assert one(session, "outlet", oid, "update").changes == {
        "name": ["Binjiang depot", "Binjiang hub"]}
    assert client.delete(f"/api/v1/outlets/{oid}", headers=admin).status_code == 200
    assert one(session, "outlet", oid, "delete")


def test_users_roles_and_permissions_through_the_security_api(client, as_user, app, session):
    admin = as_user("admin")
    resp = client.post("/api/v1/security/roles/", headers=admin, json={"name": "Night Desk"})
    assert resp.status_code == 201, resp.get_json()
    rid = resp.get_json()["id"]
    assert one(session, "role", rid, "create").changes["name"] == [None, "Night Desk"]
    pvm = app.appbuilder.sm.find_permission_view_menu("can_read", "Complaint")
    resp = client.post(f"/api/v1/security/roles/{rid}/permissions", headers=admin,
                       json={"permission_view_menu_ids": [pvm.id]})
    assert resp.status_code == 200, resp.get_json()
    granted = one(session, "role", rid, "update").changes["permissions"]
    assert granted["removed"] == [] and len(granted["added"]) == 1
    assert "Complaint" in granted["added"][0]

    resp = client.post("/api/v1/security/users/", headers=admin, json={
        "first_name": "Li", "last_name": "Na", "username": "lina", "email": "lina@example.cn",
        "password": "a-long-password-1", "active": True, "roles": [rid]})
    assert resp.status_code == 201, resp.get_json()
    uid = resp.get_json()["id"]
    created = one(session, "user", uid, "create").changes
    assert created["username"] == [None, "lina"] and created["password"] == [None, "***"]
    assert created["roles"] == {"added": ["Night Desk"], "removed": []}
    resp = client.put(f"/api/v1/security/users/{uid}", headers=admin, json={"active": False})
    assert resp.status_code == 200, resp.get_json()
    assert one(session, "user", uid, "update").changes["active"] == [True, False]
    assert client.delete(f"/api/v1/security/users/{uid}", headers=admin).status_code == 200
    assert one(session, "user", uid, "delete")
    assert client.delete(f"/api/v1/security/roles/{rid}", headers=admin).status_code == 200
    assert one(session, "role", rid, "delete")
    assert "a-long-password-1" not in str([r.changes for r in records(session, "user")])


def test_settings_templates_webhooks_and_articles_through_the_pages(client, session):
    login(client, "admin")
    ensure_settings(session)
    setting = session.execute(select(JobSetting)).scalars().first()
    old = setting.interval_seconds
    resp = client.post(f"/jobsettingview/edit/{setting.job}",
                       data={"interval_seconds": str(old + 60), "enabled": "y"})
    assert resp.status_code == 302
    change = one(session, "job_setting", setting.job, "update")
    assert change.changes["interval_seconds"] == [old, old + 60]
    assert change.actor_name == "admin"

    template = session.execute(select(MailTemplate)).scalars().first()
    resp = client.post(f"/mailtemplateview/edit/{template.id}",
                       data={"subject": "New subject", "body": template.body})
    assert resp.status_code == 302
    assert one(session, "mail_template", template.id, "update").changes["subject"][1] == (
        "New subject")

    resp = client.post("/webhookview/add", data={"name": "ops", "url": "http://127.0.0.1:9/x",
                                                 "secret": "s3cret-value", "active": "y"})
    assert resp.status_code == 302
    hook = session.execute(select(Webhook).where(Webhook.name == "ops")).scalar_one()
    created = one(session, "webhook", hook.id, "create").changes
    assert created["secret"] == [None, "***"] and "s3cret-value" not in str(created)
    resp = client.post(f"/webhookview/edit/{hook.id}", data={
        "name": "ops", "url": "http://127.0.0.1:9/y", "secret": "other-secret", "active": "y"})
    assert resp.status_code == 302
    assert one(session, "webhook", hook.id, "update").changes["url"] == [
        "http://127.0.0.1:9/x", "http://127.0.0.1:9/y"]
    assert client.post(f"/webhookview/delete/{hook.id}").status_code == 302
    assert one(session, "webhook", hook.id, "delete")

    resp = client.post("/replytemplateview/add", data={
        "title": "Sorry", "category": "", "language": "en", "body": "We are sorry.",
        "active": "y"})
    assert resp.status_code == 302
    reply = session.execute(select(ReplyTemplate).where(ReplyTemplate.title == "Sorry")).scalar_one()
    assert one(session, "reply_template", reply.id, "create").changes["body"][1] == "We are sorry."

    before = {a.id for a in session.execute(select(KnowledgeArticle)).scalars()}
    resp = client.post("/knowledgearticleview/add", data={
        "title_en": "Cold parcels", "body_en": "Keep them cold.", "category": "",
        "active": "y"})
    assert resp.status_code == 302, resp.data[:300]
    article = [a for a in session.execute(select(KnowledgeArticle)).scalars()
               if a.id not in before][0]
    assert one(session, "knowledge_article", article.id, "create")


def test_a_command_is_recorded_as_the_command(app, session):
    template = session.execute(select(MailTemplate)).scalars().first()
    key = template.key
    session.delete(template)
    session.commit()
    result = app.test_cli_runner().invoke(args=["init"])  # puts the missing template back
    assert result.exit_code == 0, result.output
    again = session.execute(select(MailTemplate).where(MailTemplate.key == key)).scalar_one()
    created = one(session, "mail_template", again.id, "create")
    assert created.actor_name == "cli:init" and created.actor_id is None
    assert records(session, "mail_template", template.id, "delete")[0].actor_name == "system"


def test_a_job_is_recorded_as_the_job(app, session, customer_id):
    c = register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "delay", "description": "late", "urgency": 3})
    span = c.resolution_due_at - c.received_at
    run = run_job("escalation", now=c.received_at + span * 2.1)
    assert run.status == "ok", run.error
    by_job = [r for r in records(session, "complaint", c.id, "update")
              if r.actor_name == "job:escalation"]
    assert by_job and any("level" in r.changes for r in by_job)
    assert all(r.actor_id is None and r.address is None for r in by_job)
    assert records(session, "complaint", c.id, "create")[0].actor_name == "system"
    assert utcnow() - by_job[0].at < span * 3
