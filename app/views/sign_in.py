"""The sign-in page, refusing locked-out users and addresses, and the admin's sign-in log."""

import math

from flask import flash, g, redirect, request
from flask_appbuilder import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.views import AuthDBView
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from app.models import SignInAttempt
from app.views.base import DomainModelView, office_time, vocabulary_label

OUTCOMES = {"success": _("Signed in"), "failure": _("Wrong name or password"),
            "locked": _("Refused: locked out")}
VIA = {"page": _("Sign-in page"), "api": _("API"), "cli": _("Command line")}


def lockout_message(seconds: int) -> str:
    return gettext("Too many failed sign-ins for this user or from this address. "
                   "Try again in %(minutes)s minute(s).", minutes=max(1, math.ceil(seconds / 60)))


class SignInPageView(AuthDBView):
    """FAB's database sign-in page; a locked-out name or address is refused before the
    password is checked, so that the right password does not help an attacker either."""

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        signed_in = g.user is not None and g.user.is_authenticated
        if request.method == "POST" and not signed_in:
            wait = self.appbuilder.sm.sign_in_wait(request.form.get("username"))
            if wait:
                flash(lockout_message(wait), "danger")
                return redirect(self.appbuilder.get_url_for_login_with(
                    request.args.get("next", "")))
        return super().login()


class SignInAttemptView(DomainModelView):
    datamodel = SQLAInterface(SignInAttempt)
    class_permission_name = "SignIn"
    list_title = _("Sign-ins")
    list_columns = ["at", "username", "address", "via", "outcome"]
    show_columns = list_columns
    search_columns = ["username", "address", "via", "outcome", "at"]
    base_order = ("at", "desc")
    include_route_methods = {"list", "show"}
    label_columns = {"at": _("Time"), "username": _("User name"), "address": _("Address"),
                     "via": _("Via"), "outcome": _("Outcome")}
    formatters_columns = {**DomainModelView.formatters_columns, "at": office_time,
                          "outcome": vocabulary_label(OUTCOMES), "via": vocabulary_label(VIA)}
