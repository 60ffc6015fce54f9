"""Audit and access records cannot be changed or deleted: not through the ORM, not through
any page or API, not even with SQL on the application's own database connection."""

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from app.models import AccessLog, AuditRecord, Customer
from app.services.access import Actor
from app.services.privacy.access_log import record_access
from app.services.privacy.append_only import AppendOnly
from tests.test_pages import login


@pytest.fixture
def rows(session, customer_id):
    customer = session.get(Customer, customer_id)
    customer.city = "Ningbo"  # an audited change
    record_access(session, actor=Actor(id=1, username="admin"), action="reveal",
                  customer_id=customer_id, fields=["phone"], reason="callback")
    session.commit()
    audit = session.execute(select(AuditRecord).order_by(AuditRecord.id.desc())).scalars().first()
    access = session.execute(select(AccessLog)).scalar_one()
    ids = audit.id, access.id
    session.commit()  # no transaction left open: TRUNCATE would wait for it
    return ids


@pytest.mark.parametrize("model", [AuditRecord, AccessLog])
def test_the_orm_refuses_to_change_or_delete_a_record(session, rows, model):
    record_id = rows[0] if model is AuditRecord else rows[1]
    record = session.get(model, record_id)
    record.actor_name = "someone else"
    with pytest.raises(AppendOnly):
        session.commit()
    session.rollback()
    session.delete(session.get(model, record_id))
    with pytest.raises(AppendOnly):
        session.commit()
    session.rollback()
    for statement in (update(model).values(actor_name="x"), delete(model)):
        with pytest.raises(AppendOnly):
            session.execute(statement)
        session.rollback()
    session.expire_all()
    assert session.get(model, record_id).actor_name != "someone else"


@pytest.mark.parametrize("table", ["audit_record", "access_log"])
def test_the_database_refuses_update_and_delete_on_the_apps_connection(session, rows, table):
    """The app's own engine and role (the owner of the tables, in these tests a superuser)."""
    for sql in (f"UPDATE {table} SET actor_name = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError) as error:
            with session.get_bind().begin() as connection:
                connection.execute(text(sql))
        assert "append-only" in str(error.value)
    with session.get_bind().connect() as connection:
        count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
        assert count >= 1
        changed = connection.execute(text(
            f"SELECT count(*) FROM {table} WHERE actor_name = 'x'")).scalar()
        assert changed == 0


def test_truncate_is_refused_on_postgresql(session, rows, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    for table in ("audit_record", "access_log"):
        with pytest.raises(DBAPIError) as error:
            with session.get_bind().begin() as connection:
                connection.execute(text(f"TRUNCATE {table}"))
        assert "append-only" in str(error.value)


def test_no_privilege_to_update_or_delete_is_granted_on_postgresql(session, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no privileges")
    with session.get_bind().connect() as connection:
        grants = connection.execute(text(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name IN ('audit_record', 'access_log')")).all()
    assert grants, "the owner keeps SELECT and INSERT"
    assert not {p for _, p in grants} & {"UPDATE", "DELETE", "TRUNCATE"}


@pytest.mark.parametrize("user", ["admin", "auditor"])
def test_no_api_endpoint_changes_or_deletes_a_record(client, as_user, session, rows, user):
    headers = as_user(user)
    audit_id, access_id = rows
    for path in (f"/api/v1/audit/{audit_id}", f"/api/v1/audit/access/{access_id}",
                 "/api/v1/audit/", "/api/v1/audit/access/"):
        for method in ("put", "patch", "delete", "post"):
            resp = getattr(client, method)(path, headers=headers, json={"actor": "x"})
            assert resp.status_code in (404, 405), (method, path, resp.status_code)
    session.expire_all()
    assert session.get(AuditRecord, audit_id).actor_name != "x"
    assert session.get(AccessLog, access_id).actor_name == "admin"


def test_no_page_changes_or_deletes_a_record(client, session, rows):
    login(client, "admin")
    audit_id, access_id = rows
    for path in ("/audit/trail", "/audit/access", f"/audit/trail/{audit_id}",
                 f"/audit/edit/{audit_id}", f"/audit/delete/{audit_id}",
                 f"/auditrecordview/delete/{audit_id}", f"/accesslogview/delete/{access_id}"):
        resp = client.post(path, data={"actor_name": "x"})
        assert resp.status_code in (404, 405), (path, resp.status_code)
    assert session.execute(select(AuditRecord).where(AuditRecord.id == audit_id)).scalar_one()


def test_a_serving_role_set_up_as_documented_cannot_change_them(session, rows, backend,
                                                                database_uri):
    """The README's recipe: a login role that owns nothing, granted the usual rights."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL roles")
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    role = "pd_app_" + make_url(database_uri).database[-8:]
    with session.get_bind().begin() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        connection.execute(text(
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'))
        connection.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
        connection.execute(text(
            f'REVOKE UPDATE, DELETE, TRUNCATE ON audit_record, access_log FROM "{role}"'))
    engine = create_engine(make_url(database_uri).set(username=role, password=None))
    try:
        with engine.begin() as connection:  # it still writes both, and reads them
            connection.execute(text(
                "INSERT INTO access_log (at, actor_name, action, customer_id, fields, reason) "
                "VALUES (now(), 'app', 'export', 1, 'name', 'check')"))
            assert connection.execute(text("SELECT count(*) FROM audit_record")).scalar() >= 1
        for sql in ("UPDATE audit_record SET actor_name = 'x'", "DELETE FROM access_log",
                    "TRUNCATE audit_record"):
            with pytest.raises(DBAPIError) as error:
                with engine.begin() as connection:
                    connection.execute(text(sql))
            assert "permission denied" in str(error.value)
    finally:
        engine.dispose()
        with session.get_bind().begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
