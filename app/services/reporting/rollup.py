"""The daily roll-up behind long periods: per office day, team and assignee, the sums the
figures are made of and histograms of first-response and handling times in the figures'
steps (`sql.time_step`); the same again split by each of `DIMENSIONS`, so that grouping by
category, channel, region, outlet or level reads it too.

A year over a million complaints is a million-row scan (about 30 s on SQLite); from the
roll-up it is a few thousand rows (tens of thousands split by region). The `kpi_rollup`
job recomputes the recent days (and any day not covered yet) as of its run; older days
keep the values of their last run. Days the roll-up does not cover yet (today, at least)
are counted from the complaints. The 90th percentiles are the top of their step in both
computations, so the roll-up gives the same figures as the complaints do.
"""

import itertools
from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import Text, and_, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from app.models import Complaint, KpiDaily, KpiRollupDay
from app.services.reporting import kpis
from app.services.reporting.sql import hours_between, office_bucket, time_step
from app.timeutil import to_office

RECENT_DAYS = 60  # recomputed on every run; complaints older than that rarely change
# the groupings with a split of their own, and the complaint column each is
DIMENSIONS = {"category": "category", "channel": "channel", "region": "region",
              "outlet": "outlet_id", "level": "level"}
WHOLE_NUMBERS = {"outlet", "level"}


def covered_days(session: Session, period: kpis.Period) -> set[str]:
    return set(session.execute(select(KpiRollupDay.day).where(
        KpiRollupDay.day >= period.start.isoformat(),
        KpiRollupDay.day <= period.end.isoformat())).scalars())


def _stored(value) -> str:
    return "" if value is None else str(value)


def _raw_parts(session: Session, condition, period: kpis.Period, now: datetime,
               dimension: str = "") -> dict:
    """{(day, team, assignee, value): {"sums", "fr", "h"}} counted from the complaints;
    `value` is that of `dimension` as stored ('' without a dimension)."""
    dialect = session.get_bind().dialect.name
    day = office_bucket(dialect, Complaint.received_at, "day", period.bounds()[0].utcoffset())
    team = func.coalesce(Complaint.team_id, 0)
    assignee = func.coalesce(Complaint.assignee_id, 0)
    keys = [day.label("d"), team.label("t"), assignee.label("a")]
    if dimension:
        keys.append(getattr(Complaint, DIMENSIONS[dimension]).label("v"))
    parts: dict = defaultdict(lambda: {"sums": {}, "fr": {}, "h": {}})

    def part(row):
        return parts[(str(row[0]), row[1], row[2], _stored(row[3]) if dimension else "")]

    for row in session.execute(select(*keys, *kpis._sums(dialect, now)).where(condition)
                               .group_by(*keys)).mappings():
        part(list(row.values()))["sums"] = {
            n: float(row[n] or 0) if n.endswith("_sum") else int(row[n] or 0)
            for n in kpis.SUM_NAMES}
    s = kpis.subsets(now)
    for name, subset, end in (("fr", s["responded"], Complaint.first_responded_at),
                              ("h", s["handled"], Complaint.resolved_at)):
        bucket = time_step(dialect, hours_between(dialect, Complaint.received_at, end))
        for row in session.execute(select(*keys, bucket.label("b"), func.count())
                                   .where(condition, subset).group_by(*keys, bucket)):
            histogram = part(row)[name]
            step = max(int(row[-2]), 0)
            histogram[step] = histogram.get(step, 0) + row[-1]
    return parts


def _flat(histogram: dict) -> list:
    """{step: count} -> [step, count, ...], the stored form (quick to decode and merge)."""
    return [x for step in sorted(histogram) for x in (step, histogram[step])]


def refresh(session: Session, now: datetime, recent_days: int = RECENT_DAYS) -> dict:
    """The `kpi_rollup` job: recompute the days up to yesterday (office time) that are
    recent or not covered yet, without and with each dimension."""
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
    received = and_(Complaint.received_at >= first, Complaint.received_at < after)
    session.execute(delete(KpiDaily).where(KpiDaily.day >= start.isoformat()))
    session.execute(delete(KpiRollupDay).where(KpiRollupDay.day >= start.isoformat()))
    evaluated = rows = 0
    for dimension in ("", *DIMENSIONS):
        parts = _raw_parts(session, received, period, now, dimension)
        # sums as a list in SUM_NAMES order: a year is thousands of rows to decode
        session.add_all(KpiDaily(day=d, dimension=dimension, value=v, team_id=t,
                                 assignee_id=a, h_hist=_flat(p["h"]), fr_hist=_flat(p["fr"]),
                                 sums=[p["sums"].get(n, 0) for n in kpis.SUM_NAMES],
                                 computed_at=now)
                        for (d, t, a, v), p in parts.items() if d <= yesterday.isoformat())
        session.flush()
        rows += len(parts)
        if not dimension:
            evaluated = sum(p["sums"].get("received", 0) for p in parts.values())
    session.add_all(KpiRollupDay(day=(start + timedelta(days=i)).isoformat(), computed_at=now)
                    for i in range(period.days))
    session.commit()
    return {"evaluated": evaluated, "days": period.days, "rows": rows}


def _group_of(group, d: str, team: int, assignee: int, value: str):
    if group in DIMENSIONS:
        if value == "":
            return None
        return int(value) if group in WHOLE_NUMBERS else value
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


