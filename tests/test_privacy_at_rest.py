"""Personal data at rest: customers' names, phones, e-mails and addresses are sealed with
AES-GCM under named keys (nothing readable in the SQLite file or the PostgreSQL rows),
found through the blind index, re-sealed by `pii rotate-key`, and the keys are required in
production (app/services/privacy)."""

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from app import create_app
from app.extensions import db
from app.models import Customer
from app.services.customers import find_customers
from app.services.intake import register_complaint
from app.services.privacy.crypto import SealError
from config import BASE_DIR
from tests.conftest import app_settings
from tests.test_pages import login


def key(byte: int) -> str:
    return base64.b64encode(bytes([byte]) * 32).decode()


K1, K2, INDEX = f"k1:{key(1)}", f"k2:{key(2)}", key(9)
NAME, PHONE, EMAIL = "欧阳娜娜", "+86 139-1234-5678", "Nana.Ouyang@Example.cn"
ADDRESS = "杭州市西湖区文三路 88 号"
PAGE_NAME, PAGE_PHONE, PAGE_EMAIL = "司马光明", "13722223333", "guangming@example.cn"
PRE_SEAL = "b7e1c4d2a9f0"  # the migration before the personal data was sealed


@pytest.fixture
def app_overrides():
    return {"PII_KEYS": K1, "PII_INDEX_KEY": INDEX}


def _database_text(app, session) -> str:
    """Everything the database holds, as stored: the SQLite file (and its WAL), or every
    row of every PostgreSQL table as text."""
    session.commit()
    if db.engine.dialect.name == "sqlite":
        path = Path(db.engine.url.database)
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists()
                        ).decode("utf-8", "replace")
    tables = inspect(db.engine).get_table_names()
    return "\n".join(str(v) for t in tables
                     for v in session.execute(text(f'SELECT t::text FROM "{t}" t')).scalars())


def _add_customer(client, as_user, **extra) -> int:
    resp = client.post("/api/v1/customers/", headers=as_user("agent"), json={
        "name": NAME, "kind": "person", "phone": PHONE, "email": EMAIL, "address": ADDRESS,
        "province": "330000", "city": "Hangzhou", **extra})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def _raw(session, customer_id: int) -> dict:
    row = session.execute(text("SELECT name, phone, email, address, phone_last4 "
                               "FROM customer WHERE id = :id"), {"id": customer_id}).one()
    return row._asdict()


def test_registered_customers_leave_no_plaintext_in_the_database(app, client, session,
                                                                 as_user):
    customer_id = _add_customer(client, as_user)
    resp = client.post("/api/v1/complaints/", headers=as_user("agent"), json={
        "customer": customer_id, "channel": "web", "category": "delay",
        "description": "The parcel is a week late"})
    assert resp.status_code == 201, resp.get_json()
    login(client, "agent")
    resp = client.post("/complaintview/add", data={
        "new_name": PAGE_NAME, "new_phone": PAGE_PHONE, "new_email": PAGE_EMAIL,
        "channel": "phone", "category": "delay", "description": "Where is my parcel?"})
    assert resp.status_code == 302

    stored = _database_text(app, session)
    for secret in (NAME, PHONE, "13912345678", "139-1234-5678", EMAIL, EMAIL.lower(),
                   ADDRESS, "文三路", PAGE_NAME, PAGE_PHONE, PAGE_EMAIL):
        assert secret not in stored, secret
    raw = _raw(session, customer_id)
    assert all(raw[c].startswith("k1:") for c in ("name", "phone", "email", "address"))
    assert raw["phone_last4"] == "5678"
    # Python code sees the plain values: the API masks them, a reveal opens them.
    shown = client.get(f"/api/v1/customers/{customer_id}", headers=as_user("agent")).get_json()
    assert (shown["result"]["name"], shown["result"]["phone"], shown["result"]["email"],
            shown["result"]["address"]) == ("欧阳*", "+86 139****5678", "N***@Example.cn",
                                             "杭州市西湖区…")
    revealed = client.post(f"/api/v1/customers/{customer_id}/reveal", headers=as_user("admin"),
                           json={"reason": "Calling the customer back"}).get_json()["result"]
    assert (revealed["name"], revealed["phone"], revealed["email"],
            revealed["address"]) == (NAME, PHONE, EMAIL, ADDRESS)
    session.expire_all()
    assert session.get(Customer, customer_id).phone == PHONE
    # The limits are the plain text's, whatever room the sealed form takes.
    for field, value in (("name", "名" * 121), ("email", "a" * 120 + "@example.cn")):
        resp = client.post("/api/v1/customers/", headers=as_user("agent"),
                           json={"name": "王五", "kind": "person", field: value})
        assert resp.status_code in (400, 422) and field in str(resp.get_json()), resp.get_json()


