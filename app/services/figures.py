"""Early-warning figures per scope, computed by the database (GROUP BY), not in Python.

For each scope type (region, category, channel, team, region × category): complaints in
the last hour and 24 h, the baseline (daily average of the 7 days before), the growth
ratio, and over the last 7 days the SLA breach, repeat, escalation and damage + loss
rates, the average satisfaction and the open complaints in their warning window.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.models import Complaint, Team
from app.models.choices import OPEN_STATUSES

SCOPES = {
    "region": (Complaint.region,),
    "category": (Complaint.category,),
    "channel": (Complaint.channel,),
    "team": (Team.name,),
    "region_category": (Complaint.region, Complaint.category),
}


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def scope_figures(session: Session, now: datetime, scope_types=tuple(SCOPES)) -> list[dict]:
    """One row of figures per scope value that had complaints in the last 8 days."""
    h1, d1, d7, d8 = (now - timedelta(hours=1), now - timedelta(days=1),
                      now - timedelta(days=7), now - timedelta(days=8))
    last7 = Complaint.received_at >= d7
    rows_out = []
    for scope_type in scope_types:
        columns = SCOPES[scope_type]
        query = (
            select(
                *[c.label(f"k{i}") for i, c in enumerate(columns)],
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
                func.avg(case((Complaint.closed_at >= d7, Complaint.satisfaction),
                              else_=None)).label("avg_sat"),
                _count(and_(Complaint.status.in_(OPEN_STATUSES),
                            Complaint.at_risk_from <= now)).label("at_risk"),
            )
            .select_from(Complaint)
            # old complaints still open count for "at risk" only
            .where(or_(Complaint.received_at >= d8, Complaint.status.in_(OPEN_STATUSES)))
            .group_by(*columns)
        )
        if scope_type == "team":
            query = query.join(Team, Team.id == Complaint.team_id)
        for row in session.execute(query):
            keys = [row[i] for i in range(len(columns))]
            if any(k is None for k in keys):
                continue
            rows_out.append(_figures(scope_type, " / ".join(map(str, keys)), row))
    return rows_out


def _rate(part, whole) -> float:
    return round(100.0 * (part or 0) / whole, 1) if whole else 0.0


def _figures(scope_type: str, scope: str, row) -> dict:
    baseline = round((row.previous_7d or 0) / 7, 2)
    count_24h = int(row.count_24h or 0)
    growth = round(count_24h / baseline, 2) if baseline else float(count_24h)
    return {
        "scope_type": scope_type, "scope": scope, "count_1h": int(row.count_1h or 0),
        "count_24h": count_24h, "baseline_24h": baseline, "growth_ratio": growth,
        "breach_rate": _rate(row.breached7, row.n7), "repeat_rate": _rate(row.repeat7, row.n7),
        "escalation_rate": _rate(row.escalated7, row.n7),
        "damage_loss_share": _rate(row.dl7, row.n7),
        "avg_satisfaction_7d": round(float(row.avg_sat), 2) if row.avg_sat is not None else None,
        "open_at_risk": int(row.at_risk or 0),
    }