def _runs(days: list[date]) -> list[tuple[date, date]]:
    runs = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _p90s(groups: int, owners: np.ndarray, histograms: tuple) -> list:
    """The nearest-rank 90th percentile (hours, top of its step) of each group's merged
    histograms: `histograms` = (pairs per row, [[step, count], ...] of all rows),
    `owners` the group of each row."""
    lengths, pairs = histograms
    out = [None] * groups
    if not len(pairs):
        return out
    owner = np.repeat(owners, lengths)
    stride = int(pairs[:, 0].max()) + 1
    keys = owner * stride + pairs[:, 0]
    order = np.argsort(keys, kind="stable")
    keys, counts = keys[order], pairs[order, 1]
    per_group = np.bincount(owner, weights=pairs[:, 1], minlength=groups).astype(np.int64)
    before = np.concatenate(([0], np.cumsum(per_group)[:-1]))
    rank = (9 * per_group + 9) // 10
    at = np.searchsorted(np.cumsum(counts), before + rank, side="left")
    for g in np.flatnonzero(per_group):
        out[g] = round(int(keys[at[g]] % stride) / 10, 2)
    return out


def _numbers(texts: list[str], dtype) -> tuple[np.ndarray, np.ndarray]:
    """Stored JSON lists of numbers ("[1, 2.5]") read in one C pass, without building a
    Python object per number: (count per list, all numbers)."""
    inner = [t.strip()[1:-1].strip() for t in texts]
    lengths = np.fromiter((t.count(",") + 1 if t else 0 for t in inner), dtype=np.int64,
                          count=len(inner))
    joined = ",".join(t for t in inner if t)
    values = np.fromstring(joined, dtype=dtype, sep=",") if joined else np.zeros(0, dtype)
    if len(values) != int(lengths.sum()):
        raise ValueError("a KPI roll-up row holds something other than a list of numbers")
    return lengths, values


def _histograms(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    lengths, values = _numbers(texts, np.int64)
    return lengths // 2, values.reshape(-1, 2)


def _from_lists(flats: list[list]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.asarray([len(f) // 2 for f in flats], dtype=np.int64)
    values = np.fromiter(itertools.chain.from_iterable(flats), dtype=np.int64,
                         count=int(lengths.sum()) * 2)
    return lengths, values.reshape(-1, 2)


def _rows(session: Session, scope, covered: set[str], dimension: str):
    """The roll-up's rows for the covered days within `scope`: their keys (day, team,
    assignee, value), sums (a row per key, in SUM_NAMES order) and both histograms."""
    c = KpiDaily.__table__.c  # a Core statement: tens of thousands of plain rows
    query = select(c.day, c.team_id, c.assignee_id, c.value, cast(c.sums, Text),
                   cast(c.fr_hist, Text), cast(c.h_hist, Text)).where(
        c.day.in_(sorted(covered)), c.dimension == dimension)
    if scope.teams is not None:
        query = query.where(c.team_id.in_(scope.teams or [-1]))
    if scope.assignee is not None:
        query = query.where(c.assignee_id == scope.assignee)
    rows = session.connection().execute(query).all()
    width = len(kpis.SUM_NAMES)
    if not rows:
        return [], np.zeros((0, width)), _from_lists([]), _from_lists([])
    lengths, sums = _numbers([row[4] for row in rows], float)
    if (lengths != width).any():
        raise ValueError("a KPI roll-up row has sums of another length; run the kpi_rollup job")
    return ([row[:4] for row in rows], sums.reshape(-1, width),
            _histograms([row[5] for row in rows]), _histograms([row[6] for row in rows]))


def compute(session: Session, scope, period: kpis.Period, now: datetime, covered: set[str],
            group, with_total=False) -> dict:
    """kpis.compute over the roll-up for the covered days, the complaints for the others."""
    dimension = group if group in DIMENSIONS else ""
    keys, sums, fr, h = _rows(session, scope, covered, dimension)
    missing = [period.start + timedelta(days=i) for i in range(period.days)
               if (period.start + timedelta(days=i)).isoformat() not in covered]
    if missing:
        ranges = []
        for start, end in _runs(missing):
            first, after = kpis.Period(start, end).bounds()
            ranges.append(and_(Complaint.received_at >= first, Complaint.received_at < after))
        raw = _raw_parts(session, and_(scope, or_(*ranges)), period, now, dimension)
        if raw:
            keys = [*keys, *raw]
            sums = np.vstack([sums, [[p["sums"].get(n, 0) for n in kpis.SUM_NAMES]
                                     for p in raw.values()]])
            fr = _joined(fr, _from_lists([_flat(p["fr"]) for p in raw.values()]))
            h = _joined(h, _from_lists([_flat(p["h"]) for p in raw.values()]))
    if not keys:
        return {}
    index: dict = {}  # group key -> row of the merged arrays
    owners = np.fromiter((index.setdefault(_group_of(group, *key), len(index)) for key in keys),
                         dtype=np.int64, count=len(keys))
    if with_total:  # every row counts once more, towards the total
        owners = np.concatenate([owners, np.full(len(keys), index.setdefault(
            kpis.TOTAL, len(index)), dtype=np.int64)])
        sums, fr, h = np.vstack([sums, sums]), _joined(fr, fr), _joined(h, h)
    merged = np.zeros((len(index), len(kpis.SUM_NAMES)))
    np.add.at(merged, owners, sums)
    p90_fr, p90_h = _p90s(len(index), owners, fr), _p90s(len(index), owners, h)
    out = {}
    for key, i in index.items():
        row = dict(zip(kpis.SUM_NAMES, merged[i].tolist(), strict=True))
        if not row["received"]:
            continue
        out[key] = kpis.kpis_from_sums({**row, "p90_fr": p90_fr[i], "p90_h": p90_h[i]})
    return out


def _joined(a: tuple, b: tuple) -> tuple:
    return np.concatenate([a[0], b[0]]), np.concatenate([a[1], b[1]])
