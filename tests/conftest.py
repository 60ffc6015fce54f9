"""Fixtures: an app per test on a real database, SQLite and PostgreSQL.

A template database is migrated and bootstrapped once per backend; each test gets
a copy of it (a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL).
"""

import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.postgres import ThrowawayCluster, find_bin_dir

IN_CI = os.environ.get("CI", "").lower() == "true"
# One set of personal-data keys for every app and every process the tests start (several
# processes on one database must share them; without them each instance makes its own).
os.environ.setdefault("PII_KEYS", "test:dGVzdC1wZXJzb25hbC1kYXRhLWtleS0zMi1ieXRlcyE=")
os.environ.setdefault("PII_INDEX_KEY", "dGVzdC1ibGluZC1pbmRleC1rZXktb2YtMzItYnl0ZXM=")
PASSWORD = "secret-pass"
BACKENDS = ["sqlite", "postgresql"]


def app_settings(uri: str, instance: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": uri,
        "INSTANCE_PATH": instance,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-jwt",
        "ADMIN_PASSWORD": PASSWORD,
        "DEMO_PASSWORD": PASSWORD,
        "LOAD_DEMO_DATA": False,
        "SCHEDULER_ENABLED": False,
        "MAIL_ENABLED": False,  # mail tests switch it on, with an SMTP server on loopback
        "WTF_CSRF_ENABLED": False,
        "TESTING": True,
    }


def pytest_collection_modifyitems(config, items):
    """Apply the declared markers: `browser` to tests/browser, `postgres` to every test
    that runs on the PostgreSQL backend (so `pytest -m browser` or `-m "not postgres"` work)."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgresql":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def postgres_url():
    """Server URL (database `postgres`), or skip — never skip in CI."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if IN_CI:
            pytest.fail("PostgreSQL is not installed, and CI must test against it")
        pytest.skip("PostgreSQL server binaries not found; PostgreSQL tests skipped")
    cluster = ThrowawayCluster(bin_dir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def _admin_engine(server_url: str):
    return create_engine(server_url, isolation_level="AUTOCOMMIT")


def _with_database(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _bootstrap_template(uri: str, instance: str) -> None:
    from app import create_app
    from app.extensions import db
    from app.services.bootstrap import bootstrap
    from seed.demo import ensure_demo_users

    app = create_app(app_settings(uri, instance))
    with app.app_context():
        bootstrap(demo=False, echo=lambda *_: None)
        ensure_demo_users(db.session, PASSWORD)
        db.engine.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory, request):
    """Lazily built template databases, one per backend."""
    built = {}

    def get(backend: str) -> str:
        if backend in built:
            return built[backend]
        instance = str(tmp_path_factory.mktemp("template-instance"))
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("template") / "template.db"
            uri = f"sqlite:///{path}"
            _bootstrap_template(uri, instance)
            built[backend] = str(path)
        else:
            server = request.getfixturevalue("postgres_url")
            name = f"pd_template_{uuid.uuid4().hex[:8]}"
            with _admin_engine(server).connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            _bootstrap_template(_with_database(server, name), instance)
            built[backend] = name
        return built[backend]

    return get


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def database_uri(backend, templates, tmp_path, request):
    template = templates(backend)
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgres_url")
    name = f"pd_test_{uuid.uuid4().hex[:10]}"
    admin = _admin_engine(server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _with_database(server, name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def app_overrides() -> dict:
    """Settings a test module changes for its apps (override this fixture there)."""
    return {}


@pytest.fixture
def app(database_uri, tmp_path, app_overrides):
    from app import create_app
    from app.extensions import db

    application = create_app({**app_settings(database_uri, str(tmp_path / "instance")),
                              **app_overrides})

    def fresh_identity():
        # The test keeps one app context open, and Flask reuses it for every request, so
        # `g` would carry the previous request's user; in production each request has its own.
        from flask import g

        for key in ("user", "_login_user", "_jwt_extended_jwt_user", "_jwt_extended_jwt"):
            g.pop(key, None)

    application.before_request_funcs.setdefault(None, []).insert(0, fresh_identity)
    ctx = application.app_context()
    ctx.push()
    yield application
    db.session.remove()
    db.engine.dispose()
    ctx.pop()


@pytest.fixture
def session(app):
    from app.extensions import db

    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


def token_for(client, username: str, password: str = PASSWORD) -> dict:
    # A separate client: FAB's login also signs in a browser session, whose cookie
    # would otherwise speak for this user on later requests made with other tokens.
    resp = client.application.test_client().post("/api/v1/security/login",
                       json={"username": username, "password": password, "provider": "db"})
    assert resp.status_code == 200, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['access_token']}"}


@pytest.fixture
def as_user(client):
    """as_user('agent') -> auth headers for that demo user."""
    cache = {}

    def headers(username: str) -> dict:
        if username not in cache:
            cache[username] = token_for(client, username)
        return cache[username]

    return headers


@pytest.fixture
def customer_id(session):
    from app.models import Customer

    customer = Customer(name="张伟", kind="person", phone="13800000000",
                        email="zhang@example.cn", province="330000", city="Hangzhou")
    session.add(customer)
    session.commit()
    return customer.id
