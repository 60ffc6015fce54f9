"""REST APIs under /api/v1/."""

from flask_appbuilder.api.manager import SwaggerView

from app.api.alerts import AlertApi
from app.api.audit import AuditApi
from app.api.complaints import ComplaintApi
from app.api.customers import CustomerApi
from app.api.intelligence import IntelligenceApi
from app.api.openapi import ParcelDeskOpenApi
from app.api.outlets import OutletApi
from app.api.queue import QueueApi
from app.api.reports import ReportApi
from app.api.rulesets import RuleSetApi
from app.api.teams import TeamApi


def register_apis(appbuilder) -> None:
    for api in (ComplaintApi, CustomerApi, OutletApi, TeamApi, RuleSetApi, QueueApi, AlertApi,
                ReportApi, IntelligenceApi, AuditApi):
        appbuilder.add_api(api)
    # FAB's own OpenAPI views are off (FAB_ADD_OPENAPI_VIEWS): ours completes the spec
    appbuilder.add_api(ParcelDeskOpenApi)
    appbuilder.add_view_no_menu(SwaggerView)
