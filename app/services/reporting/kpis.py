"""The office's KPI figures for a period of office dates, over the complaints received in
it that the user may see, with their targets and the previous period's values.

Everything is counted by the database (sums of CASE expressions in one GROUP BY; the 90th
percentiles with a window function), so a year of a million complaints is one scan. The
subsets behind each figure (`SUBSETS`) are the same SQL conditions that filter the
complaint list when a number is clicked.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import and_, case, func, literal, literal_column, or_, select
from sqlalchemy.orm import Session

from app.models import Complaint, Outlet, RuleSetVersion, Team
from app.models.choices import CATEGORIES, CHANNELS, LEVELS, OPEN_STATUSES
from app.policy.catalog import KPI_TARGETS
from app.reference.regions import region_name
from app.services.access import Actor
from app.services.errors import Forbidden, InvalidInput, NotFound
from app.services.reporting.sql import hours_between, office_bucket, time_step
from app.timeutil import office_zone

KPI_NAMES = (
    "received", "resolved", "resolution_rate",
    "avg_first_response_hours", "p90_first_response_hours",
    "avg_handling_hours", "p90_handling_hours",
    "first_response_sla_met_rate", "resolution_sla_met_rate", "callback_sla_met_rate",
    "csat_avg", "csat_satisfied_rate", "repeat_rate", "reopen_rate", "escalation_rate",
    "backlog", "overdue",
)
KPI_LABELS = {
    "received": _("Received"), "resolved": _("Resolved"),
    "resolution_rate": _("Resolution rate"),
    "avg_first_response_hours": _("Average first response (h)"),
    "p90_first_response_hours": _("First response, 90th percentile (h)"),
    "avg_handling_hours": _("Average handling time (h)"),
    "p90_handling_hours": _("Handling time, 90th percentile (h)"),
    "first_response_sla_met_rate": _("First response on time"),
    "resolution_sla_met_rate": _("Resolution on time"),
    "callback_sla_met_rate": _("Callback on time"),
    "csat_avg": _("Satisfaction (1–5)"), "csat_satisfied_rate": _("Satisfied share"),
    "repeat_rate": _("Repeat complaint rate"), "reopen_rate": _("Reopen rate"),
    "escalation_rate": _("Escalation rate"), "backlog": _("Still open"),
    "overdue": _("Overdue"),
}
RATES = {n for n in KPI_NAMES if n.endswith("_rate")}
HOURS = {n for n in KPI_NAMES if n.endswith("_hours")}
GROUP_BY = ("team", "agent", "category", "channel", "region", "outlet", "level",
            "day", "week", "month")
GROUP_LABELS = {
    "team": _("Team"), "agent": _("Agent"), "category": _("Category"), "channel": _("Channel"),
    "region": _("Region"), "outlet": _("Outlet"), "level": _("Level"), "day": _("Day"),
    "week": _("Week"), "month": _("Month"),
}
MAX_DAYS = 366 * 3
RESOLVED = ("resolved", "closed")


@dataclass(frozen=True)
class Period:
    """Office dates, both inclusive."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: office midnight of the first day to that of the day after."""
        zone = office_zone()
        first = datetime.combine(self.start, time(), zone)
        after = datetime.combine(self.end + timedelta(days=1), time(), zone)
        return first, after

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def month_period(month: str) -> Period:
    """'YYYY-MM' -> that month."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except (TypeError, ValueError) as exc:
        raise InvalidInput(gettext("month must be a month as YYYY-MM"), field="month") from exc
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def parse_period(args, today: date) -> Period:
    """`from` and `to` as YYYY-MM-DD; missing, they are the last 30 days up to today."""
    values = {}
    for field in ("from", "to"):
        raw = args.get(field)
        if raw in (None, ""):
            continue
        try:
            values[field] = date.fromisoformat(raw) if len(raw) == 10 else None
        except ValueError:
            values[field] = None
        if values[field] is None:
            raise InvalidInput(gettext("%(field)s must be a date as YYYY-MM-DD", field=field),
                               field=field)
    end = values.get("to", today)
    start = values.get("from", end - timedelta(days=29))
    if start > end:
        raise InvalidInput(gettext("from must not be after to"), field="from")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(gettext("the period may be at most %(n)s days", n=MAX_DAYS),
                           field="from")
    return Period(start, end)


def parse_id(args, field: str) -> int | None:
    raw = args.get(field)
    if raw in (None, ""):
        return None
    if not str(raw).isdigit():
        raise InvalidInput(gettext("%(field)s must be a whole number", field=field), field=field)
    return int(raw)


def parse_group_by(args) -> str | None:
    value = args.get("group_by") or None
    if value is not None and value not in GROUP_BY:
        raise InvalidInput(gettext("group_by must be one of: %(values)s",
                                   values=", ".join(GROUP_BY)), field="group_by")
    return value


# --- who sees which figures ---

def reports_everything(actor: Actor) -> bool:
    """Managers (leads of the Management team), admins and auditors see the whole office."""
    return actor.manager or bool(actor.roles & {"Admin", "Auditor"})


class Scope:
    """The complaints a report covers: an SQL condition (usable wherever a condition
    is), and the same said with the roll-up's dimensions (`teams`: a set of team ids or
    None for all; `assignee`) when it can be (`rollup`)."""

    def __init__(self, condition, teams=None, assignee=None, rollup=True):
        self.condition, self.teams, self.assignee, self.rollup = (condition, teams, assignee,
                                                                  rollup)

    def __clause_element__(self):
        return self.condition


def scope_condition(session: Session, actor: Actor, team_id=None, agent_id=None) -> Scope:
    """The complaints whose figures `actor` may see, narrowed to a team or an agent:
    agents their own (assigned to them), leads their teams', managers everything."""
    if team_id is not None and session.get(Team, team_id) is None:
        raise NotFound(gettext("no team %(id)s", id=team_id), field="team")
    conditions, teams, assignee = [], None, None
    visible = actor.visible()
    if visible is not None:
        conditions.append(visible)
        teams = set(actor.visible_team_ids())
    if not reports_everything(actor):
        if actor.lead_team_ids:
            if team_id is not None and team_id not in actor.lead_team_ids:
                raise Forbidden(gettext("you may see the figures of the teams you lead only"))
            conditions.append(Complaint.team_id.in_(actor.lead_team_ids))
            teams = set(actor.lead_team_ids) if teams is None else teams & actor.lead_team_ids
        else:
            if agent_id is not None and agent_id != actor.id:
                raise Forbidden(gettext("you may see your own figures only"))
            if team_id is not None and team_id not in actor.team_ids:
                raise Forbidden(gettext("you may see the figures of your teams only"))
            conditions.append(Complaint.assignee_id == actor.id)
            assignee = actor.id
    if team_id is not None:
        conditions.append(Complaint.team_id == team_id)
        teams = {team_id} if teams is None else teams & {team_id}
    if agent_id is not None:
        conditions.append(Complaint.assignee_id == agent_id)
        assignee = agent_id
    # the follow-up team also sees resolved complaints of others: not a roll-up dimension
    rollup = visible is None or not actor.follow_up
    return Scope(and_(*conditions) if conditions else literal(True), teams, assignee, rollup)


