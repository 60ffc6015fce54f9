"""Audit pages (Auditors and Admins): the audit trail and the access log, read-only, with
filters and CSV export. The same service as /api/v1/audit/ reads them."""

from flask import Response, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _

from app.extensions import db
from app.models.access_log import ACCESS_ACTIONS
from app.security import MODEL_VIEW_METHODS
from app.services.errors import InvalidInput
from app.services.privacy import audit_query
from app.services.privacy.audit_trail import ENTITY_NAMES
from app.timeutil import utcnow
from app.views import audit_text
from app.views.policy import KIND_TITLES

TITLES = {"trail": _("Audit trail"), "access_log": _("Access log")}


def _csv(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}-{utcnow():%Y%m%d-%H%M}.csv"'})


class AuditView(BaseView):
    route_base = "/audit"
    class_permission_name = "Audit"
    method_permission_name = MODEL_VIEW_METHODS
    default_view = "trail"

    def _render(self, page: str, parse, read, to_csv, **extra):
        error, total, records = None, 0, []
        try:
            filters = parse(request.args)
            if request.args.get("format") == "csv":
                return _csv(to_csv(db.session, filters), page.replace("_", "-"))
            total, records = read(db.session, filters)
        except InvalidInput as exc:
            error, filters = exc, audit_query.Filters()
        args = {k: v for k, v in request.args.items() if k not in ("page", "format") and v}
        return self.render_template(
            "audit.html", page=page, title=TITLES[page], titles=TITLES, records=records,
            total=total, filters=filters, error=error, args=args, query=request.args,
            words=audit_text.AuditWords(db.session, records), text=audit_text,
            pages=-(-total // filters.page_size), **extra)

    @expose("/trail")
    @has_access
    def trail(self):
        entities = {name: audit_text.entity_label(name) for name in ENTITY_NAMES}
        return self._render("trail", audit_query.trail_filters, audit_query.trail_page,
                            audit_query.trail_csv, entities=entities, kinds=KIND_TITLES)

    @expose("/access")
    @has_access
    def access_log(self):
        actions = {name: audit_text.action_label(name) for name in ACCESS_ACTIONS}
        return self._render("access_log", audit_query.access_filters, audit_query.access_page,
                            audit_query.access_csv, actions=actions)
