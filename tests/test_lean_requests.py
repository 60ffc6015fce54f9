"""A registration's cost in SQL statements, and the cached role permissions: a grant or a
revoke is seen by the next request, whichever process (or raw SQL) made it."""

import collections

import pytest
from sqlalchemy import delete, event, insert, select

from app.extensions import db
from app.permission_cache import bump

MAX_STATEMENTS = 12  # the audit trail's record of the new complaint included
AUDIT_INSERT = "INSERT INTO audit_record"


@pytest.fixture
def statements(app):
    """Statements run on the app's engine while the `with` block runs, by first word."""
    kinds: collections.Counter = collections.Counter()
    texts: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        kinds[statement.lstrip().split(None, 1)[0].upper()] += 1
        texts.append(" ".join(statement.split())[:160])

    class Counting:
        def __enter__(self):
            kinds.clear()
            texts.clear()
            event.listen(db.engine, "before_cursor_execute", count)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", count)

        total = property(lambda self: sum(kinds.values()))
        audit = property(lambda self: sum(t.startswith(AUDIT_INSERT) for t in texts))
        by_kind = property(lambda self: dict(kinds))
        listing = property(lambda self: "\n".join(texts))
        texts = property(lambda self: list(texts))

    return Counting()


def register(client, headers, customer_id, **extra):
    return client.post("/api/v1/complaints/", headers=headers, json={
        "customer": customer_id, "channel": "phone", "category": "delay",
        "description": "Parcel is three days late", **extra})


# A waybill adds one lookup: the customer's earlier complaint about it (a repeat).
@pytest.mark.parametrize("username,extra,limit", [
    ("admin", {}, MAX_STATEMENTS), ("agent", {}, MAX_STATEMENTS),
    ("agent", {"waybill_no": "SF1234567890"}, MAX_STATEMENTS + 1),
])
def test_registration_takes_at_most_12_statements(client, as_user, customer_id, statements,
                                                  username, extra, limit):
    """The fixture's customer has an e-mail address: the outbox row is among them, and
    the audit trail's one record of the new complaint. The actor's teams come from the
    per-process cache: no statement for them."""
    headers = as_user(username)
    assert register(client, headers, customer_id).status_code == 201  # caches filled
    with statements:
        response = register(client, headers, customer_id, **extra,
                            description="Box crushed, the vase inside is broken")
    assert response.status_code == 201, response.get_json()
    assert statements.audit == 1, statements.listing
    assert statements.total <= limit, statements.listing
    assert not any(t.startswith("SELECT team.id, team.name, team.lead_id")
                   for t in statements.texts), statements.listing
    assert statements.by_kind.get("UPDATE", 0) == 0, statements.listing
    result = response.get_json()["result"]
    assert result["number"].startswith("TC") and result["team"]["name"]
    assert result["customer"]["id"] == customer_id and result["duplicates"] == []


def test_the_answer_matches_what_was_stored(client, as_user, customer_id):
    """The answer is built without reloading: it must equal a fresh read."""
    created = register(client, as_user("admin"), customer_id).get_json()
    db.session.expunge_all()
    stored = client.get(f"/api/v1/complaints/{created['id']}",
                        headers=as_user("admin")).get_json()["result"]
    for field in ("number", "level", "status", "team", "assignee", "customer",
                  "resolution_due_at", "first_response_due_at", "tags", "version",
                  "completeness", "duplicate_of", "is_repeat", "late_registration"):
        assert created["result"][field] == stored[field], field


def alert_permission(sm):
    return sm.find_permission_view_menu("can_read", "Alert")


def test_a_grant_and_a_revoke_are_seen_by_the_next_request(client, as_user, app):
    sm = app.appbuilder.sm
    headers = as_user("agent")
    agent_role = sm.find_role("Agent")
    assert client.get("/api/v1/alerts/", headers=headers).status_code == 403

    sm.add_permission_role(agent_role, alert_permission(sm))
    assert client.get("/api/v1/alerts/", headers=headers).status_code == 200

    sm.del_permission_role(agent_role, alert_permission(sm))
    assert client.get("/api/v1/alerts/", headers=headers).status_code == 403