# --- the subsets behind the figures: counted here, listed on the complaint page ---

def _done_or_due(done, due, now):
    return or_(done.is_not(None), due < now)


def _met(done, due):
    return and_(done.is_not(None), or_(due.is_(None), done <= due))


def _missed(done, due, now):
    return or_(and_(done.is_not(None), done > due), and_(done.is_(None), due < now))


def subsets(now: datetime) -> dict:
    c = Complaint
    open_ = c.status.in_(OPEN_STATUSES)
    return {
        "received": None,
        "resolved": c.status.in_(RESOLVED),
        "responded": c.first_responded_at.is_not(None),
        "handled": and_(c.status.in_(RESOLVED), c.resolved_at.is_not(None)),
        "fr_due": _done_or_due(c.first_responded_at, c.first_response_due_at, now),
        "fr_met": _met(c.first_responded_at, c.first_response_due_at),
        "fr_missed": _missed(c.first_responded_at, c.first_response_due_at, now),
        "res_due": _done_or_due(c.resolved_at, c.resolution_due_at, now),
        "res_met": _met(c.resolved_at, c.resolution_due_at),
        "res_missed": _missed(c.resolved_at, c.resolution_due_at, now),
        "cb_due": _done_or_due(c.callback_at, c.callback_due_at, now),
        "cb_met": _met(c.callback_at, c.callback_due_at),
        "cb_missed": _missed(c.callback_at, c.callback_due_at, now),
        "surveyed": c.satisfaction.is_not(None),
        "satisfied": c.satisfaction >= 4,
        "repeat": c.is_repeat.is_(True),
        "reopened": c.reopen_count > 0,
        "escalated": c.escalation_count > 0,
        "backlog": open_,
        "overdue": and_(open_, c.paused_at.is_(None), or_(
            and_(c.first_responded_at.is_(None), c.first_response_due_at < now),
            c.resolution_due_at < now)),
    }


