"""Early-warning figures per scope, computed by the database (GROUP BY), not by looping
over complaints in Python.

For each scope type (region, category, channel, team, outlet, region × category): complaints in
the last hour and 24 h, the baseline (daily average of the 7 days before), the growth
ratio, and over the last 7 days the SLA breach, repeat, escalation and damage + loss
rates, the average satisfaction and the open complaints in their warning window. One
GROUP BY at the finest grain (region × category × channel × team × outlet); each scope's figures
are sums over those few thousand groups.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.models import Complaint, Outlet, Team
from app.models.choices import OPEN_STATUSES

SCOPES = {
    "region": ("region",),
    "category": ("category",),
    "channel": ("channel",),
    "team": ("team",),
    "outlet": ("outlet",),
    "region_category": ("region", "category"),
}
SUMS = ("count_1h", "count_24h", "previous_7d", "n7", "breached7", "repeat7", "escalated7",
        "dl7", "sat_sum", "sat_n", "at_risk")


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _fine_groups(session: Session, now: datetime):
    """One scan, grouped by region, category, channel and team: every scope's figures are
    sums of these groups (a few thousand rows, however many complaints)."""
    h1, d1, d7, d8 = (now - timedelta(hours=1), now - timedelta(days=1),
                      now - timedelta(days=7), now - timedelta(days=8))
    last7 = Complaint.received_at >= d7
    closed7 = Complaint.closed_at >= d7
    # Grouping by expressions keeps SQLite from walking the whole region index to group
    # (2.9 s over 1M rows) instead of using the time window's index.
    keys = [func.coalesce(Complaint.region, "").label("region"),
            func.coalesce(Complaint.category, "").label("category"),
            func.coalesce(Complaint.channel, "").label("channel"),
            func.coalesce(Complaint.team_id, 0).label("team_id"),
            func.coalesce(Complaint.outlet_id, 0).label("outlet_id")]
    query = (
        select(
            *keys,
            _count(Complaint.received_at >= h1).label("count_1h"),
            _count(Complaint.received_at >= d1).label("count_24h"),
            _count(and_(Complaint.received_at < d1, Complaint.received_at >= d8))
            .label("previous_7d"),
            _count(last7).label("n7"),
            _count(and_(last7, Complaint.resolution_due_at < func.coalesce(
                Complaint.resolved_at, now))).label("breached7"),
            _count(and_(last7, Complaint.is_repeat)).label("repeat7"),
            _count(and_(last7, Complaint.escalation_count > 0)).label("escalated7"),
            _count(and_(last7, Complaint.category.in_(("damage", "loss")))).label("dl7"),
            func.sum(case((closed7, Complaint.satisfaction), else_=0)).label("sat_sum"),
            _count(and_(closed7, Complaint.satisfaction.is_not(None))).label("sat_n"),
            _count(and_(Complaint.status.in_(OPEN_STATUSES),
                        Complaint.at_risk_from <= now)).label("at_risk"),
        )
        # old complaints still open count for "at risk" only
        .where(or_(Complaint.received_at >= d8, Complaint.status.in_(OPEN_STATUSES)))
        .group_by(*keys)
    )
    return session.execute(query).all()


def scope_figures(session: Session, now: datetime, scope_types=tuple(SCOPES)) -> list[dict]:
    """One row of figures per scope value that had complaints in the last 8 days."""
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    outlets = dict(session.execute(select(Outlet.id, Outlet.code)).all())
    totals: dict[tuple, dict] = {}
    for group in _fine_groups(session, now):
        values = {"region": group.region, "category": group.category,
                  "channel": group.channel, "team": teams.get(group.team_id, ""),
                  "outlet": outlets.get(group.outlet_id, "")}
        for scope_type in scope_types:
            key = tuple(values[name] for name in SCOPES[scope_type])
            if any(k in (None, "") for k in key):
                continue
            bucket = totals.setdefault((scope_type, key), dict.fromkeys(SUMS, 0))
            for name in SUMS:
                bucket[name] += getattr(group, name) or 0
    return [_figures(scope_type, " / ".join(key), sums)
            for (scope_type, key), sums in totals.items()]


def _rate(part, whole) -> float:
    return round(100.0 * (part or 0) / whole, 1) if whole else 0.0


def _figures(scope_type: str, scope: str, row: dict) -> dict:
    baseline = round((row["previous_7d"] or 0) / 7, 2)
    count_24h = int(row["count_24h"] or 0)
    growth = round(count_24h / baseline, 2) if baseline else float(count_24h)
    return {
        "scope_type": scope_type, "scope": scope, "count_1h": int(row["count_1h"] or 0),
        "count_24h": count_24h, "count_7d": int(row["n7"] or 0),
        "surveys_7d": int(row["sat_n"] or 0), "baseline_24h": baseline, "growth_ratio": growth,
        "breach_rate": _rate(row["breached7"], row["n7"]),
        "repeat_rate": _rate(row["repeat7"], row["n7"]),
        "escalation_rate": _rate(row["escalated7"], row["n7"]),
        "damage_loss_share": _rate(row["dl7"], row["n7"]),
        "avg_satisfaction_7d": round(row["sat_sum"] / row["sat_n"], 2) if row["sat_n"] else None,
        "open_at_risk": int(row["at_risk"] or 0),
    }
