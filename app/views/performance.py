"""Performance pages: the KPI dashboard, the assessment of teams and agents, the analysis
(hotspots, stage funnel, root causes) and the monthly report's download. Thin: the
figures come from services/reporting, the charts are drawn by ECharts from static/."""

from datetime import timedelta

from flask import Response, flash, g, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import select

from app.extensions import db
from app.intelligence.hotspots import rising_terms
from app.models import Team
from app.models.choices import CATEGORIES
from app.services.access import actor_for
from app.services.errors import DomainError
from app.services.reporting import analysis, kpis, monthly
from app.services.reporting.kpis import FIGURE_SUBSET, KPI_LABELS, shown
from app.timeutil import to_office, utcnow

PAGE_TITLES = {"dashboard": _("Dashboard"), "assessment": _("Assessment"),
               "analysis": _("Analysis")}
CARDS = ("received", "resolved", "resolution_rate", "avg_first_response_hours",
         "p90_first_response_hours", "avg_handling_hours", "p90_handling_hours",
         "csat_avg", "csat_satisfied_rate", "repeat_rate", "reopen_rate", "escalation_rate",
         "backlog", "overdue")
SLA_STAGES = (("first_response_sla_met_rate", _("First response")),
              ("resolution_sla_met_rate", _("Resolution")),
              ("callback_sla_met_rate", _("Callback")))


def target_text(name: str, target) -> str:
    if target is None:
        return ""
    from app.policy.catalog import KPI_TARGETS

    sign = "≥" if KPI_TARGETS[name][1] == "min" else "≤"
    return gettext("target %(sign)s %(value)s", sign=sign, value=shown(name, target))


