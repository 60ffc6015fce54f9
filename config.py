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


ENVIRONMENTS = ("development", "testing", "production")
MIN_SECRET_KEY_LENGTH = 32
MAKE_SECRET = "export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"


def environment() -> str:
    """The environment's name; a misspelt one is refused rather than run as development."""
    name = (os.environ.get("PARCELDESK_ENV") or os.environ.get("FLASK_ENV") or "development")
    name = name.strip().lower()
    if name not in ENVIRONMENTS:
        raise ConfigError(f"PARCELDESK_ENV={name!r} is not a known environment; "
                          f"use one of: {', '.join(ENVIRONMENTS)}")
    return name


def secret_key(env: str) -> str:
    secret = os.environ.get("SECRET_KEY")
    if env != "production":
        return secret or DEV_SECRET
    if not secret:
        raise ConfigError("SECRET_KEY is not set. In production ParcelDesk refuses to start "
                          f"without an explicit SECRET_KEY (for example: {MAKE_SECRET}).")
    if len(secret) < MIN_SECRET_KEY_LENGTH or secret == DEV_SECRET:
        raise ConfigError(f"SECRET_KEY is too short ({len(secret)} characters): production "
                          f"needs at least {MIN_SECRET_KEY_LENGTH} random characters "
                          f"(for example: {MAKE_SECRET}).")
    return secret


MAKE_PII_KEY = "python -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'"


def pii_keys(env: str) -> tuple[str | None, str | None]:
    """`PII_KEYS` (`id:base64key,id:base64key`, the first seals, all open) and
    `PII_INDEX_KEY` (base64; the blind index's HMAC key, never rotated). Production refuses
    to start without them; elsewhere, unset, one pair is generated into the instance folder."""
    keys, index_key = os.environ.get("PII_KEYS") or None, os.environ.get("PII_INDEX_KEY") or None
    if env == "production" and not (keys and index_key):
        missing = " and ".join(n for n, v in (("PII_KEYS", keys), ("PII_INDEX_KEY", index_key))
                               if not v)
        raise ConfigError(f"{missing} not set. In production ParcelDesk refuses to start "
                          "without the keys of the personal data (PII_KEYS=k1:<key>, "
                          f"PII_INDEX_KEY=<key>; make a key with: {MAKE_PII_KEY}).")
    return keys, index_key


def database_url(url: str) -> str:
    """`postgres://` (Heroku and others) and a bare `postgresql://` mean the psycopg 3
    driver installed with ParcelDesk; SQLAlchemy would look for another one."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config() -> dict:
    instance = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))
    env = environment()
    secret = secret_key(env)
    keys, index_key = pii_keys(env)
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'parceldesk.db'}"
        )),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        # personal data at rest (app/services/privacy/crypto.py); None: the instance's keys
        "PII_KEYS": keys,
        "PII_INDEX_KEY": index_key,
        "PII_ROTATE_BATCH": _int("PII_ROTATE_BATCH", 500),
        "SQLITE_BUSY_TIMEOUT": _int("SQLITE_BUSY_TIMEOUT", 30),
        "DATABASE_CONNECT_TIMEOUT": _int("DATABASE_CONNECT_TIMEOUT", 10),
        "HOST": os.environ.get("HOST", "127.0.0.1"),
        "PORT": _int("PORT", 8080),
        "ADMIN_USERNAME": os.environ.get("ADMIN_USERNAME", "admin"),
        "ADMIN_EMAIL": os.environ.get("ADMIN_EMAIL", "admin@parceldesk.local"),
        "ADMIN_PASSWORD": os.environ.get("ADMIN_PASSWORD") or None,
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "demo"),
        "DEMO_COMPLAINTS": _int("DEMO_COMPLAINTS", 2000),
        "DEMO_DAYS": _int("DEMO_DAYS", 60),
        # Demo users share one known password: only in development unless asked for.
        "LOAD_DEMO_DATA": _bool("LOAD_DEMO_DATA", env == "development"),
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
        # links in mails (survey); unset, it follows HOST and PORT
        "PUBLIC_URL": os.environ.get("PUBLIC_URL")
        or f"http://{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8080)}",
        "SURVEY_DAYS": _int("SURVEY_DAYS", 14),
        "QUEUE_PAGE_SIZE": _int("QUEUE_PAGE_SIZE", 50),
        "ALERT_RESOLVE_AFTER": _int("ALERT_RESOLVE_AFTER", 3),
        "WEBHOOK_TIMEOUT": _int("WEBHOOK_TIMEOUT", 5),
        "SCHEDULER_LEASE_SECONDS": _int("SCHEDULER_LEASE_SECONDS", 10),
        # GET /metrics: these addresses/networks, or a request with "Bearer <METRICS_TOKEN>"
        "METRICS_ALLOW": os.environ.get("METRICS_ALLOW", "127.0.0.1,::1"),
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
        # Text intelligence: no model before this many person-categorised complaints, and
        # no suggestion below this confidence (0-1).
        "INTELLIGENCE_MIN_EXAMPLES": _int("INTELLIGENCE_MIN_EXAMPLES", 200),
        "SUGGEST_THRESHOLD": float(os.environ.get("SUGGEST_THRESHOLD") or 0.5),
        # Flask-AppBuilder
        "APP_NAME": "ParcelDesk",
        "AUTH_TYPE": 1,  # AUTH_DB
        "FAB_ADD_SECURITY_API": True,
        "FAB_API_SWAGGER_UI": True,
        "FAB_ADD_OPENAPI_VIEWS": False,  # app/api/openapi.py serves a completed spec
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
        # no session cookie on another site's forms; over HTTPS only in production
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "JWT_ACCESS_TOKEN_EXPIRES": _int("JWT_ACCESS_TOKEN_EXPIRES", 3600),
        "RATELIMIT_ENABLED": False,  # FAB's in-memory limiter; sign-ins are limited below
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": _int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
        "LOGIN_WINDOW_SECONDS": _int("LOGIN_WINDOW_SECONDS", 900),
        "LOGIN_LOCKOUT_SECONDS": _int("LOGIN_LOCKOUT_SECONDS", 900),
    }


def random_password() -> str:
    return secrets.token_urlsafe(12)