def test_lookup_by_phone_or_email_through_the_blind_index(client, session, as_user):
    customer_id = _add_customer(client, as_user)
    other = _add_customer(client, as_user, name="李娜", phone="13912340000",
                          email="li.na@example.cn")
    headers = as_user("agent")

    def lookup(query: str):
        return client.get(f"/api/v1/customers/lookup?{query}", headers=headers)

    for query in ("phone=13912345678", "phone=%2B8613912345678", "phone=139%201234%205678",
                  "email=%20nana.ouyang@EXAMPLE.cn%20"):
        resp = lookup(query)
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        assert body["count"] == 1 and body["ids"] == [customer_id], query
        # found by the full number, shown masked like every answer of the customers API
        assert body["result"][0]["phone"] == "+86 139****5678"
        assert body["result"][0]["name"] == "欧阳*"
    assert lookup("phone=13900000000").get_json()["count"] == 0
    for query, field in (("phone=abc", "phone"), ("phone=12", "phone"), ("", "phone"),
                         ("email=not-an-address", "email"),
                         ("phone=13912345678&email=a@b.cn", "phone")):
        resp = lookup(query)
        assert resp.status_code == 400 and resp.get_json()["field"] == field, query
    assert client.get("/api/v1/customers/lookup?phone=13912345678").status_code == 401

    # The list's filters compare the blind index ("equal to"); sealed columns do not sort.
    # (An admin: agents list only the customers of complaints they may see.)
    headers = as_user("admin")
    q = "(filters:!((col:phone,opr:blind_eq,value:'139 1234 0000')))"
    listed = client.get(f"/api/v1/customers/?q={q}", headers=headers).get_json()
    assert listed["ids"] == [other]
    q = "(filters:!((col:name,opr:blind_eq,value:'欧阳娜娜')))"
    assert client.get(f"/api/v1/customers/?q={q}", headers=headers).get_json()["ids"] == [
        customer_id]
    for opr in ("ct", "eq"):  # no SQL comparison of ciphertext
        q = f"(filters:!((col:phone,opr:{opr},value:'13912340000')))"
        assert client.get(f"/api/v1/customers/?q={q}", headers=headers).status_code == 400
    q = "(filters:!((col:tier,opr:eq,value:ordinary)))"  # FAB's own "eq" elsewhere
    assert client.get(f"/api/v1/customers/?q={q}", headers=headers).get_json()["count"] == 2
    q = "(order_column:name,order_direction:asc)"
    assert client.get(f"/api/v1/customers/?q={q}", headers=headers).status_code == 400
    with pytest.raises(TypeError, match="customer.phone is sealed"):
        select(Customer).where(Customer.phone == "13912340000")  # would find nothing