# The subset a figure's number links to (SLA rates: the complaints that missed it).
FIGURE_SUBSET = {
    "received": "received", "resolved": "resolved", "resolution_rate": "resolved",
    "avg_first_response_hours": "responded", "p90_first_response_hours": "responded",
    "avg_handling_hours": "handled", "p90_handling_hours": "handled",
    "first_response_sla_met_rate": "fr_missed", "resolution_sla_met_rate": "res_missed",
    "callback_sla_met_rate": "cb_missed", "csat_avg": "surveyed",
    "csat_satisfied_rate": "satisfied", "repeat_rate": "repeat", "reopen_rate": "reopened",
    "escalation_rate": "escalated", "backlog": "backlog", "overdue": "overdue",
}
SUBSET_LABELS = {
    "received": _("Received"), "resolved": _("Resolved"), "responded": _("Responded"),
    "handled": _("Resolved"), "fr_missed": _("First response late"),
    "res_missed": _("Resolution late"), "cb_missed": _("Callback late"),
    "surveyed": _("With a satisfaction score"), "satisfied": _("Satisfied (4–5)"),
    "repeat": _("Repeat complaints"), "reopened": _("Reopened"), "escalated": _("Escalated"),
    "backlog": _("Still open"), "overdue": _("Overdue"),
}


# --- the computation ---

def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _sum(condition, value):
    return func.sum(case((condition, value), else_=None))


def _sums(dialect: str, now: datetime) -> list:
    c, s = Complaint, subsets(now)
    fr_hours = hours_between(dialect, c.received_at, c.first_responded_at)
    handling = hours_between(dialect, c.received_at, c.resolved_at)
    return [
        func.count().label("received"),
        _count(s["resolved"]).label("resolved"),
        _count(s["responded"]).label("fr_n"), _sum(s["responded"], fr_hours).label("fr_sum"),
        _count(s["handled"]).label("h_n"), _sum(s["handled"], handling).label("h_sum"),
        _count(s["fr_due"]).label("fr_due"), _count(s["fr_met"]).label("fr_met"),
        _count(s["res_due"]).label("res_due"), _count(s["res_met"]).label("res_met"),
        _count(s["cb_due"]).label("cb_due"), _count(s["cb_met"]).label("cb_met"),
        _count(s["surveyed"]).label("sat_n"), _sum(s["surveyed"], c.satisfaction).label("sat_sum"),
        _count(s["satisfied"]).label("sat_ok"),
        _count(s["repeat"]).label("repeat"), _count(s["reopened"]).label("reopened"),
        _count(s["escalated"]).label("escalated"),
        _count(s["backlog"]).label("backlog"), _count(s["overdue"]).label("overdue"),
    ]


def _ratio(part, whole, digits=4):
    return round(float(part or 0) / whole, digits) if whole else None


