"""The escalation sweep: the `escalation` rules over the open complaints. Each rule acts
at most once per complaint and SLA stage (a mark remembers it; a new stage re-arms it),
so a second sweep changes nothing. A pass looks only at the complaints whose next check
has come (app/services/next_check.py says when that is)."""

from time import perf_counter
from types import SimpleNamespace

from sqlalchemy import Integer, bindparam, func, literal, select, tuple_, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.jobs.notify import queue_notice
from app.models import Complaint, Customer, EscalationMark, Outlet, RuleSetVersion, Team
from app.models.complaint import AT_NEXT_PASS
from app.models.types import UTCDateTime
from app.policy import store
from app.policy.engine import evaluate
from app.services.facts import (
    ESCALATION_COLUMNS,
    SWEPT,
    escalation_facts,
    open_complaints_per_customer,
)
from app.services.next_check import NEXT_PASS, next_check
from app.services.redecide import redecide
from app.services.sla import refresh_queue_keys, stage
from app.services.teams import team_by_name
from app.services.timeline import record_event
from app.timeutil import utcnow

BATCH = 1000  # complaints read, evaluated and written back per commit
COMMIT_EVERY = 500
BREACH = "sla:breached"  # a mark of its own: the breach is written once per stage


def sweep(session: Session, now=None, *, full: bool = False) -> dict:
    """One pass; returns what it evaluated and did. It looks only at the complaints whose
    next check has come (by an index), in batches that commit one by one; after a new
    escalation version, at every open complaint once, also in batches. `full=True` is the
    pass that loads and evaluates every open complaint at once; both take the same actions."""
    now = now or utcnow()
    ruleset = store.compiled(session, "escalation")
    if full:
        return _full_pass(session, ruleset, now)
    version = store.get_version(session, "escalation", ruleset.version)
    everything = version.checks_derived_at is None
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    totals = {"evaluated": 0, "complaints_acted_on": 0, "actions": 0, "skipped_changed": 0,
              "batches": 0, "longest_batch_s": 0.0, "longest_write_s": 0.0, "acting_s": 0.0}
    after = (0,) if everything else (AT_NEXT_PASS, 0)
    while True:
        started = perf_counter()
        if everything:  # every open complaint, by id
            query = select(*SELECTED).where(*SWEPT, Complaint.id > after[0]) \
                .order_by(Complaint.id)
        else:  # those due, by (next check, id): each at most once per pass
            query = select(*SELECTED).where(
                *SWEPT, Complaint.next_check_at <= now,
                tuple_(Complaint.next_check_at, Complaint.id) > tuple_(
                    literal(after[0], UTCDateTime()), literal(after[1], Integer()))) \
                .order_by(Complaint.next_check_at, Complaint.id)
        rows = [SimpleNamespace(**r._asdict()) for r in
                session.execute(_joined(query).limit(BATCH)).all()]
        if not rows:
            break
        last = rows[-1]
        after = (last.id,) if everything else (last.next_check_at, last.id)
        todo, moments = _evaluate(session, ruleset, rows, teams, now)
        writing = perf_counter()  # from here to the commit the batch writes
        acted, actions, skipped = _act(session, todo, now)
        totals["acting_s"] += perf_counter() - writing
        _store_moments(session, moments, acted, now)
        session.commit()
        totals["longest_write_s"] = max(totals["longest_write_s"], perf_counter() - writing)
        for key, value in (("evaluated", len(rows)), ("complaints_acted_on", len(acted)),
                           ("actions", actions), ("skipped_changed", skipped), ("batches", 1)):
            totals[key] += value
        totals["longest_batch_s"] = max(totals["longest_batch_s"], perf_counter() - started)
    if everything:  # from now on the moments follow this version
        session.execute(update(RuleSetVersion).where(RuleSetVersion.id == version.id)
                        .values(checks_derived_at=now))
        session.commit()
    for key in ("longest_batch_s", "longest_write_s", "acting_s"):
        totals[key] = round(totals[key], 3)
    return {**totals, "version": ruleset.version, "all_open": everything}


