"""No forged requests: every state change made with a session cookie carries a CSRF token.

Flask-WTF checks the token on every page form (FAB's forms, the complaint page's action
buttons, list actions). Flask-AppBuilder exempts its REST APIs from that check because a
Bearer token cannot be sent by another site; but the APIs also accept the browser's
session cookie (`allow_browser_login`, used by the rule editor), and such a request is
checked here, with the token in the `X-CSRFToken` header. The customer survey is exempt:
it is authorised by the secret token in its address, not by a cookie.
"""

from flask import Flask, current_app, flash, jsonify, redirect, request
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

csrf = CSRFProtect()
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def init_forgery_protection(app: Flask) -> None:
    """Before AppBuilder: FAB exempts its API blueprints only when CSRFProtect exists."""
    csrf.init_app(app)
    app.before_request(_cookie_api_writes_need_a_token)
    app.register_error_handler(CSRFError, _refused)


def exempt(blueprint) -> None:
    csrf.exempt(blueprint)


def _cookie_api_writes_need_a_token():
    if (not current_app.config.get("WTF_CSRF_ENABLED", True)
            or request.method not in UNSAFE_METHODS or not request.path.startswith("/api/")):
        return
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return  # a token another site cannot send
    if current_user.is_authenticated:  # signed in by the session cookie
        csrf.protect()


def _refused(exc: CSRFError):
    message = gettext("The request has no valid CSRF token (form field csrf_token or header "
                      "X-CSRFToken); reload the page and try again")
    if request.path.startswith("/api/"):
        return jsonify(message=message, field="csrf_token"), 400
    flash(gettext("The form expired; please try again."), "danger")
    back = request.referrer or ""
    return redirect(back if back.startswith(request.host_url) else "/")
