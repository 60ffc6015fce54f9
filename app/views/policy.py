"""Policy pages: one rule editor per rule-set kind (the editing itself is done in the
browser against /api/v1/rulesets, the same API everyone else uses)."""

from flask import abort, g
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _

from app.policy.catalog import KINDS

KIND_TITLES = {
    "grading": _("Grading rules"),
    "routing": _("Routing rules"),
    "sla": _("SLA rules"),
    "escalation": _("Escalation rules"),
    "warning": _("Early-warning rules"),
}


class PolicyView(BaseView):
    route_base = "/policy"
    class_permission_name = "RuleSet"
    method_permission_name = {"editor": "read"}
    default_view = "editor"

    @expose("/<kind>")
    @has_access
    def editor(self, kind="routing"):
        if kind not in KINDS:
            abort(404)
        sm = self.appbuilder.sm
        return self.render_template(
            "policy_editor.html", kind=kind, kinds=KINDS, titles=KIND_TITLES,
            title=KIND_TITLES[kind],
            can_edit=sm.has_access("can_write", "RuleSet"),
            can_simulate=sm.has_access("can_simulate", "RuleSet"),
            username=g.user.username,
        )
