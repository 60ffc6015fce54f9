"""The daily roll-up behind long periods: per office day, team and assignee, the sums the
figures are made of and 0.1-hour histograms of first-response and handling times.

A year over a million complaints is a million-row scan (about 30 s on SQLite); from the
roll-up it is a few thousand rows. The `kpi_rollup` job recomputes the recent days (and
any day not covered yet) as of its run; older days keep the values of their last run.
Days the roll-up does not cover yet (today, at least) are counted from the complaints.
The 90th percentiles from the roll-up are the top of their step: 0.1 h up to 2 h, 0.5 h
up to 24 h, 1 h above.
"""

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from app.models import Complaint, KpiDaily, KpiRollupDay
from app.services.reporting import kpis
from app.services.reporting.sql import hours_between, office_bucket, time_step
from app.timeutil import to_office

RECENT_DAYS = 60  # recomputed on every run; complaints older than that rarely change


def covered_days(session: Session, period: kpis.Period) -> set[str]:
    return set(session.execute(select(KpiRollupDay.day).where(
        KpiRollupDay.day >= period.start.isoformat(),
        KpiRollupDay.day <= period.end.isoformat())).scalars())


def _raw_parts(session: Session, condition, period: kpis.Period, now: datetime) -> dict:
    """{(day, team, assignee): {"sums", "fr", "h"}} counted from the complaints."""
    dialect = session.get_bind().dialect.name
    day = office_bucket(dialect, Complaint.received_at, "day", period.bounds()[0].utcoffset())
    team = func.coalesce(Complaint.team_id, 0)
    assignee = func.coalesce(Complaint.assignee_id, 0)
    keys = (day.label("d"), team.label("t"), assignee.label("a"))
    parts: dict = defaultdict(lambda: {"sums": {}, "fr": {}, "h": {}})
    for row in session.execute(select(*keys, *kpis._sums(dialect, now)).where(condition)
                               .group_by(day, team, assignee)).mappings():
        parts[(str(row["d"]), row["t"], row["a"])]["sums"] = {
            n: float(row[n] or 0) if n.endswith("_sum") else int(row[n] or 0)
            for n in kpis.SUM_NAMES}
    s = kpis.subsets(now)
    for name, subset, end in (("fr", s["responded"], Complaint.first_responded_at),
                              ("h", s["handled"], Complaint.resolved_at)):
        bucket = time_step(dialect, hours_between(dialect, Complaint.received_at, end))
        rows = session.execute(select(*keys, bucket.label("b"), func.count())
                               .where(condition, subset)
                               .group_by(day, team, assignee, bucket)).all()
        for d, t, a, b, n in rows:
            parts[(str(d), t, a)][name][str(max(int(b), 0))] = n
    return parts


def refresh(session: Session, now: datetime, recent_days: int = RECENT_DAYS) -> dict:
    """The `kpi_rollup` job: recompute the days up to yesterday (office time) that are
    recent or not covered yet."""
    yesterday = to_office(now).date() - timedelta(days=1)
    earliest = session.execute(select(func.min(Complaint.received_at))).scalar()
    if earliest is None or to_office(earliest).date() > yesterday:
        return {"evaluated": 0, "days": 0}
    first_day = to_office(earliest).date()
    covered = set(session.execute(select(KpiRollupDay.day)).scalars())
    recent = yesterday - timedelta(days=recent_days - 1)
    start = next((first_day + timedelta(days=i)
                  for i in range((yesterday - first_day).days + 1)
                  if (first_day + timedelta(days=i)).isoformat() not in covered
                  or first_day + timedelta(days=i) >= recent), None)
    if start is None:
        return {"evaluated": 0, "days": 0}
    period = kpis.Period(start, yesterday)
    first, after = period.bounds()
    parts = _raw_parts(session, and_(Complaint.received_at >= first,
                                     Complaint.received_at < after), period, now)
    session.execute(delete(KpiDaily).where(KpiDaily.day >= start.isoformat()))
    session.execute(delete(KpiRollupDay).where(KpiRollupDay.day >= start.isoformat()))
    # sums as a list in SUM_NAMES order: a year is thousands of rows to decode
    session.add_all(KpiDaily(day=d, team_id=t, assignee_id=a, h_hist=p["h"], fr_hist=p["fr"],
                             sums=[p["sums"].get(n, 0) for n in kpis.SUM_NAMES], computed_at=now)
                    for (d, t, a), p in parts.items() if d <= yesterday.isoformat())
    session.add_all(KpiRollupDay(day=(start + timedelta(days=i)).isoformat(), computed_at=now)
                    for i in range(period.days))
    session.commit()
    return {"evaluated": sum(p["sums"].get("received", 0) for p in parts.values()),
            "days": period.days, "rows": len(parts)}


def _group_of(group, d: str, team: int, assignee: int):
    if group == "team":
        return team or None
    if group == "agent":
        return assignee or None
    if group == "day":
        return d
    if group == "week":
        day = date.fromisoformat(d)
        return (day - timedelta(days=day.weekday())).isoformat()
    if group == "month":
        return d[:7]
    return 0


def _p90(histogram: dict):
    histogram = {int(b): n for b, n in histogram.items()}
    n = sum(histogram.values())
    if not n:
        return None
    rank, seen = (9 * n + 9) // 10, 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return round(bucket / 10, 2)
    return None


def _runs(days: list[date]) -> list[tuple[date, date]]:
    runs = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def compute(session: Session, scope, period: kpis.Period, now: datetime, covered: set[str],
            group, with_total=False) -> dict:
    """kpis.compute over the roll-up for the covered days, the complaints for the others."""
    width = len(kpis.SUM_NAMES)
    totals: dict = defaultdict(lambda: {"sums": [0] * width, "fr": Counter(), "h": Counter()})

    def add(key, sums: list, fr: dict, h: dict):
        for k in ((key, kpis.TOTAL) if with_total else (key,)):
            bucket = totals[k]
            bucket["sums"] = [a + b for a, b in zip(bucket["sums"], sums, strict=True)]
            bucket["fr"].update(fr)  # keys stay strings here; converted once at the end
            bucket["h"].update(h)

    query = select(KpiDaily.day, KpiDaily.team_id, KpiDaily.assignee_id, KpiDaily.sums,
                   KpiDaily.fr_hist, KpiDaily.h_hist).where(KpiDaily.day.in_(sorted(covered)))
    if scope.teams is not None:
        query = query.where(KpiDaily.team_id.in_(scope.teams or [-1]))
    if scope.assignee is not None:
        query = query.where(KpiDaily.assignee_id == scope.assignee)
    for d, t, a, sums, fr, h in session.execute(query):
        add(_group_of(group, d, t, a), sums, fr, h)
    missing = [period.start + timedelta(days=i) for i in range(period.days)
               if (period.start + timedelta(days=i)).isoformat() not in covered]
    if missing:
        ranges = []
        for start, end in _runs(missing):
            first, after = kpis.Period(start, end).bounds()
            ranges.append(and_(Complaint.received_at >= first, Complaint.received_at < after))
        for (d, t, a), part in _raw_parts(session, and_(scope, or_(*ranges)), period,
                                          now).items():
            add(_group_of(group, d, t, a), [part["sums"].get(n, 0) for n in kpis.SUM_NAMES],
                part["fr"], part["h"])
    out = {}
    for key, bucket in totals.items():
        sums = dict(zip(kpis.SUM_NAMES, bucket["sums"], strict=True))
        if not sums["received"]:
            continue
        out[key] = kpis.kpis_from_sums({**sums, "p90_fr": _p90(bucket["fr"]),
                                        "p90_h": _p90(bucket["h"])})
    return out