class PerformanceView(BaseView):
    route_base = "/performance"
    class_permission_name = "Report"
    method_permission_name = {"dashboard": "read", "assessment": "read", "analysis": "read",
                              "monthly": "read"}
    default_view = "dashboard"

    def _context(self):
        """The actor, the period and the narrowing asked for (bad input: flashed, and the
        default period is used)."""
        actor = actor_for(db.session, g.user)
        now = utcnow()
        today = to_office(now).date()
        try:
            period = kpis.parse_period(request.args, today)
            team_id = kpis.parse_id(request.args, "team")
            agent_id = kpis.parse_id(request.args, "agent")
            scope = kpis.scope_condition(db.session, actor, team_id, agent_id)
        except DomainError as exc:
            flash(exc.message, "danger")
            period, team_id, agent_id = kpis.parse_period({}, today), None, None
            scope = kpis.scope_condition(db.session, actor)
        return actor, now, today, period, team_id, agent_id, scope

    def _teams(self, actor):
        query = select(Team.id, Team.name).order_by(Team.name)
        if not kpis.reports_everything(actor):
            query = query.where(Team.id.in_(actor.lead_team_ids or actor.team_ids or [-1]))
        return db.session.execute(query).all()

    def _common(self, page, actor, today, period, team_id, agent_id):
        def list_url(subset=None, with_period=True, **extra):
            args = {"kpi": subset} if subset and subset != "received" else {}
            if with_period:
                args.update(received_from=period.start.isoformat(),
                            received_to=period.end.isoformat())
            if team_id:
                args["kpi_team"] = team_id
            if agent_id:
                args["kpi_agent"] = agent_id
            args.update({k: v for k, v in extra.items() if v is not None})
            if not args:
                args["kpi"] = "received"
            return url_for("ComplaintView.list", **args)

        month_start = today.replace(day=1)
        last_month_end = month_start - timedelta(days=1)
        presets = [
            (_("Last 7 days"), today - timedelta(days=6), today),
            (_("Last 30 days"), today - timedelta(days=29), today),
            (_("This month"), month_start, today),
            (_("Last month"), last_month_end.replace(day=1), last_month_end),
        ]
        return {
            "page": page, "titles": PAGE_TITLES, "period": period, "team_id": team_id,
            "agent_id": agent_id, "teams": self._teams(actor), "presets": presets,
            "list_url": list_url, "shown": shown, "labels": KPI_LABELS,
            "locale": str(get_locale() or "en"), "title": PAGE_TITLES[page],
            "everything": kpis.reports_everything(actor),
        }

    @expose("/dashboard")
    @has_access
    def dashboard(self):
        actor, now, today, period, team_id, agent_id, scope = self._context()
        current = kpis.totals(db.session, scope, period, now)
        previous = kpis.totals(db.session, scope, period.previous(), now)
        targets = kpis.kpi_targets(db.session)
        daily = kpis.compute(db.session, scope, period, now,
                             key=kpis.group_key(db.session, "day", period), group="day")
        days = [(period.start + timedelta(days=i)).isoformat() for i in range(period.days)]
        trend = {
            "days": days,
            "received": [daily.get(d, {}).get("received", 0) for d in days],
            "resolved": [daily.get(d, {}).get("resolved", 0) for d in days],
            "overdue": [daily.get(d, {}).get("overdue", 0) for d in days],
            "names": {"received": str(_("Received")), "resolved": str(_("Resolved")),
                      "overdue": str(_("Overdue"))},
        }
        sla = {
            "stages": [str(label) for _name, label in SLA_STAGES],
            "names": [name for name, _label in SLA_STAGES],
            "current": [_percent(current[name]) for name, _l in SLA_STAGES],
            "previous": [_percent(previous[name]) for name, _l in SLA_STAGES],
            "series": [str(_("This period")), str(_("Previous period"))],
        }
        cards = [{
            "name": name, "label": KPI_LABELS[name], "value": shown(name, current[name]),
            "previous": shown(name, previous[name]),
            "target": target_text(name, targets.get(name)),
            "missed": kpis.missed(name, current[name], targets.get(name)),
            "met": name in targets and current[name] is not None
            and not kpis.missed(name, current[name], targets.get(name)),
            "subset": FIGURE_SUBSET[name],
        } for name in CARDS]
        sla_cards = [{"name": name, "label": label, "value": shown(name, current[name]),
                      "previous": shown(name, previous[name]), "subset": FIGURE_SUBSET[name]}
                     for name, label in SLA_STAGES]
        whole = kpis.current_backlog(db.session, scope, now)
        return self.render_template(
            "performance_dashboard.html", cards=cards, sla_cards=sla_cards, trend=trend,
            sla=sla, whole=whole, previous_period=period.previous(),
            **self._common("dashboard", actor, today, period, team_id, agent_id))

    @expose("/assessment")
    @has_access
    def assessment(self):
        actor, now, today, period, team_id, agent_id, scope = self._context()
        tables = {by: analysis.assessment(db.session, scope, period, now, by)
                  for by in ("team", "agent")}
        return self.render_template(
            "performance_assessment.html", tables=tables, columns=analysis.ASSESSMENT_COLUMNS,
            **self._common("assessment", actor, today, period, team_id, agent_id))

    @expose("/analysis")
    @has_access
    def analysis(self):
        actor, now, today, period, team_id, agent_id, scope = self._context()
        # the rising terms of the week that ends with the period (or now, if sooner)
        terms_end = min(now, period.bounds()[1])
        return self.render_template(
            "performance_analysis.html",
            terms=rising_terms(db.session, terms_end, where=scope, limit=3)[:20],
            terms_until=to_office(terms_end - timedelta(seconds=1)).date().isoformat(),
            term_categories=CATEGORIES,
            hotspots=analysis.hotspots(db.session, scope, period, now),
            funnel=analysis.funnel(db.session, scope, period, now),
            causes=analysis.root_causes(db.session, scope, period),
            **self._common("analysis", actor, today, period, team_id, agent_id))

    @expose("/monthly")
    @has_access
    def monthly(self):
        """The monthly report of `month` (default: last month) for the viewer, as CSV or
        as the HTML page that is mailed."""
        actor = actor_for(db.session, g.user)
        today = to_office(utcnow()).date()
        month = request.args.get("month") or (today.replace(day=1) - timedelta(days=1)) \
            .strftime("%Y-%m")
        try:
            period = kpis.month_period(month)
        except DomainError as exc:
            return Response(exc.message, status=400, mimetype="text/plain")
        content = monthly.render_for(db.session, actor, period, utcnow())
        if request.args.get("format") == "csv":
            return Response(content["csv"], mimetype="text/csv", headers={
                "Content-Disposition": f'attachment; filename="{content["filename"]}"'})
        return Response(content["html"], mimetype="text/html")


def _percent(value):
    return None if value is None else round(value * 100, 1)
