"""The signed-in actor, and the filter that hides other teams' complaints from them."""

from flask import g
from flask_appbuilder.models.filters import BaseFilter

from app.api.base import current_user
from app.extensions import db
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


VISIBLE = [["id", VisibleComplaints, lambda: None]]
