"""What a draft rule set would change, run against real complaints. Reads only: nothing
is written and nothing is sent. The published version is evaluated the same way, so
"before" is what the rules in force decide today, not what an older version decided.
"""

from collections import Counter
from datetime import datetime, timedelta
from typing import NamedTuple

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Complaint, Customer, Outlet, Team
from app.policy import store
from app.policy.engine import evaluate
from app.services.decide import DEFAULT_LEVEL, FALLBACK_SLA, TRIAGE_TEAM, IntakeDecision
from app.services.errors import InvalidInput
from app.services.facts import (
    ESCALATION_COLUMNS,
    SWEPT,
    CustomerHistory,
    escalation_facts,
    grade_inputs,
    intake_variables,
    open_complaints_per_customer,
)
from app.services.figures import scope_figures
from app.services.validation import parse_moment
from app.timeutil import utcnow

INTAKE_KINDS = ("grading", "routing", "sla")
PROGRESS_EVERY = 5000
MAX_DAYS = 366


def _period(since, days, now) -> datetime:
    if since is not None and since != "":
        start = parse_moment(since)
        if start is None or start > now:
            raise InvalidInput(gettext("since must be an ISO 8601 date between 2000-01-01 and now"),
                               field="since")
        return start
    if days is None:
        days = 30
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput(gettext("days must be a whole number from 1 to %(max)s", max=MAX_DAYS),
                           field="days")
    return now - timedelta(days=days)


class Plan(NamedTuple):
    """A checked simulation request: the compiled draft and the period's start."""

    kind: str
    draft: object
    start: datetime
    now: datetime


def plan(session: Session, kind: str, rules, *, parameters=None, since=None, days=None,
         now=None) -> Plan:
    """Validate the draft and the period (InvalidRules / InvalidInput) before any work."""
    now = now or utcnow()
    draft = store.compile_draft(session, kind, rules, parameters)
    return Plan(kind, draft, _period(since, days, now), now)


def run(session: Session, plan: Plan, *, limit: int = 500, progress=None) -> dict:
    """Compare the planned draft with the published version over the period."""
    kind, draft, start, now = plan
    if kind in INTAKE_KINDS:
        result = _simulate_intake(session, kind, draft, start, now, progress)
    elif kind == "escalation":
        result = _simulate_escalation(session, draft, now, progress)
    else:
        result = _simulate_warning(session, draft, now)
    result["since"] = start.isoformat()
    result["changes"] = result["changes"][:limit]
    return result


def simulate(session: Session, kind: str, rules, *, parameters=None, since=None, days=None,
             now=None, limit: int = 500, progress=None) -> dict:
    """Compare a draft of `kind` with the published version over the chosen period."""
    return run(session, plan(session, kind, rules, parameters=parameters, since=since,
                             days=days, now=now), limit=limit, progress=progress)


