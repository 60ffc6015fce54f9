"""My work: the queues an agent works, sorted by the nearest due time; leads see their
members' load and reassign in bulk."""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from app.extensions import db
from app.models import Team
from app.models.choices import CATEGORIES, CHANNELS, LEVELS, STATUSES
from app.services import queues
from app.services.access import actor_for
from app.services.errors import DomainError, InvalidInput
from app.services.lifecycle import perform
from app.timeutil import to_office, utcnow
from app.views.timeline_text import display_name, team_label

QUEUE_TITLES = {
    "mine": _("My queue"), "team": _("Team queue"), "unassigned": _("Unassigned"),
    "at_risk": _("At risk"), "overdue": _("Overdue"),
}
PAGE_SIZE = 50


def badge(complaint, now) -> tuple[str, str]:
    """Colour and text for the time left to the next due time."""
    due = complaint.next_due_at
    if complaint.paused_at is not None or complaint.status == "waiting_customer":
        return "default", str(_("paused"))
    if due is None:
        return "default", "—"
    left = (due - now).total_seconds()
    hours = abs(left) / 3600
    text = f"{int(hours)}h {int(abs(left) % 3600 // 60):02d}m"
    if left < 0:
        return "danger", gettext("overdue by %(time)s", time=text)
    if complaint.next_warn_at and now >= complaint.next_warn_at:
        return "warning", gettext("%(time)s left", time=text)
    return "success", gettext("%(time)s left", time=text)


def summary(text: str | None, limit: int = 60) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def translated(labels: dict) -> dict:
    """Labels translated once per page, not once per row they appear in."""
    return {key: str(label) for key, label in labels.items()}


def load_rows(session, actor) -> list[dict]:
    """Each member's open complaints, for the teams this person leads (admins: all)."""
    teams = {t.id: t for t in session.execute(select(Team)).scalars()}
    led = set(teams) if actor.is_admin else actor.lead_team_ids
    rows = queues.member_load(session, led)
    members = {m.id: m for t in teams.values() if t.id in led for m in t.members}
    return sorted(({**r, "team": team_label(teams[r["team_id"]]),
                    "name": display_name(members.get(r["user_id"]))} for r in rows),
                  key=lambda r: (r["team"], -r["open"]))


class WorkView(BaseView):
    route_base = "/work"
    class_permission_name = "Complaint"
    method_permission_name = {"queue": "read", "bulk": "write"}
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
        raw_page = request.args.get("page", "0")
        page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() and len(raw_page) < 6 \
            else 0
        items = queues.queue(db.session, view, actor, now, filters, limit=PAGE_SIZE,
                             offset=page * PAGE_SIZE)
        counts = queues.counts(db.session, actor, now)
        leads = bool(actor.lead_team_ids) or actor.is_admin
        members = []
        if leads:
            teams = db.session.execute(select(Team)).scalars()
            members = sorted({(m.id, display_name(m)) for t in teams
                              if actor.leads(t.id) for m in t.members if m.active},
                             key=lambda m: m[1])
        return self.render_template(
            "work_queue.html", view=view, titles=QUEUE_TITLES, items=items,
            badges={c.id: badge(c, now) for c in items}, filters=filters, page=page,
            page_size=PAGE_SIZE, counts={k: queues.count_label(v) for k, v in counts.items()},
            leads=leads, load=load_rows(db.session, actor) if leads else [], members=members,
            to_office=to_office, summary=summary, display_name=display_name,
            **{name: translated(labels) for name, labels in (
                ("categories", CATEGORIES), ("channels", CHANNELS), ("levels", LEVELS),
                ("statuses", STATUSES))},
            team_label=team_label, csrf=generate_csrf(), title=QUEUE_TITLES[view])

    @expose("/<view>/bulk", methods=["POST"])
    @has_access
    def bulk(self, view):
        """Claim or reassign the ticked complaints, each at the version shown."""
        if view not in queues.VIEWS:
            abort(404)
        back = redirect(url_for(".queue", view=view))  # CSRF checked before (app/forgery.py)
        action = request.form.get("action")
        if action not in ("claim", "assign"):
            flash(gettext("Choose what to do with the selected complaints."), "danger")
            return back
        chosen = [x for x in request.form.getlist("complaint") if x.isascii() and x.isdigit()]
        if not chosen:
            flash(gettext("Select at least one complaint."), "warning")
            return back
        body = {}
        if action == "assign":
            user = request.form.get("user", "")
            if not (user.isascii() and user.isdigit()):
                flash(gettext("Choose the member to assign the complaints to."), "danger")
                return back
            body["user"] = int(user)
        actor = actor_for(db.session, g.user)
        done, refused = 0, []
        for item in chosen[:200]:
            version = request.form.get(f"version_{item}", "")
            try:
                perform(db.session, int(item), action,
                        {**body, "version": int(version) if version.isdigit() else 0}, actor)
                done += 1
            except DomainError as exc:
                db.session.rollback()
                refused.append(exc.message)
        if done:
            flash((gettext("Claimed %(n)d complaint(s)", n=done) if action == "claim"
                   else gettext("Reassigned %(n)d complaint(s)", n=done)), "success")
        for message in refused:
            flash(message, "warning")
        return back