def kpis_from_sums(row: dict) -> dict:
    """The figures from a row of sums (also what a daily roll-up would add up)."""
    n = int(row["received"] or 0)
    return {
        "received": n, "resolved": int(row["resolved"] or 0),
        "resolution_rate": _ratio(row["resolved"], n),
        "avg_first_response_hours": _ratio(row["fr_sum"], row["fr_n"], 2),
        "p90_first_response_hours": row.get("p90_fr"),
        "avg_handling_hours": _ratio(row["h_sum"], row["h_n"], 2),
        "p90_handling_hours": row.get("p90_h"),
        "first_response_sla_met_rate": _ratio(row["fr_met"], row["fr_due"]),
        "resolution_sla_met_rate": _ratio(row["res_met"], row["res_due"]),
        "callback_sla_met_rate": _ratio(row["cb_met"], row["cb_due"]),
        "csat_avg": _ratio(row["sat_sum"], row["sat_n"], 2),
        "csat_satisfied_rate": _ratio(row["sat_ok"], row["sat_n"]),
        "repeat_rate": _ratio(row["repeat"], n), "reopen_rate": _ratio(row["reopened"], n),
        "escalation_rate": _ratio(row["escalated"], n),
        "backlog": int(row["backlog"] or 0), "overdue": int(row["overdue"] or 0),
    }


