"""REST APIs under /api/v1/."""

from app.api.alerts import AlertApi
from app.api.complaints import ComplaintApi
from app.api.customers import CustomerApi
from app.api.intelligence import IntelligenceApi
from app.api.queue import QueueApi
from app.api.rulesets import RuleSetApi
from app.api.teams import TeamApi


def register_apis(appbuilder) -> None:
    for api in (ComplaintApi, CustomerApi, TeamApi, RuleSetApi, QueueApi, AlertApi,
                IntelligenceApi):
        appbuilder.add_api(api)