# What a pass reads of each complaint: the facts' columns, and the row version (a moment
# is stored only if nobody changed the complaint meanwhile).
SELECTED = [*ESCALATION_COLUMNS, Complaint.version, Complaint.next_check_at]


def _joined(query):
    return query.add_columns(Customer.tier.label("customer_tier"),
                             Outlet.code.label("outlet_code")) \
        .outerjoin(Customer, Customer.id == Complaint.customer_id) \
        .outerjoin(Outlet, Outlet.id == Complaint.outlet_id)


def _marks(session, ids) -> dict[tuple, set]:
    """(complaint, stage) -> the rules that already acted there."""
    marked: dict[tuple, set] = {}
    for complaint_id, rule, mark_stage in session.execute(
            select(EscalationMark.complaint_id, EscalationMark.rule, EscalationMark.stage)
            .where(EscalationMark.complaint_id.in_(ids))):
        marked.setdefault((complaint_id, mark_stage), set()).add(rule)
    return marked


def _open_per_customer(session, ruleset, rows) -> dict[int, int]:
    if "customer_open_complaints" not in ruleset.variables:
        return {}  # counted only if a rule reads it
    customers = {r.customer_id for r in rows if r.customer_id is not None}
    return dict(session.execute(
        select(Complaint.customer_id, func.count()).where(
            Complaint.is_open, Complaint.customer_id.in_(customers))
        .group_by(Complaint.customer_id)).all()) if customers else {}


def _evaluate(session, ruleset, rows, teams, now):
    marked = _marks(session, [r.id for r in rows])
    open_per_customer = _open_per_customer(session, ruleset, rows)
    todo, moments = [], {}
    for row in rows:
        current, done, due, facts = _due(ruleset, row, now, teams, open_per_customer, marked)
        if due:
            todo.append((row.id, current, facts, due))
        else:
            moments[row.id] = (row.version, next_check(
                ruleset, row, now, done, stage_due=_stage_due(row, current),
                breach_pending=BREACH not in done))
    return todo, moments


def _store_moments(session, moments: dict, acted: set, now) -> None:
    """Acted on: looked at again at the next pass (its facts changed). The others: at
    their derived moment, unless changed meanwhile (then the change's reset stands)."""
    table = Complaint.__table__
    keep = {"updated_at": table.c.updated_at}  # not a change of the complaint
    if acted:
        session.execute(update(table).where(table.c.id.in_(acted))
                        .values(next_check_at=now + NEXT_PASS, **keep))
    if moments:
        session.execute(
            update(table).where(table.c.id == bindparam("b_id"),
                                table.c.version == bindparam("b_version"))
            .values(next_check_at=bindparam("b_at"), **keep),
            [{"b_id": i, "b_version": v, "b_at": at} for i, (v, at) in moments.items()])


def _stage_due(row, current):
    return row.first_response_due_at if current == "first_response" else row.resolution_due_at


def _due(ruleset, row, now, teams, open_per_customer, marked):
    """What is due for one complaint now: (stage, rules done there, due rules, facts)."""
    facts = escalation_facts(row, now, team_name=teams.get(row.team_id),
                             customer_open=open_per_customer.get(row.customer_id, 0),
                             outlet=row.outlet_code)
    current = stage(row)
    done = marked.get((row.id, current), frozenset())
    out = evaluate(ruleset, facts, trace=False, skip=done)
    due = list(out.by_rule)
    stage_due = _stage_due(row, current)
    if stage_due and stage_due < now and BREACH not in done:
        due.append((BREACH, [{"action": "record_breach", "params": {}}]))
    return current, done, due, facts


