"""/api/v1/queue: the same work lists as the "My work" pages."""

from flask import current_app, request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext
from sqlalchemy import select

from app.api.errors import domain_errors
from app.api.visibility import current_actor
from app.extensions import db
from app.models import Team
from app.services import queues
from app.services import validation as v
from app.services.complaints import complaint_json
from app.services.errors import InvalidInput
from app.timeutil import utcnow

MAX_PAGE = 10_000


class QueueApi(BaseApi):
    resource_name = "queue"
    class_permission_name = "Complaint"
    method_permission_name = {"get_queue": "read", "get_counts": "read", "get_load": "read"}
    allow_browser_login = True

    @expose("/", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def get_queue(self):
        """`?view=mine|team|unassigned|at_risk|overdue` with level, category, channel, region."""
        view = request.args.get("view", "mine")
        filters = queues.parse_filters(request.args)
        size = current_app.config["QUEUE_PAGE_SIZE"]
        page = v.whole_number(request.args.get("page", "0"))
        if page is None or not 0 <= page <= MAX_PAGE:
            raise InvalidInput(gettext("page must be a whole number from 0 to %(max)s", max=MAX_PAGE),
                               field="page")
        items = queues.queue(db.session, view, current_actor(), utcnow(), filters,
                             limit=size, offset=page * size)
        return self.response(200, view=view, page=page,
                             result=[complaint_json(c) for c in items])

    @expose("/counts", methods=["GET"])
    @protect()
    @safe
    def get_counts(self):
        """Queue sizes, each up to 999 and then "999+" in `labels`."""
        counts = queues.counts(db.session, current_actor(), utcnow())
        return self.response(200, result=counts,
                             labels={k: queues.count_label(v) for k, v in counts.items()})

    @expose("/load", methods=["GET"])
    @protect()
    @safe
    def get_load(self):
        """Each member's open complaints, for the teams the caller leads."""
        actor = current_actor()
        teams = actor.lead_team_ids if not actor.is_admin else set(
            db.session.execute(select(Team.id)).scalars())
        names = dict(db.session.execute(select(Team.id, Team.name)).all())
        users = {u.id: u.username for u in current_app.appbuilder.sm.get_all_users()}
        return self.response(200, result=[
            {**row, "team": names.get(row["team_id"]), "user": users.get(row["user_id"])}
            for row in queues.member_load(db.session, teams)])
