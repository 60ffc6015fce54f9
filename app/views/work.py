"""My work: the queues an agent works, sorted by the nearest due time."""

from flask import abort, flash, g, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _

from app.extensions import db
from app.models.choices import CATEGORIES, CHANNELS
from app.services import queues
from app.services.access import actor_for
from app.services.errors import InvalidInput
from app.timeutil import to_office, utcnow

QUEUE_TITLES = {
    "mine": _("My queue"), "team": _("Team queue"), "unassigned": _("Unassigned"),
    "at_risk": _("At risk"), "overdue": _("Overdue"),
}


def badge(complaint, now) -> tuple[str, str]:
    """Colour and text for the time left to the next due time."""
    due = complaint.next_due_at
    if complaint.paused_at is not None:
        return "default", str(_("paused"))
    if due is None:
        return "default", "-"
    left = (due - now).total_seconds()
    hours = abs(left) / 3600
    text = f"{int(hours)}h {int(abs(left) % 3600 // 60):02d}m"
    if left < 0:
        return "danger", str(_("overdue")) + " " + text
    if complaint.next_warn_at and now >= complaint.next_warn_at:
        return "warning", text
    return "success", text


class WorkView(BaseView):
    route_base = "/work"
    class_permission_name = "Complaint"
    method_permission_name = {"queue": "read"}
    default_view = "queue"

    @expose("/<view>")
    @has_access
    def queue(self, view="mine"):
        if view not in queues.VIEWS:
            abort(404)
        actor = actor_for(db.session, g.user)
        now = utcnow()
        try:
            filters = queues.parse_filters(request.args)
        except InvalidInput as exc:
            filters = {}
            flash(exc.message, "danger")
        page = int(request.args.get("page", "0")) if request.args.get("page", "0").isdigit() \
            else 0
        items = queues.queue(db.session, view, actor, now, filters, limit=50, offset=page * 50)
        counts = queues.counts(db.session, actor, now)
        return self.render_template(
            "work_queue.html", view=view, titles=QUEUE_TITLES, items=items,
            badges={c.id: badge(c, now) for c in items}, filters=filters, page=page,
            counts={k: queues.count_label(v) for k, v in counts.items()},
            leads=bool(actor.lead_team_ids) or actor.is_admin, to_office=to_office,
            categories=CATEGORIES, channels=CHANNELS, title=QUEUE_TITLES[view])