def _p90(session, dialect, where, key, subset, start_col, end_col) -> dict:
    """Nearest-rank 90th percentile of end - start per key: the value at rank ceil(0.9 n)
    in ascending order, in hours at the top of its step (`time_step`: 0.1 h up to 2 h,
    0.5 h up to 24 h, 1 h above), the precision the daily roll-up keeps. The step is
    monotonic, so this is the step of the exact percentile."""
    step = time_step(dialect, hours_between(dialect, start_col, end_col)).label("h")
    ranked = (select((key if key is not None else literal_column("0")).label("k"), step,
                     func.row_number().over(partition_by=key, order_by=step).label("rn"),
                     func.count().over(partition_by=key).label("n"))
              .where(where, subset).subquery())
    rows = session.execute(select(ranked.c.k, ranked.c.h)
                           .where(ranked.c.rn == (ranked.c.n * 9 + 9) // 10)).all()
    return {k: round(max(int(h), 0) / 10, 2) for k, h in rows}


ROLLUP_GROUPS = (None, "team", "agent", "day", "week", "month", "category", "channel",
                 "region", "outlet", "level")
TOTAL = "__total__"  # the key of the whole period's figures when asked `with_total`


def compute(session: Session, scope, period: Period, now: datetime, key=None, *,
            group=None, use_rollup=True, with_total=False) -> dict:
    """{group key: figures} for complaints received in `period` within `scope`; without a
    key, one entry under 0 (and with `with_total`, the whole period under TOTAL too).
    Days the daily roll-up covers are read from it (a long period is then a few thousand
    rows, not a million); the others are counted here."""
    if use_rollup and getattr(scope, "rollup", False) and group in ROLLUP_GROUPS:
        from app.services.reporting import rollup

        covered = rollup.covered_days(session, period)
        if covered:
            return rollup.compute(session, scope, period, now, covered, group, with_total)
    if with_total:
        return {**compute(session, scope, period, now, key, use_rollup=False),
                TOTAL: totals(session, scope, period, now, use_rollup=False)}
    dialect = session.get_bind().dialect.name
    first, after = period.bounds()
    where = and_(scope, Complaint.received_at >= first, Complaint.received_at < after)
    query = select((key if key is not None else literal_column("0")).label("k"),
                   *_sums(dialect, now)).where(where)
    if key is not None:
        query = query.group_by(key)
    rows = session.execute(query).mappings().all()
    sums = {row["k"]: dict(row) for row in rows}
    s = subsets(now)
    for name, subset, end in (("p90_fr", s["responded"], Complaint.first_responded_at),
                              ("p90_h", s["handled"], Complaint.resolved_at)):
        for k, value in _p90(session, dialect, where, key, subset,
                             Complaint.received_at, end).items():
            if k in sums:
                sums[k][name] = value
    return {k: kpis_from_sums(row) for k, row in sums.items()}


SUM_NAMES = ("received", "resolved", "fr_n", "fr_sum", "h_n", "h_sum", "fr_due", "fr_met",
             "res_due", "res_met", "cb_due", "cb_met", "sat_n", "sat_sum", "sat_ok", "repeat",
             "reopened", "escalated", "backlog", "overdue")


def empty_kpis() -> dict:
    return kpis_from_sums(dict.fromkeys(SUM_NAMES, 0))


def totals(session: Session, scope, period: Period, now: datetime, use_rollup=True) -> dict:
    return compute(session, scope, period, now, use_rollup=use_rollup).get(0) or empty_kpis()


def kpi_targets(session: Session) -> dict:
    """The targets in force: the newest `sla` rule set's `kpi_targets` over the defaults."""
    stored = session.execute(
        select(RuleSetVersion.parameters).where(RuleSetVersion.kind == "sla")
        .order_by(RuleSetVersion.version.desc()).limit(1)).scalar() or {}
    targets = {name: spec[0] for name, spec in KPI_TARGETS.items()}
    targets.update((stored or {}).get("kpi_targets") or {})
    return targets


def shown(name: str, value) -> str:
    """A figure as people read it: rates in per cent, times in hours, none as a dash."""
    if value is None:
        return "—"
    if name in RATES:
        return f"{value * 100:.1f} %"
    if name in HOURS:
        return gettext("%(n)s h", n=f"{value:.1f}")
    if name == "csat_avg":
        return f"{value:.2f}"
    return str(value)


def missed(name: str, value, target) -> bool:
    """Whether `value` misses its target (False when there is no value or target)."""
    if value is None or target is None or name not in KPI_TARGETS:
        return False
    return value < target if KPI_TARGETS[name][1] == "min" else value > target


# --- group keys and their labels ---

def group_key(session: Session, group_by: str, period: Period):
    if group_by in ("day", "week", "month"):
        offset = period.bounds()[0].utcoffset()
        return office_bucket(session.get_bind().dialect.name, Complaint.received_at,
                             group_by, offset)
    column = {"team": "team_id", "agent": "assignee_id", "outlet": "outlet_id"}.get(group_by,
                                                                                 group_by)
    return getattr(Complaint, column)


def group_labels(session: Session, group_by: str, keys) -> dict:
    from flask_appbuilder.security.sqla.models import User

    if group_by == "team":
        names = dict(session.execute(select(Team.id, Team.name)).all())
        return {k: names.get(k, gettext("No team")) for k in keys}
    if group_by == "agent":
        users = {u.id: f"{u.first_name} {u.last_name}".strip() or u.username
                 for u in session.execute(select(User).where(User.id.in_(
                     [k for k in keys if k is not None]))).scalars()}
        return {k: users.get(k, gettext("Unassigned")) for k in keys}
    if group_by == "outlet":
        names = dict(session.execute(select(Outlet.id, Outlet.name)).all())
        return {k: names.get(k, gettext("Not recorded")) for k in keys}
    if group_by == "region":
        return {k: region_name(k) if k else gettext("Not recorded") for k in keys}
    vocabulary = {"category": CATEGORIES, "channel": CHANNELS, "level": LEVELS}.get(group_by)
    if vocabulary is not None:
        return {k: str(vocabulary.get(k, k)) if k is not None else gettext("Not recorded")
                for k in keys}
    return {k: str(k) if k not in (None, "") else gettext("Not recorded") for k in keys}


def _sortable(value):
    return (value is None, str(value) if value is not None else "")


def report(session: Session, actor: Actor, period: Period, now: datetime, *, team_id=None,
           agent_id=None, group_by=None, use_rollup=True) -> dict:
    """The API's answer: figures, targets, the previous period's figures, groups."""
    scope = scope_condition(session, actor, team_id, agent_id)
    out = {**period.as_dict(), "kpis": None, "targets": kpi_targets(session),
           "previous": totals(session, scope, period.previous(), now, use_rollup),
           "groups": []}
    if not group_by:
        out["kpis"] = totals(session, scope, period, now, use_rollup)
    else:  # the whole period from the same pass as its groups
        by_key = compute(session, scope, period, now, key=group_key(session, group_by, period),
                         group=group_by, use_rollup=use_rollup, with_total=True)
        out["kpis"] = by_key.pop(TOTAL, None) or empty_kpis()
        labels = group_labels(session, group_by, list(by_key))
        order = _sortable if group_by in ("day", "week", "month", "level") else labels.get
        for k in sorted(by_key, key=order):
            out["groups"].append({"key": _json_key(k), "label": labels[k], "kpis": by_key[k]})
    return out


def _json_key(key):
    return key if key is None or isinstance(key, int | str) else str(key)


def current_backlog(session: Session, scope, now: datetime) -> dict:
    """Open and overdue complaints now, whatever their receipt date."""
    s = subsets(now)
    row = session.execute(select(_count(s["backlog"]), _count(s["overdue"]))
                          .where(scope, s["backlog"])).one()
    return {"backlog": int(row[0] or 0), "overdue": int(row[1] or 0)}


# --- the complaint list behind a number ---

LIST_ARGS = ("kpi", "received_from", "received_to", "kpi_team", "kpi_agent")
LIST_EQUALS = {"kpi_category": "category", "kpi_channel": "channel", "kpi_region": "region",
               "kpi_outlet": "outlet_id", "kpi_level": "level", "kpi_root_cause": "root_cause"}
WHOLE_NUMBERS = {"level", "outlet_id"}


def list_condition(session: Session, actor: Actor, args, now: datetime):
    """The complaints behind a figure, from the complaint list's query arguments: `kpi`
    (a subset), `received_from` / `received_to` (office dates), `kpi_team`, `kpi_agent`
    and `kpi_<column>`; None when the list is not a figure's. Raises InvalidInput."""
    if not any(args.get(name) for name in (*LIST_ARGS, *LIST_EQUALS)):
        return None
    conditions = [scope_condition(session, actor, parse_id(args, "kpi_team"),
                                  parse_id(args, "kpi_agent"))]
    if args.get("received_from") or args.get("received_to"):
        today = datetime.now(office_zone()).date()
        period = parse_period({"from": args.get("received_from"),
                               "to": args.get("received_to")}, today)
        first, after = period.bounds()
        conditions += [Complaint.received_at >= first, Complaint.received_at < after]
    name = args.get("kpi")
    if name:
        available = subsets(now)
        if name not in available:
            raise InvalidInput(gettext("kpi must be one of: %(values)s",
                                       values=", ".join(available)), field="kpi")
        if available[name] is not None:
            conditions.append(available[name])
    for arg, column in LIST_EQUALS.items():
        value = args.get(arg)
        if value:
            if column in WHOLE_NUMBERS and not (str(value).isascii() and str(value).isdigit()
                                                and len(str(value)) < 10):
                raise InvalidInput(gettext("%(field)s must be a whole number", field=arg),
                                   field=arg)
            conditions.append(getattr(Complaint, column) == (int(value) if column in WHOLE_NUMBERS
                                                              else value))
    return and_(*conditions)


def list_caption(args) -> str | None:
    """What a figure's complaint list shows, in words, for its heading."""
    if not any(args.get(name) for name in (*LIST_ARGS, *LIST_EQUALS)):
        return None
    parts = [str(SUBSET_LABELS.get(args.get("kpi") or "received", args.get("kpi")))]
    if args.get("received_from") or args.get("received_to"):
        parts.append(gettext("received %(start)s – %(end)s",
                             start=args.get("received_from") or "…",
                             end=args.get("received_to") or "…"))
    labels = {"kpi_category": CATEGORIES, "kpi_channel": CHANNELS}
    for arg in LIST_EQUALS:
        if args.get(arg):
            value = args.get(arg)
            parts.append(str(labels.get(arg, {}).get(value, value)))
    return " · ".join(parts)
