"""/api/v1/alerts/: early warnings, with acknowledge and resolve."""

from flask_appbuilder.api import expose, protect, safe

from app.api.base import DomainInterface, DomainRestApi, current_user_id
from app.api.errors import domain_errors
from app.extensions import db
from app.models import Alert
from app.security import REST_API_METHODS
from app.services import alerts

COLUMNS = ["id", "rule", "scope_type", "scope", "severity", "message", "figures",
           "first_seen", "last_seen", "count", "state", "acknowledged_at", "resolved_at"]


def alert_json(a: Alert) -> dict:
    return {c: (getattr(a, c).isoformat() if hasattr(getattr(a, c), "isoformat")
                else getattr(a, c)) for c in COLUMNS}


class AlertApi(DomainRestApi):
    resource_name = "alerts"
    class_permission_name = "Alert"
    method_permission_name = {**REST_API_METHODS, "acknowledge": "write", "resolve": "write"}
    datamodel = DomainInterface(Alert)
    include_route_methods = {"get", "get_list", "info", "acknowledge", "resolve"}
    list_columns = show_columns = COLUMNS
    search_columns = ["rule", "scope_type", "scope", "severity", "state"]
    order_columns = ["id", "last_seen", "severity", "state", "count"]
    base_order = ("last_seen", "desc")

    @expose("/<pk>/acknowledge", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def acknowledge(self, pk):
        return self.response(200, result=alert_json(
            alerts.acknowledge(db.session, pk, current_user_id())))

    @expose("/<pk>/resolve", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def resolve(self, pk):
        return self.response(200, result=alert_json(alerts.resolve(db.session, pk)))
