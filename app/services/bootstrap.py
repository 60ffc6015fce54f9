"""First start and every start: schema, permissions, roles, admin, rules, demo data.

Alembic creates the schema; Flask-AppBuilder's own table creation is off, so its
permissions and our roles are written here, after the upgrade (as Superset does).
Every step is idempotent: a second start changes nothing.
"""

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import func, select

from app.extensions import db
from app.models import Complaint
from app.shipped import random_password


def migrate_schema() -> None:
    upgrade(directory=current_app.extensions["migrate"].directory)


def sync_security() -> None:
    appbuilder = current_app.appbuilder
    # Admin must exist first: add_permissions grants every new permission to it.
    appbuilder.sm.add_role(appbuilder.sm.auth_role_admin)
    appbuilder.add_permissions(update_perms=True)
    appbuilder.sm.sync_roles()


def ensure_admin(echo=print) -> bool:
    """Create the admin on first start; a generated password is printed once."""
    sm = current_app.appbuilder.sm
    cfg = current_app.config
    if sm.find_user(username=cfg["ADMIN_USERNAME"]):
        return False
    password = cfg["ADMIN_PASSWORD"]
    generated = password is None
    if generated:
        password = random_password()
    sm.add_user(cfg["ADMIN_USERNAME"], "Office", "Admin", cfg["ADMIN_EMAIL"],
                sm.find_role(sm.auth_role_admin), password=password)
    if generated:
        echo(f"Created admin user '{cfg['ADMIN_USERNAME']}' with password: {password}")
        echo("This password is shown only once; set ADMIN_PASSWORD to choose your own.")
    else:
        echo(f"Created admin user '{cfg['ADMIN_USERNAME']}' (password from ADMIN_PASSWORD)")
    return True


def database_is_empty() -> bool:
    return db.session.execute(select(func.count()).select_from(Complaint)).scalar() == 0


def bootstrap(*, demo: bool | None = None, echo=print) -> None:
    migrate_schema()
    sync_security()
    ensure_admin(echo)
    from app.services.teams import ensure_default_teams
    from seed.demo import ensure_demo_users, generate_demo

    ensure_default_teams(db.session)
    from app.services.mail import ensure_default_templates

    ensure_default_templates(db.session)
    from app.services.replies import ensure_default_reply_templates

    ensure_default_reply_templates(db.session)
    from app.policy.store import load_defaults

    loaded = load_defaults(db.session)
    if loaded:
        echo(f"Published the default rule sets: {', '.join(loaded)}")
    load_demo = current_app.config["LOAD_DEMO_DATA"] if demo is None else demo
    if load_demo and database_is_empty():
        ensure_demo_users(db.session, current_app.config["DEMO_PASSWORD"])
        count = current_app.config["DEMO_COMPLAINTS"]
        generate_demo(db.session, complaints=count, days=current_app.config["DEMO_DAYS"],
                      progress=False)
        echo(f"Loaded demo data: {count} complaints")
        _demo_intelligence(echo)


def _demo_intelligence(echo) -> None:
    """The demo's knowledge base and a first text model, so that suggestions show at once."""
    from app.intelligence.training import NotEnoughExamples, train_model
    from seed.knowledge import ensure_demo_knowledge

    ensure_demo_knowledge(db.session)
    try:
        version = train_model(db.session,
                              min_examples=current_app.config["INTELLIGENCE_MIN_EXAMPLES"])
        echo(f"Trained text model {version.id} on {version.examples} demo complaints")
    except NotEnoughExamples as exc:
        db.session.rollback()
        echo(f"No text model yet: {exc.message}")


def demo_banner() -> list[str]:
    """The demo users that exist, with their role, team and password, for the start-up
    banner of a development desk (nothing when demo data is off or none were made)."""
    from seed import reference as ref

    if not current_app.config.get("LOAD_DEMO_DATA"):
        return []
    sm = current_app.appbuilder.sm
    lines = []
    for username, _name, _last, role, team, _lead in ref.DEMO_USERS:
        if sm.find_user(username=username) is not None:
            lines.append(f"  {username:<15} {role:<14} {team or ''}")
    if not lines:
        return []
    password = current_app.config.get("DEMO_PASSWORD")
    return [f"Demo users (password: {password}):", *lines]
