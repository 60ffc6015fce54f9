"""Every setting comes from the environment, with development defaults.

`load_config()` returns a plain dict so that tests can build apps with their own
settings by passing overrides to `create_app()`.
"""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET = "parceldesk-development-only-not-for-production"


class ConfigError(RuntimeError):
    """The configuration cannot run the app; the message says what to set."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from exc


def environment() -> str:
    return (os.environ.get("PARCELDESK_ENV") or os.environ.get("FLASK_ENV") or "development").lower()


def load_config() -> dict:
    instance = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))
    env = environment()
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. In production ParcelDesk refuses to start without "
                "an explicit SECRET_KEY (for example: export SECRET_KEY=$(python -c "
                "'import secrets; print(secrets.token_hex(32))'))."
            )
        secret = DEV_SECRET
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'parceldesk.db'}"
        ),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "HOST": os.environ.get("HOST", "127.0.0.1"),
        "PORT": _int("PORT", 8080),
        "ADMIN_USERNAME": os.environ.get("ADMIN_USERNAME", "admin"),
        "ADMIN_EMAIL": os.environ.get("ADMIN_EMAIL", "admin@parceldesk.local"),
        "ADMIN_PASSWORD": os.environ.get("ADMIN_PASSWORD") or None,
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "demo"),
        "DEMO_COMPLAINTS": _int("DEMO_COMPLAINTS", 2000),
        "DEMO_DAYS": _int("DEMO_DAYS", 60),
        "LOAD_DEMO_DATA": _bool("LOAD_DEMO_DATA", True),
        "OFFICE_TIMEZONE": os.environ.get("OFFICE_TIMEZONE", "Asia/Shanghai"),
        "ATTACHMENT_MAX_BYTES": _int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
        "MAX_CONTENT_LENGTH": _int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024) + 1024 * 1024,
        "SCHEDULER_ENABLED": _bool("SCHEDULER_ENABLED", True),
        "MAIL_ENABLED": _bool("MAIL_ENABLED", True),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": _int("SMTP_PORT", 25),
        "SMTP_USER": os.environ.get("SMTP_USER") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", False),
        "SMTP_TIMEOUT": _int("SMTP_TIMEOUT", 10),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "ParcelDesk <complaints@parceldesk.local>"),
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:8080"),
        "SURVEY_DAYS": _int("SURVEY_DAYS", 14),
        "COMPENSATION_APPROVAL_LIMIT": _int("COMPENSATION_APPROVAL_LIMIT", 500),
        "QUEUE_PAGE_SIZE": _int("QUEUE_PAGE_SIZE", 50),
        "ALERT_RESOLVE_AFTER": _int("ALERT_RESOLVE_AFTER", 3),
        "WEBHOOK_TIMEOUT": _int("WEBHOOK_TIMEOUT", 5),
        "SCHEDULER_LEASE_SECONDS": _int("SCHEDULER_LEASE_SECONDS", 30),
        # Text intelligence: no model before this many person-categorised complaints, and
        # no suggestion below this confidence (0-1).
        "INTELLIGENCE_MIN_EXAMPLES": _int("INTELLIGENCE_MIN_EXAMPLES", 200),
        "SUGGEST_THRESHOLD": float(os.environ.get("SUGGEST_THRESHOLD") or 0.5),
        # Flask-AppBuilder
        "APP_NAME": "ParcelDesk",
        "AUTH_TYPE": 1,  # AUTH_DB
        "FAB_ADD_SECURITY_API": True,
        "FAB_API_SWAGGER_UI": True,
        "FAB_UPDATE_PERMS": False,  # permissions are synced by `bootstrap`, after migrations
        "FAB_CREATE_DB": False,  # the schema is created by Alembic only
        "FAB_SECURITY_MANAGER_CLASS": "app.security.ParcelDeskSecurityManager",
        "FAB_INDEX_VIEW": "app.views.home.HomeView",
        "FAB_BASE_TEMPLATE": "parceldesk_base.html",
        "FAB_API_MAX_PAGE_SIZE": 500,
        "AUTH_ROLE_ADMIN": "Admin",
        "AUTH_ROLE_PUBLIC": "Public",
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "en"),
        "LANGUAGES": {
            "en": {"flag": "gb", "name": "English"},
            "zh": {"flag": "cn", "name": "简体中文"},
        },
        "WTF_CSRF_ENABLED": _bool("WTF_CSRF_ENABLED", True),
        "JWT_ACCESS_TOKEN_EXPIRES": _int("JWT_ACCESS_TOKEN_EXPIRES", 3600),
        "RATELIMIT_ENABLED": False,
    }


def random_password() -> str:
    return secrets.token_urlsafe(12)
