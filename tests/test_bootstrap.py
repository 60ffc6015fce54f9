"""Start-up: migrations build the whole schema; a second start changes nothing."""

import os
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model
from sqlalchemy import func, select, text

from app.models import Complaint, Customer
from config import BASE_DIR


def test_models_and_migrations_agree(app, session):
    with session.get_bind().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Model.metadata)
    assert diff == [], diff


def _counts(session):
    tables = ["ab_user", "ab_role", "ab_permission_view", "ab_permission_view_role", "team",
              "customer", "complaint", "knowledge_article", "reply_template", "text_model"]
    return {t: session.execute(text(f"select count(*) from {t}")).scalar() for t in tables}


def test_second_bootstrap_changes_nothing(app, session):
    from app.services.bootstrap import bootstrap

    said = []
    before = _counts(session)
    bootstrap(demo=True, echo=said.append)  # database is not empty of users, but of complaints
    after_first = _counts(session)
    assert after_first["complaint"] > 0  # demo data loaded into an empty complaint table
    # the demo comes with a knowledge base and a first text model, trained once
    assert after_first["knowledge_article"] > 0 and after_first["text_model"] == 1
    said.clear()
    bootstrap(demo=True, echo=said.append)
    assert _counts(session) == after_first
    assert said == []
    assert before["ab_role"] == after_first["ab_role"]


def test_generated_admin_password_is_printed_once(app, session):
    from app.services.bootstrap import ensure_admin

    sm = app.appbuilder.sm
    admin = sm.find_user(username="admin")
    session.delete(admin)
    session.commit()
    app.config["ADMIN_PASSWORD"] = None
    said = []
    assert ensure_admin(said.append) is True
    password = said[0].rsplit(": ", 1)[1]
    assert sm.auth_user_db("admin", password) is not None
    said.clear()
    assert ensure_admin(said.append) is False
    assert said == []


def test_production_without_secret_key_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(PARCELDESK_ENV="production", INSTANCE_PATH=str(tmp_path))
    proc = subprocess.run([sys.executable, "run.py"], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "SECRET_KEY" in proc.stderr


def test_seed_demo_cli(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo", "--complaints", "500", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "Inserted 500 complaints" in result.output
    assert session.execute(select(func.count()).select_from(Complaint)).scalar() == 500
    assert session.execute(select(func.count()).select_from(Customer)).scalar() >= 300
    bad = runner.invoke(args=["seed", "demo", "--complaints", "0"])
    assert bad.exit_code != 0 and "complaints" in bad.output.lower()


def test_fresh_process_loads_every_view(tmp_path):
    """Importing the app in a new process must not trip over lazy translations at import
    time (the home page view is imported by Flask-AppBuilder before Babel is set up)."""
    code = ("from app import create_app; app = create_app({'SQLALCHEMY_DATABASE_URI': "
            f"'sqlite:///{tmp_path}/x.db', 'INSTANCE_PATH': '{tmp_path}'}}); "
            "print(app.appbuilder.indexview.__name__)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "HomeView"
    assert "error occurred" not in proc.stderr.lower()


def test_start_up_banner_lists_the_demo_users(app):
    from app.services.bootstrap import demo_banner

    app.config["LOAD_DEMO_DATA"] = True
    banner = demo_banner()
    assert banner[0] == f"Demo users (password: {app.config['DEMO_PASSWORD']}):"
    agent = next(line for line in banner if line.split()[0] == "agent")
    assert "Agent" in agent and "Logistics Delivery" in agent
    app.config["LOAD_DEMO_DATA"] = False  # production: no demo users announced
    assert demo_banner() == []