class Memo:
    """Decisions of one rule set, remembered by the values of the variables it reads.

    Evaluation is pure in those values, so complaints alike in them get the same
    decisions: a routing set reading category and level is evaluated a few dozen times
    for 100,000 complaints.
    """

    def __init__(self, ruleset):
        self.ruleset = ruleset
        self.seen: dict = {}

    def decisions(self, facts) -> list:
        key = tuple(facts.get(name) for name in self.ruleset.variables)
        try:
            return self.seen[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value: evaluate without remembering
            return evaluate(self.ruleset, facts, trace=False).decisions
        found = self.seen[key] = evaluate(self.ruleset, facts, trace=False).decisions
        return found


def _level(grading, facts) -> int:
    grade_inputs(grading.ruleset.parameters, facts)
    facts["level"] = None
    levels = [d["params"]["level"] for d in grading.decisions(facts)
              if d["action"] == "set_level"]
    return int(levels[-1]) if levels else DEFAULT_LEVEL


def _team(routing, facts, level) -> str:
    facts["level"] = level
    teams = [d["params"]["team"] for d in routing.decisions(facts)
             if d["action"] == "assign_team"]
    return teams[-1] if teams else TRIAGE_TEAM


def _sla(sla, facts, level) -> tuple:
    facts["level"] = level
    for d in sla.decisions(facts):
        if d["action"] == "set_sla":
            p = d["params"]
            return p["first_response_minutes"], p["resolution_hours"], p["callback_days"]
    return FALLBACK_SLA[level]


def _intake_rows(session, start):
    return session.execute(
        select(Complaint.number, Complaint.category, Complaint.channel, Complaint.region,
               Complaint.origin_region, Complaint.destination_region, Complaint.anonymous,
               Complaint.late_registration, Complaint.duplicate_of_id, Complaint.completeness,
               Customer.tier, Complaint.service_type, Complaint.impact, Complaint.urgency,
               Complaint.description, Complaint.waybill_no, Complaint.is_repeat,
               Complaint.received_at, Complaint.customer_id, Outlet.code.label("outlet_code"),
               Complaint.declared_value, Complaint.predicted_category,
               Complaint.prediction_confidence)
        .outerjoin(Customer, Customer.id == Complaint.customer_id)
        .outerjoin(Outlet, Outlet.id == Complaint.outlet_id)
        .where(Complaint.received_at >= start).order_by(Complaint.received_at)
        .execution_options(yield_per=PROGRESS_EVERY))


def _simulate_intake(session, kind, draft, start, now, progress) -> dict:
    versions = store.latest_versions(session)
    live = {k: Memo(store.compiled(session, k, versions)) for k in INTAKE_KINDS}
    draft = Memo(draft)
    # Each complaint's count as intake saw it; read only if some rule reads it.
    history = (CustomerHistory(session, start) if any(
        "customer_complaints_30d" in memo.ruleset.variables
        for memo in (*live.values(), draft)) else None)
    total = session.execute(select(func.count()).select_from(Complaint)
                            .where(Complaint.received_at >= start)).scalar()
    changes, by_field, changed, evaluated = [], Counter(), 0, 0
    if progress:
        progress(0, total)
    for row in _intake_rows(session, start):
        facts = intake_variables(row, tier=row.tier, is_repeat=row.is_repeat,
                                 outlet=row.outlet_code,
                                 complaints_30d=history and history.complaints_before(
                                     row.customer_id, row.received_at))
        # Stages the draft does not replace, and whose input did not change, run once.
        level_before = _level(live["grading"], facts)
        level_after = _level(draft, facts) if kind == "grading" else level_before
        team_before = _team(live["routing"], facts, level_before)
        team_after = (_team(draft, facts, level_before) if kind == "routing" else
                      team_before if level_after == level_before else
                      _team(live["routing"], facts, level_after))
        changes_here = {}
        if level_after != level_before:
            changes_here["level"] = (level_before, level_after)
        if team_after != team_before:
            changes_here["team"] = (team_before, team_after)
        # Deadlines can only move when the SLA set is the draft or the level moved.
        if kind == "sla" or level_after != level_before:
            sla_before = _sla(live["sla"], facts, level_before)
            sla_after = (_sla(draft, facts, level_before) if kind == "sla" else
                         _sla(live["sla"], facts, level_after))
            if sla_after != sla_before:
                due_before, due_after = _due(sla_before, row.received_at), _due(
                    sla_after, row.received_at)
                for f in due_before:
                    if due_before[f] != due_after[f]:
                        changes_here[f] = (due_before[f], due_after[f])
        if changes_here:
            changed += 1
            for f, (old, new) in changes_here.items():
                by_field[f] += 1
                changes.append({"complaint": row.number, "field": f, "before": old,
                                "after": new})
        evaluated += 1
        if progress and evaluated % PROGRESS_EVERY == 0:
            progress(evaluated, total)
    return {"kind": kind, "evaluated": evaluated, "changed": changed,
            "by_field": dict(by_field), "changes": changes}


def _due(sla, received) -> dict:
    due = IntakeDecision(level=1, team="", sla=sla).due_times(received)
    return {k: due[k].isoformat() for k in
            ("first_response_due_at", "resolution_due_at", "callback_due_at")}


def _actions(outcome) -> list[str]:
    return sorted(f"{d['action']}({', '.join(f'{k}={v}' for k, v in d['params'].items())})"
                  for d in outcome.decisions)


def _simulate_escalation(session, draft, now, progress) -> dict:
    live = store.compiled(session, "escalation")
    open_per_customer = open_complaints_per_customer(session)
    rows = session.execute(
        select(*ESCALATION_COLUMNS, Customer.tier.label("customer_tier"),
               Team.name.label("team_name"), Outlet.code.label("outlet_code"))
        .outerjoin(Customer, Customer.id == Complaint.customer_id)
        .outerjoin(Outlet, Outlet.id == Complaint.outlet_id)
        .outerjoin(Team, Team.id == Complaint.team_id)
        .where(*SWEPT)
        .execution_options(yield_per=PROGRESS_EVERY))
    changes, changed, evaluated, escalations = [], 0, 0, Counter()
    for row in rows:
        facts = escalation_facts(row, now, team_name=row.team_name,
                                 customer_open=open_per_customer.get(row.customer_id, 0),
                                 outlet=row.outlet_code)
        before = _actions(evaluate(live, dict(facts), trace=False))
        after = _actions(evaluate(draft, dict(facts), trace=False))
        escalations["before"] += bool(before)
        escalations["after"] += bool(after)
        if before != after:
            changed += 1
            changes.append({"complaint": row.number, "field": "actions",
                            "before": before, "after": after})
        evaluated += 1
        if progress and evaluated % PROGRESS_EVERY == 0:
            progress(evaluated, None)
    return {"kind": "escalation", "evaluated": evaluated, "changed": changed,
            "by_field": {"actions": changed}, "with_actions": dict(escalations),
            "changes": changes}


def _simulate_warning(session, draft, now) -> dict:
    live = store.compiled(session, "warning")
    changes, changed, alerts = [], 0, Counter()
    figures = scope_figures(session, now)
    for row in figures:
        before = _actions(evaluate(live, dict(row), trace=False))
        after = _actions(evaluate(draft, dict(row), trace=False))
        alerts["before"] += sum(a.startswith("raise_alert") for a in before)
        alerts["after"] += sum(a.startswith("raise_alert") for a in after)
        if before != after:
            changed += 1
            changes.append({"complaint": None, "scope": f"{row['scope_type']}: {row['scope']}",
                            "field": "alerts", "before": before, "after": after})
    return {"kind": "warning", "evaluated": len(figures), "changed": changed,
            "by_field": {"alerts": changed}, "alerts": dict(alerts), "changes": changes}
