"""Safe by default in production: no demo data or users unless asked for, no unknown
environment names, no short secret keys, and one clear line when the database is out of
reach (run.py, init, jobs run, scheduler run)."""

import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import BASE_DIR, ConfigError, load_config

CLEARED = ("SECRET_KEY", "PII_KEYS", "PII_INDEX_KEY", "DATABASE_URL", "PARCELDESK_ENV",
           "FLASK_ENV", "LOAD_DEMO_DATA", "ADMIN_PASSWORD", "DEMO_COMPLAINTS")
GOOD_SECRET = "0123456789abcdef" * 4
PII = {"PII_KEYS": "k1:" + "a" * 43 + "=", "PII_INDEX_KEY": "b" * 43 + "="}  # 32-byte keys
UNREACHABLE = "postgres://parceldesk:hunter2-secret@127.0.0.1:1/parceldesk"


def environ(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), SCHEDULER_ENABLED="false",
               MAIL_ENABLED="false", **extra)
    return env


def run(args, env, timeout=300):
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def settings_env(monkeypatch):
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_unknown_environment_name_is_refused(tmp_path):
    proc = run(["run.py"], environ(tmp_path, PARCELDESK_ENV="prod", SECRET_KEY=GOOD_SECRET))
    assert proc.returncode == 2
    assert "'prod'" in proc.stderr and "development, testing, production" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("secret", ["short", "x" * 31])
def test_production_refuses_a_short_secret_key_naming_the_minimum(tmp_path, secret):
    proc = run(["run.py"], environ(tmp_path, PARCELDESK_ENV="production", SECRET_KEY=secret))
    assert proc.returncode == 2
    assert "SECRET_KEY is too short" in proc.stderr and "at least 32" in proc.stderr


def test_secret_key_and_demo_defaults_per_environment(settings_env):
    settings_env.setenv("PARCELDESK_ENV", "production")
    settings_env.setenv("SECRET_KEY", "y" * 32)
    for name, value in PII.items():
        settings_env.setenv(name, value)
    assert load_config()["LOAD_DEMO_DATA"] is False
    settings_env.setenv("LOAD_DEMO_DATA", "true")
    assert load_config()["LOAD_DEMO_DATA"] is True
    settings_env.delenv("PARCELDESK_ENV")
    settings_env.delenv("LOAD_DEMO_DATA")
    settings_env.setenv("SECRET_KEY", "short")  # development accepts any key
    assert load_config()["LOAD_DEMO_DATA"] is True  # `make run` still shows the demo
    settings_env.setenv("PARCELDESK_ENV", "Staging")
    with pytest.raises(ConfigError, match="'staging' is not a known environment"):
        load_config()


@pytest.mark.parametrize("url, expected", [
    ("postgres://u:p@db.example:5432/pd", "postgresql+psycopg://u:p@db.example:5432/pd"),
    ("postgresql://u@db/pd", "postgresql+psycopg://u@db/pd"),
    ("postgresql+psycopg://u@db/pd", "postgresql+psycopg://u@db/pd"),
    ("sqlite:////tmp/pd.db", "sqlite:////tmp/pd.db"),
])
def test_postgres_urls_name_the_installed_driver(settings_env, url, expected):
    settings_env.setenv("DATABASE_URL", url)
    assert load_config()["SQLALCHEMY_DATABASE_URI"] == expected


@pytest.mark.parametrize("args", [
    ["run.py"],
    ["-m", "flask", "--app", "run", "init"],
    ["-m", "flask", "--app", "run", "jobs", "run", "escalation"],
    ["-m", "flask", "--app", "run", "scheduler", "run"],
], ids=["run.py", "init", "jobs-run", "scheduler-run"])
def test_unreachable_database_is_one_clear_line(tmp_path, args):
    proc = run(args, environ(tmp_path, DATABASE_URL=UNREACHABLE), timeout=60)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "cannot connect to the postgresql server 127.0.0.1:1, database parceldesk" in lines[0]
    assert "check DATABASE_URL" in lines[0]
    assert "hunter2" not in proc.stderr  # the password is not printed


def test_unusable_database_url_is_one_clear_line(tmp_path):
    proc = run(["run.py"], environ(tmp_path, DATABASE_URL="mysql://u@db/pd"), timeout=60)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "DATABASE_URL is not a database URL ParcelDesk can use" in proc.stderr


@pytest.fixture
def empty_database_url(backend, tmp_path, request):
    """A database with nothing in it; PostgreSQL's is given as `postgres://`."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = request.getfixturevalue("postgres_url")
    name = f"pd_empty_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    yield url.replace("postgresql+psycopg://", "postgres://", 1)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _contents(url):
    engine = create_engine(url.replace("postgres://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        users = set(conn.execute(text("select username from ab_user")).scalars())
        complaints = conn.execute(text("select count(*) from complaint")).scalar()
    engine.dispose()
    return users, complaints


def test_production_init_creates_no_demo_data_unless_asked(tmp_path, empty_database_url):
    env = environ(tmp_path, PARCELDESK_ENV="production", SECRET_KEY=GOOD_SECRET, **PII,
                  DATABASE_URL=empty_database_url, ADMIN_PASSWORD="admin-password-123",
                  DEMO_COMPLAINTS="3")
    proc = run(["-m", "flask", "--app", "run", "init"], env)
    assert proc.returncode == 0, proc.stderr
    assert _contents(empty_database_url) == ({"admin"}, 0)
    proc = run(["-m", "flask", "--app", "run", "init", "--demo"], env)
    assert proc.returncode == 0, proc.stderr
    users, complaints = _contents(empty_database_url)
    assert complaints == 3 and "agent" in users
