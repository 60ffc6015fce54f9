"""The signed-in actor, and the filter that hides other teams' complaints from them."""

from flask import has_request_context, request
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import select

from app.api.base import current_user
from app.extensions import db
from app.models import Complaint
from app.services.access import actor_for

ACTOR_KEY = "parceldesk.actor"


def current_actor():
    """The access.Actor of this request, computed once per request (kept with the request:
    `g` lives as long as the application context, which may span several requests)."""
    user = current_user()
    if not has_request_context():
        return actor_for(db.session, user)
    actor = request.environ.get(ACTOR_KEY)
    if actor is None or actor.id != getattr(user, "id", None):
        actor = request.environ[ACTOR_KEY] = actor_for(db.session, user)
    return actor


class VisibleComplaints(BaseFilter):
    """FAB base filter: agents and leads see their teams' complaints only."""

    name = "visible to me"
    arg_name = "visible"

    def apply(self, query, value):
        condition = current_actor().visible()
        return query if condition is None else query.filter(condition)


class VisibleThroughComplaint(BaseFilter):
    """FAB base filter for rows a complaint owns (events, attachments, decisions): shown
    only when their complaint is visible, by the same rule."""

    name = "of complaints visible to me"
    arg_name = "visible_complaint"

    def apply(self, query, value):
        condition = current_actor().visible()
        if condition is None:
            return query
        owner = self.model.complaint_id
        return query.filter(owner.in_(select(Complaint.id).where(condition)))


class VisibleCustomers(BaseFilter):
    """FAB base filter: customers with a complaint visible to me (everyone who sees all)."""

    name = "with complaints visible to me"
    arg_name = "visible_customer"

    def apply(self, query, value):
        condition = current_actor().visible_customers()
        return query if condition is None else query.filter(condition)


VISIBLE = [["id", VisibleComplaints, lambda: None]]
VISIBLE_CUSTOMERS = [["id", VisibleCustomers, lambda: None]]
# for models with a complaint_id column
VISIBLE_THROUGH_COMPLAINT = [["id", VisibleThroughComplaint, lambda: None]]
