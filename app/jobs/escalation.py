"""The escalation sweep: the `escalation` rules over every open complaint. Each rule acts
at most once per complaint and SLA stage (a mark remembers it; a new stage re-arms it),
so a second sweep changes nothing."""

from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.jobs.notify import queue_notice
from app.models import Complaint, Customer, EscalationMark, Outlet, Team
from app.policy import store
from app.policy.engine import evaluate
from app.services.facts import (
    ESCALATION_COLUMNS,
    SWEPT,
    escalation_facts,
    open_complaints_per_customer,
)
from app.services.redecide import redecide
from app.services.sla import refresh_queue_keys, stage
from app.services.teams import team_by_name
from app.services.timeline import record_event
from app.timeutil import utcnow

BATCH = 2000
COMMIT_EVERY = 500
BREACH = "sla:breached"  # a mark of its own: the breach is written once per stage


def sweep(session: Session, now=None) -> dict:
    """One pass; returns what it evaluated and did."""
    now = now or utcnow()
    ruleset = store.compiled(session, "escalation")
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    open_per_customer = open_complaints_per_customer(session)
    marked: dict[tuple, set] = {}  # (complaint, stage) -> rules that already acted there
    # only the marks of the complaints swept: closed ones' marks pile up over the years
    for complaint_id, rule, mark_stage in session.execute(
            select(EscalationMark.complaint_id, EscalationMark.rule, EscalationMark.stage)
            .join(Complaint, Complaint.id == EscalationMark.complaint_id).where(*SWEPT)):
        marked.setdefault((complaint_id, mark_stage), set()).add(rule)
    rows = session.execute(
        select(*ESCALATION_COLUMNS, Customer.tier.label("customer_tier"),
               Outlet.code.label("outlet_code"))
        .outerjoin(Customer, Customer.id == Complaint.customer_id)
        .outerjoin(Outlet, Outlet.id == Complaint.outlet_id)
        .where(*SWEPT)
        .execution_options(yield_per=BATCH)).all()
    evaluated, todo = 0, []
    for result_row in rows:
        # a plain namespace: attribute reads on SQLAlchemy rows cost more than the facts
        row = SimpleNamespace(**result_row._asdict())
        facts = escalation_facts(row, now, team_name=teams.get(row.team_id),
                                 customer_open=open_per_customer.get(row.customer_id, 0),
                                 outlet=row.outlet_code)
        current = stage(row)
        done = marked.get((row.id, current), frozenset())
        out = evaluate(ruleset, facts, trace=False, skip=done)
        evaluated += 1
        due = list(out.by_rule)
        stage_due = row.first_response_due_at if current == "first_response" else \
            row.resolution_due_at
        if stage_due and stage_due < now and BREACH not in done:
            due.append((BREACH, [{"action": "record_breach", "params": {}}]))
        if due:
            todo.append((row.id, current, facts, due))
    actions = skipped = 0
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
        except StaleDataError:
            session.rollback()  # an agent changed one meanwhile: redo this chunk one by one
            for item in chunk:
                try:
                    actions += _apply(session, *item, now)
                    session.commit()
                except StaleDataError:
                    session.rollback()  # the next sweep looks at it again
                    skipped += 1
    return {"evaluated": evaluated, "complaints_acted_on": len(todo) - skipped,
            "actions": actions, "skipped_changed": skipped, "version": ruleset.version}


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
