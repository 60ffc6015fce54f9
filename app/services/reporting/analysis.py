"""The assessment of teams and agents, hotspots, the stage funnel and root causes, over the
complaints received in a period within a report scope (kpis.scope_condition)."""

from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.orm import Session

from app.models import Complaint, Team
from app.models.choices import CATEGORIES, INTERNAL_ROOT_CAUSES, ROOT_CAUSES
from app.services.reporting import kpis
from app.services.reporting.sql import hours_between

# The postal assessment: handling rate, on-time rate, satisfaction, attitude complaints.
ASSESSMENT_COLUMNS = (
    ("received", _("Received")), ("resolution_rate", _("Handling rate")),
    ("resolution_sla_met_rate", _("On-time rate")),
    ("first_response_sla_met_rate", _("First response on time")),
    ("avg_handling_hours", _("Average handling time (h)")),
    ("csat_avg", _("Satisfaction (1–5)")), ("attitude", _("Staff-attitude complaints")),
    ("backlog", _("Still open")),
)


def _window(scope, period: kpis.Period):
    first, after = period.bounds()
    return and_(scope, Complaint.received_at >= first, Complaint.received_at < after)


def assessment(session: Session, scope, period: kpis.Period, now: datetime, by: str) -> list:
    """One row per team or agent: their figures and their staff-attitude complaints."""
    key = kpis.group_key(session, by, period)
    figures = kpis.compute(session, scope, period, now, key=key, group=by)
    attitude = dict(session.execute(
        select(key, func.count()).where(_window(scope, period),
                                        Complaint.category == "staff_attitude")
        .group_by(key)).all())
    labels = kpis.group_labels(session, by, list(figures))
    rows = [{"key": k, "label": labels[k], **values, "attitude": attitude.get(k, 0)}
            for k, values in figures.items()]
    return sorted(rows, key=lambda row: row["label"])


def _pair_counts(session, scope, period):
    rows = session.execute(
        select(Complaint.region, Complaint.category, func.count())
        .where(_window(scope, period), Complaint.region.is_not(None))
        .group_by(Complaint.region, Complaint.category)).all()
    return {(region, category): n for region, category, n in rows}


def hotspots(session: Session, scope, period: kpis.Period, now: datetime, limit=15) -> list:
    """Region × category with the most complaints, against the previous period."""
    current = _pair_counts(session, scope, period)
    previous = _pair_counts(session, scope, period.previous())
    rows = []
    for (region, category), n in current.items():
        before = previous.get((region, category), 0)
        rows.append({"region": region, "category": category,
                     "category_label": str(CATEGORIES.get(category, category)),
                     "count": n, "previous": before, "change": n - before,
                     "change_rate": round((n - before) / before, 4) if before else None})
    rows.sort(key=lambda r: (-r["count"], -r["change"], r["region"], r["category"]))
    return rows[:limit]


FUNNEL_STEPS = (
    ("registered", _("Registered"), None, None),
    ("first_response", _("First response"), "received_at", "first_responded_at"),
    ("resolution", _("Resolution"), "first_responded_at", "resolved_at"),
    ("callback", _("Callback"), "resolved_at", "callback_at"),
    ("closed", _("Closed"), "callback_at", "closed_at"),
)


def _median(session, dialect, where, start, end):
    hours = hours_between(dialect, start, end).label("h")
    ranked = (select(hours, func.row_number().over(order_by=hours).label("rn"),
                     func.count().over().label("n"))
              .where(where, start.is_not(None), end.is_not(None)).subquery())
    value = session.execute(select(ranked.c.h).where(
        ranked.c.rn == (ranked.c.n + 1) // 2)).scalar()  # the lower median
    return None if value is None else round(float(value), 2)


def funnel(session: Session, scope, period: kpis.Period, now: datetime) -> list:
    """How many complaints of the period reached each stage, and the median hours of the
    step into it (from the previous stage)."""
    c = Complaint
    where = _window(scope, period)
    reached = session.execute(select(
        func.count(), func.count(c.first_responded_at), func.count(c.resolved_at),
        func.count(c.callback_at), func.count(c.closed_at)).where(where)).one()
    dialect = session.get_bind().dialect.name
    steps = []
    for (name, label, start, end), count in zip(FUNNEL_STEPS, reached, strict=True):
        median = (_median(session, dialect, where, getattr(c, start), getattr(c, end))
                  if start else None)
        steps.append({"name": name, "label": str(label), "count": int(count or 0),
                      "median_hours": median})
    return steps


def root_causes(session: Session, scope, period: kpis.Period) -> dict:
    """Recorded root causes by team and by category (complaints resolved without one are
    counted as not recorded)."""
    where = and_(_window(scope, period), Complaint.resolved_at.is_not(None))
    cause = func.coalesce(Complaint.root_cause, literal_column("''"))
    by_team = session.execute(select(Complaint.team_id, cause, func.count()).where(where)
                              .group_by(Complaint.team_id, cause)).all()
    by_category = session.execute(select(Complaint.category, cause, func.count()).where(where)
                                  .group_by(Complaint.category, cause)).all()
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    causes = [*ROOT_CAUSES, ""]
    cause_labels = {**{k: str(v) for k, v in ROOT_CAUSES.items()}, "": gettext("Not recorded")}

    def table(rows, label_of):
        out: dict = {}
        for key, code, n in rows:
            out.setdefault(key, dict.fromkeys(causes, 0))[code or ""] += n
        return sorted(({"key": key, "label": label_of(key), "counts": counts}
                       for key, counts in out.items()), key=lambda row: row["label"])

    return {
        "causes": causes, "labels": cause_labels,
        "internal": list(INTERNAL_ROOT_CAUSES),
        "by_team": table(by_team, lambda k: teams.get(k, gettext("No team"))),
        "by_category": table(by_category, lambda k: str(CATEGORIES.get(k, k))),
    }