def _full_pass(session: Session, ruleset, now) -> dict:
    """Every open complaint, loaded and evaluated at once, then acted on in chunks."""
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    open_per_customer = open_complaints_per_customer(session)
    marked: dict[tuple, set] = {}  # (complaint, stage) -> rules that already acted there
    # only the marks of the complaints swept: closed ones' marks pile up over the years
    for complaint_id, rule, mark_stage in session.execute(
            select(EscalationMark.complaint_id, EscalationMark.rule, EscalationMark.stage)
            .join(Complaint, Complaint.id == EscalationMark.complaint_id).where(*SWEPT)):
        marked.setdefault((complaint_id, mark_stage), set()).add(rule)
    rows = session.execute(_joined(select(*ESCALATION_COLUMNS).where(*SWEPT))
                           .execution_options(yield_per=BATCH)).all()
    evaluated, todo = 0, []
    for result_row in rows:
        # a plain namespace: attribute reads on SQLAlchemy rows cost more than the facts
        row = SimpleNamespace(**result_row._asdict())
        current, _done, due, facts = _due(ruleset, row, now, teams, open_per_customer, marked)
        evaluated += 1
        if due:
            todo.append((row.id, current, facts, due))
    acted, actions, skipped = _act(session, todo, now)
    return {"evaluated": evaluated, "complaints_acted_on": len(acted),
            "actions": actions, "skipped_changed": skipped, "version": ruleset.version}


def _act(session, todo, now) -> tuple[set, int, int]:
    """Apply the due rules, a chunk per flush and commit: (ids acted on, actions, skipped)."""
    actions = skipped = 0
    acted = set()
    for start in range(0, len(todo), COMMIT_EVERY):
        chunk = todo[start:start + COMMIT_EVERY]
        # Load the chunk's complaints, teams, leads and assignees in a few queries.
        session.execute(select(Complaint).where(Complaint.id.in_([c[0] for c in chunk]))
                        .options(selectinload(Complaint.team).selectinload(Team.lead),
                                 selectinload(Complaint.assignee))).scalars().all()
        try:  # one flush and commit per chunk: per-complaint ones made the first sweep slow
            with session.no_autoflush:
                actions += sum(_apply(session, *item, now) for item in chunk)
            session.commit()
            acted.update(item[0] for item in chunk)
        except StaleDataError:
            session.rollback()  # an agent changed one meanwhile: redo this chunk one by one
            for item in chunk:
                try:
                    actions += _apply(session, *item, now)
                    session.commit()
                    acted.add(item[0])
                except StaleDataError:
                    session.rollback()  # the next sweep looks at it again
                    skipped += 1
    return acted, actions, skipped


def _apply(session, complaint_id, current, facts, due, now) -> int:
    c = session.get(Complaint, complaint_id)
    done = 0
    values = {**facts, "number": c.number}
    for rule, decisions in due:
        session.add(EscalationMark(complaint_id=c.id, rule=rule, stage=current, at=now))
        for decision in decisions:
            name, params = decision["action"], decision["params"]
            details = {"rule": rule, "stage": current, **params}
            if name == "escalate":
                target = team_by_name(session, params["to_team"])
                if target is None or target.id == c.team_id:
                    continue
                details["from_team"] = c.team.name if c.team else None
                c.team, c.assignee_id = target, None
                c.escalation_count = (c.escalation_count or 0) + 1
                queue_notice(session, "team_lead", "Complaint {number} was escalated to your "
                             "team: " + params.get("reason", ""), values, complaint=c,
                             subject=f"Escalated: {c.number}")
                kind = "escalated"
            elif name == "raise_level":
                before, after = c.level, min(5, c.level + int(params.get("by", 1)))
                if after == before:
                    continue
                # the new level is routed and timed again (and recorded as a decision)
                redecided = redecide(session, c, after, now=now, trigger="escalation_rule",
                                     reason=rule)
                details.update(from_level=before, to_level=after, team=redecided["team"])
                kind = "level_raised"
            elif name == "record_breach":  # the SLA strip's "breached", on the timeline
                details = {"stage": current}
                kind = "sla_breached"
            elif name == "notify":
                details["queued"] = queue_notice(session, params["target"], params["message"],
                                                 values, complaint=c,
                                                 subject=f"ParcelDesk: {c.number}")
                kind = "notified"
            else:  # mark_at_risk
                c.tags = sorted(set(c.tags or []) | {"at_risk"})
                kind = "marked_at_risk"
            record_event(session, c, kind, at=now, details=details)
            done += 1
    refresh_queue_keys(c)
    return done
