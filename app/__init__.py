"""ParcelDesk: the app factory."""

import logging
from pathlib import Path

from flask import Flask, flash, jsonify, redirect, request
from flask_appbuilder import AppBuilder
from sqlalchemy.exc import ArgumentError

from app.api.input_checks import init_input_checks
from app.database import configure_engine, refresh_statistics
from app.extensions import db, migrate
from app.forgery import exempt, init_forgery_protection
from app.requestlog import init_request_log
from app.services.errors import DomainError
from app.shipped import MIGRATIONS_DIR, ConfigError, load_config


def create_app(overrides: dict | None = None) -> Flask:
    """Build an app; `overrides` replaces settings read from the environment."""
    # FAB warns once per related column of its own security APIs; noise, not news.
    logging.getLogger("flask_appbuilder.models.filters").setLevel(logging.ERROR)
    settings = load_config()
    settings.update(overrides or {})
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"])
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from app.services.privacy import blind_index, crypto

    crypto.init_app(app)  # the personal data's keys, before anything reads a customer
    blind_index.keep_index()

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # An unreachable server fails in seconds instead of the system's TCP timeout.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).setdefault(
            "connect_timeout", app.config["DATABASE_CONNECT_TIMEOUT"])
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from app.sqlite_writers import connection_class

        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).setdefault(
            "factory", connection_class(app.config["SQLITE_BUSY_TIMEOUT"]))
    try:
        db.init_app(app)
    except (ArgumentError, ImportError) as exc:  # a malformed URL, an unknown dialect or driver
        raise ConfigError(f"DATABASE_URL is not a database URL ParcelDesk can use ({exc}); "
                          "use sqlite:///path/to/file.db or "
                          "postgresql+psycopg://user:password@host:5432/database") from None
    with app.app_context():
        configure_engine(db.engine, busy_timeout_seconds=app.config["SQLITE_BUSY_TIMEOUT"])
        refresh_statistics(db.engine, only_if_missing=True)
    from app.audit import install as install_audit_trail

    install_audit_trail()
    init_forgery_protection(app)
    # render_as_batch lets Alembic alter tables on SQLite too.
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)

    with app.app_context():
        # One AppBuilder per app: tests build many apps (FAB-NOTES).
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        from app.api import register_apis
        from app.views import register_views

        register_views(appbuilder)
        register_apis(appbuilder)

    from app.public import bp as public_pages

    exempt(public_pages)  # the survey is authorised by its secret address, not a cookie
    app.register_blueprint(public_pages)
    from app import ops, telemetry

    app.register_blueprint(ops.bp)
    telemetry.init_app(app)
    from app.cli import register_cli

    register_cli(app)
    init_request_log(app)
    init_input_checks(app)
    _register_error_pages(app)
    return app


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        if request.path.startswith("/api/"):
            return jsonify(exc.as_dict()), exc.status
        flash(exc.message, "danger")
        return redirect(request.referrer or "/")