def test_registration_search_by_last_digits_exact_name_email_or_waybill(client, session,
                                                                        as_user):
    customer_id = _add_customer(client, as_user)
    same_last4 = _add_customer(client, as_user, name="李娜", phone="13800005678", email=None)
    register_complaint(session, {"customer": same_last4, "channel": "web",
                                 "category": "delay", "description": "late",
                                 "waybill_no": "SF1234567890"})

    def ids(query):
        return [c.id for c in find_customers(session, query)]

    assert ids("5678") == [same_last4, customer_id]  # newest first
    assert ids("12345678") == [customer_id]  # same last four, the rest told apart
    assert ids("139-1234-5678") == [customer_id]
    assert ids(NAME) == [customer_id] and ids(f" {NAME} ") == [customer_id]
    assert ids("欧阳") == []  # a part of a sealed name cannot be searched
    assert ids(EMAIL.upper()) == [customer_id]
    assert ids("SF1234567890") == [same_last4]
    login(client, "agent")
    found = client.get("/complaintview/customers?q=1234-5678").get_json()["result"]
    assert [(c["id"], c["phone"]) for c in found] == [(customer_id, "+86 139****5678")]


def _app_with(database_uri: str, instance: Path, keys: str):
    return create_app({**app_settings(database_uri, str(instance)), "PII_KEYS": keys,
                       "PII_INDEX_KEY": INDEX})


def test_rotation_reseals_everything_under_the_new_key(app, client, session, as_user,
                                                       database_uri, tmp_path):
    ids = [_add_customer(client, as_user, phone=f"1390000000{i}", email=f"c{i}@example.cn")
           for i in range(5)]
    session.add(Customer(name="无邮箱", kind="person", phone=None))
    session.commit()
    rotated = _app_with(database_uri, tmp_path / "rotated", f"{K2},{K1}")
    with rotated.app_context():
        # Before the rotation, the old values stay readable next to new ones.
        db.session.add(Customer(name="新客户", kind="person", phone="13700000000"))
        db.session.commit()
        assert db.session.get(Customer, ids[0]).phone == "13900000000"
        result = rotated.test_cli_runner().invoke(args=["pii", "rotate-key", "--batch", "2"])
        assert result.exit_code == 0, result.output
        assert "Key k2: 6 rows re-sealed" in result.output
        assert "customer.phone: 5 values re-sealed" in result.output
        assert "customer.name: 6 values re-sealed" in result.output
        db.session.remove()
        db.engine.dispose()
    session.expire_all()
    for customer_id in ids:
        raw = _raw(session, customer_id)
        assert all(raw[c].startswith("k2:") for c in ("name", "phone", "email", "address"))
    only_new = _app_with(database_uri, tmp_path / "new-only", K2)
    with only_new.app_context():  # the old key can go now
        customers = db.session.execute(select(Customer).order_by(Customer.id)).scalars().all()
        assert [c.phone for c in customers][:5] == [f"1390000000{i}" for i in range(5)]
        assert [c.name for c in customers][-2:] == ["无邮箱", "新客户"]
        found = find_customers(db.session, "13900000003")
        assert [c.id for c in found] == [ids[3]]  # the blind index did not change
        again = only_new.test_cli_runner().invoke(args=["pii", "rotate-key"])
        assert "Key k2: 0 rows re-sealed" in again.output
        db.session.remove()
        db.engine.dispose()


