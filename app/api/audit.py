"""/api/v1/audit/: the audit trail and the access log, read-only, as JSON or CSV."""

from flask import Response, request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext

from app.api.errors import domain_errors
from app.extensions import db
from app.services.errors import InvalidInput
from app.services.privacy import audit_query
from app.timeutil import utcnow

CSV = "text/csv; charset=utf-8"


def wants_csv() -> bool:
    fmt = request.args.get("format") or "json"
    if fmt not in ("json", "csv"):
        raise InvalidInput(gettext("format must be one of: json, csv"), field="format")
    return fmt == "csv"


def csv_response(text: str, name: str) -> Response:
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return Response(text, mimetype=CSV, headers={
        "Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"'})


class AuditApi(BaseApi):
    """Read-only: no endpoint changes or deletes a record, for any role."""

    resource_name = "audit"
    class_permission_name = "Audit"
    method_permission_name = {"get_trail": "read", "get_access": "read"}
    allow_browser_login = True

    @expose("/", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def get_trail(self):
        """`?entity=&entity_id=&actor=&from=&to=[&page=&page_size=][&format=csv]`"""
        as_csv = wants_csv()
        filters = audit_query.trail_filters(request.args)
        if as_csv:
            return csv_response(audit_query.trail_csv(db.session, filters), "audit-trail")
        total, records = audit_query.trail_page(db.session, filters)
        return self.response(200, count=total, page=filters.page,
                             result=[audit_query.audit_dict(r) for r in records])

    @expose("/access/", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def get_access(self):
        """`?customer=&actor=&action=&from=&to=[&page=&page_size=][&format=csv]`"""
        as_csv = wants_csv()
        filters = audit_query.access_filters(request.args)
        if as_csv:
            return csv_response(audit_query.access_csv(db.session, filters), "access-log")
        total, records = audit_query.access_page(db.session, filters)
        return self.response(200, count=total, page=filters.page,
                             result=[audit_query.access_dict(r) for r in records])
