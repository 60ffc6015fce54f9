"""The complaint list filtered to the complaints behind a KPI figure (the Performance
pages link every number here)."""

from flask import has_request_context, request
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import false

from app.api.visibility import current_actor
from app.extensions import db
from app.services.errors import DomainError
from app.services.reporting.kpis import list_condition
from app.timeutil import utcnow


class BehindFigure(BaseFilter):
    name = "behind a figure"
    arg_name = "kpi"

    def apply(self, query, value):
        if not has_request_context():
            return query
        try:
            condition = list_condition(db.session, current_actor(), request.args, utcnow())
        except DomainError:
            return query.filter(false())  # a broken link shows nothing rather than everything
        return query if condition is None else query.filter(condition)


BEHIND_FIGURE = [["id", BehindFigure, lambda: None]]