def test_a_grant_written_elsewhere_is_seen_once_the_stamp_moves(client, as_user, app):
    """Another process, or raw SQL, that bumps the stamp: every process reloads."""
    from flask_appbuilder.security.sqla.models import assoc_permissionview_role

    sm = app.appbuilder.sm
    headers = as_user("agent")
    role_id, pvm_id = sm.find_role("Agent").id, alert_permission(sm).id
    assert client.get("/api/v1/alerts/", headers=headers).status_code == 403
    grant = {"role_id": role_id, "permission_view_id": pvm_id}
    db.session.execute(insert(assoc_permissionview_role).values(**grant))
    bump(db.session)
    db.session.commit()
    assert client.get("/api/v1/alerts/", headers=headers).status_code == 200

    db.session.execute(delete(assoc_permissionview_role).where(
        assoc_permissionview_role.c.role_id == role_id,
        assoc_permissionview_role.c.permission_view_id == pvm_id))
    bump(db.session)
    db.session.commit()
    assert client.get("/api/v1/alerts/", headers=headers).status_code == 403


def test_public_grants_are_cached_and_invalidated_too(client, app):
    """An anonymous request is answered from the public role's cached grants."""
    sm = app.appbuilder.sm
    public = sm.find_role(sm.auth_role_public)
    assert client.get("/api/v1/alerts/").status_code == 401
    sm.add_permission_role(public, alert_permission(sm))
    assert client.get("/api/v1/alerts/").status_code == 200
    sm.del_permission_role(public, alert_permission(sm))
    assert client.get("/api/v1/alerts/").status_code == 401


def test_role_changes_bump_the_stamp(app):
    from app.models import PermissionStamp

    sm = app.appbuilder.sm
    before = db.session.execute(select(PermissionStamp.version)).scalar()
    sm.add_role("Night Shift")
    assert db.session.execute(select(PermissionStamp.version)).scalar() > before


def test_a_membership_change_is_seen_by_the_next_request(client, as_user, app, customer_id):
    """Teams are cached with the grants: adding the agent to a team shows them its
    complaints on their next request, removing them hides them again."""
    from tests.test_access import new_complaint

    sm = app.appbuilder.sm
    admin, agent = as_user("admin"), as_user("agent")
    claims = new_complaint(db.session, customer_id, category="damage")
    url = f"/api/v1/complaints/{claims.id}"
    assert client.get(url, headers=agent).status_code == 404
    team = client.get(f"/api/v1/teams/{claims.team_id}", headers=admin).get_json()["result"]
    members = [m["id"] for m in team["members"]]
    agent_id = sm.find_user(username="agent").id
    response = client.put(f"/api/v1/teams/{claims.team_id}", headers=admin,
                          json={"members": members + [agent_id]})
    assert response.status_code == 200, response.get_json()
    assert client.get(url, headers=agent).status_code == 200

    response = client.put(f"/api/v1/teams/{claims.team_id}", headers=admin,
                          json={"members": members})
    assert response.status_code == 200, response.get_json()
    assert client.get(url, headers=agent).status_code == 404


def test_a_new_lead_sees_their_team_at_once(client, as_user, app, customer_id):
    """Leading a team (its lead field) is read from the same cache."""
    from tests.test_access import new_complaint

    sm = app.appbuilder.sm
    admin, agent = as_user("admin"), as_user("agent")
    claims = new_complaint(db.session, customer_id, category="damage")
    url = f"/api/v1/complaints/{claims.id}"
    assert client.get(url, headers=agent).status_code == 404
    response = client.put(f"/api/v1/teams/{claims.team_id}", headers=admin,
                          json={"lead": sm.find_user(username="agent").id})
    assert response.status_code == 200, response.get_json()
    assert client.get(url, headers=agent).status_code == 200


def test_registering_and_acting_leave_the_stamp_alone(client, as_user, customer_id):
    """A complaint added to a team marks the team as touched in the session, but changes
    nothing the cache holds: no reload of every grant after each registration."""
    from app.models import PermissionStamp

    before = db.session.execute(select(PermissionStamp.version)).scalar()
    for _ in range(3):
        assert register(client, as_user("agent"), customer_id).status_code == 201
    assert db.session.execute(select(PermissionStamp.version)).scalar() == before
