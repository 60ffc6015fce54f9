"""The signed-in actor, and the filter that hides other teams' complaints from them."""

from flask import g
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import select

from app.api.base import current_user
from app.extensions import db
from app.models import Complaint
from app.services.access import actor_for


def current_actor():
    """The access.Actor of this request (computed once per request)."""
    actor = getattr(g, "_parceldesk_actor", None)
    user = current_user()
    if actor is None or actor.id != getattr(user, "id", None):
        actor = actor_for(db.session, user)
        g._parceldesk_actor = actor
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
