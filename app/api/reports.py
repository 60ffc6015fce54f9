"""/api/v1/reports/kpis: the office's KPI figures for a period, grouped, as JSON, CSV or XLSX."""

from flask import Response, request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext

from app.api.errors import domain_errors
from app.api.visibility import current_actor
from app.extensions import db
from app.services.errors import InvalidInput
from app.services.reporting import export, kpis
from app.timeutil import to_office, utcnow

FORMATS = {
    "csv": ("text/csv; charset=utf-8", export.as_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.as_xlsx),
}


def kpi_report(args) -> dict:
    """Parse the query (each bad value names its parameter) and compute the report."""
    now = utcnow()
    period = kpis.parse_period(args, to_office(now).date())
    team_id, agent_id = kpis.parse_id(args, "team"), kpis.parse_id(args, "agent")
    group_by = kpis.parse_group_by(args)
    return kpis.report(db.session, current_actor(), period, now, team_id=team_id,
                       agent_id=agent_id, group_by=group_by)


def file_response(result: dict, fmt: str) -> Response:
    mimetype, render = FORMATS[fmt]
    return Response(render(result), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{export.filename(result, fmt)}"'})


class ReportApi(BaseApi):
    resource_name = "reports"
    class_permission_name = "Report"
    method_permission_name = {"get_kpis": "read"}
    allow_browser_login = True

    @expose("/kpis", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def get_kpis(self):
        """`?from=YYYY-MM-DD&to=YYYY-MM-DD[&team=id][&agent=id][&group_by=…][&format=csv|xlsx]`"""
        fmt = request.args.get("format") or "json"
        if fmt != "json" and fmt not in FORMATS:
            raise InvalidInput(gettext("format must be one of: json, csv, xlsx"), field="format")
        result = kpi_report(request.args)
        if fmt in FORMATS:
            return file_response(result, fmt)
        return self.response(200, **result)