def test_a_value_under_an_unknown_key_is_a_clear_error(app, client, session, as_user,
                                                       database_uri):
    customer_id = _add_customer(client, as_user)
    session.execute(text("UPDATE customer SET phone = :v WHERE id = :id"),
                    {"v": "k9:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "id": customer_id})
    session.commit()
    session.expire_all()
    with pytest.raises(SealError, match="key 'k9', which PII_KEYS does not hold"):
        session.get(Customer, customer_id).phone  # noqa: B018
    session.rollback()
    session.execute(text("UPDATE customer SET phone = :v WHERE id = :id"),
                    {"v": "k1:" + key(7), "id": customer_id})  # the right key id, other data
    session.commit()
    session.expire_all()
    with pytest.raises(SealError, match="does not open with the key 'k1'"):
        session.get(Customer, customer_id).phone  # noqa: B018
    session.rollback()
    result = app.test_cli_runner().invoke(args=["pii", "rotate-key"])  # nothing is stale
    assert result.exit_code == 0
    rotated_ring = _app_with(database_uri, Path(app.instance_path) / "k2", f"{K2},{K1}")
    with rotated_ring.app_context():
        result = rotated_ring.test_cli_runner().invoke(args=["pii", "rotate-key"])
        assert result.exit_code == 1 and "does not open with the key 'k1'" in result.output
        db.session.remove()
        db.engine.dispose()


def test_migration_seals_existing_rows_and_drops_the_plaintext_index(app, session):
    downgrade(revision=PRE_SEAL)
    db.session.remove()
    session.execute(text("INSERT INTO customer (name, kind, phone, email, address, tier, "
                         "created_at) VALUES (:n, 'person', :p, :e, :a, 'ordinary', "
                         "CURRENT_TIMESTAMP)"),
                    {"n": NAME, "p": PHONE, "e": EMAIL, "a": ADDRESS})
    session.commit()
    upgrade()
    session.expire_all()
    indexes = {i["name"] for i in inspect(db.engine).get_indexes("customer")}
    assert "ix_customer_phone" not in indexes and "ix_customer_name" not in indexes
    assert {"ix_customer_phone_hash", "ix_customer_phone_last4"} <= indexes
    customer_id = session.execute(text("SELECT id FROM customer")).scalar()
    raw = _raw(session, customer_id)
    assert all(raw[c].startswith("k1:") for c in ("name", "phone", "email", "address"))
    assert NAME not in _database_text(app, session).replace("\x00", "") or \
        db.engine.dialect.name == "sqlite"  # freed SQLite pages may keep old bytes
    assert [c.id for c in find_customers(session, "+8613912345678")] == [customer_id]
    assert session.get(Customer, customer_id).address == ADDRESS


def test_development_keys_are_made_once_into_the_instance_folder(database_uri, tmp_path):
    instance = tmp_path / "dev-instance"
    unset = {**app_settings(database_uri, str(instance)), "PII_KEYS": None,
             "PII_INDEX_KEY": None}
    first = create_app(unset)
    keys_file = instance / "pii-keys.json"
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    with first.app_context():
        db.session.add(Customer(name="开发者", kind="person", phone="13600000000"))
        db.session.commit()
        db.engine.dispose()
    content = keys_file.read_text()
    second = create_app(unset)
    assert keys_file.read_text() == content  # reused, not made again
    with second.app_context():
        assert db.session.execute(select(Customer.phone)).scalar() == "13600000000"
        db.session.remove()
        db.engine.dispose()


def _start(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PII_KEYS", "PII_INDEX_KEY", "SECRET_KEY", "DATABASE_URL")}
    env.update(PARCELDESK_ENV="production", SECRET_KEY="0123456789abcdef" * 4,
               INSTANCE_PATH=str(tmp_path / "instance"), SCHEDULER_ENABLED="false",
               DATABASE_URL="postgres://nobody@127.0.0.1:1/none", **extra)
    return subprocess.run([sys.executable, "run.py"], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_the_keys(tmp_path):
    proc = _start(tmp_path)
    assert proc.returncode == 2
    assert "PII_KEYS and PII_INDEX_KEY not set" in proc.stderr and "Traceback" not in proc.stderr
    proc = _start(tmp_path, PII_KEYS=K1)
    assert proc.returncode == 2 and "PII_INDEX_KEY not set" in proc.stderr
    proc = _start(tmp_path, PII_KEYS="k1:c2hvcnQ=", PII_INDEX_KEY=INDEX)
    assert proc.returncode == 2 and "16, 24 or 32 bytes" in proc.stderr
    proc = _start(tmp_path, PII_KEYS=f"bad id:{key(1)}", PII_INDEX_KEY=INDEX)
    assert proc.returncode == 2 and "PII_KEYS must read id:base64key" in proc.stderr
    assert not (tmp_path / "instance" / "pii-keys.json").exists()  # none made in production
