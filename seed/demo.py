"""Believable demo data: customers, users per role, complaints over time, each decided by
the published rules and worked through its life (seed/life.py).

Rows are inserted in bulk (Core executemany), so 100,000 complaints take seconds.
"""

import json
import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Complaint,
    ComplaintSequence,
    Customer,
    Decision,
    Outlet,
    RuleHit,
    Team,
)
from app.policy import store
from app.services.decide import TRIAGE_TEAM, run_intake_rules
from app.services.facts import intake_variables
from app.services.numbering import format_number, office_day
from app.services.privacy.blind_index import index_columns
from app.services.sla import due_times, refresh_queue_keys
from app.timeutil import utcnow
from seed import reference as ref
from seed.life import FIELDS as LIFE_FIELDS
from seed.life import live
from seed.texts import complaint_text

BATCH = 5000


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def ensure_demo_users(session: Session, password: str) -> int:
    """One or more users per role, placed in their teams; existing users are left alone."""
    sm = current_app.appbuilder.sm
    teams = {t.name: t for t in session.execute(select(Team)).scalars()}
    created = 0
    for username, first, last, role_name, team_name, is_lead in ref.DEMO_USERS:
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(username, first, last, f"{username}@parceldesk.local",
                               sm.find_role(role_name), password=password)
            created += 1
        team = teams.get(team_name)
        if team is not None and user not in team.members:
            team.members.append(user)
            if is_lead and team.lead_id is None:
                team.lead_id = user.id
    session.commit()
    return created


def _customer_rows(rng: random.Random, count: int, now: datetime) -> list[dict]:
    provinces = list(ref.PROVINCES)
    rows = []
    for i in range(count):
        province = rng.choices(provinces, weights=ref.PROVINCE_WEIGHTS)[0]
        city = rng.choice(ref.PROVINCES[province])
        city_zh = city
        company = rng.random() < 0.2
        name = rng.choice(ref.SURNAMES) + rng.choice(ref.GIVEN) + (
            rng.choice(ref.GIVEN) if rng.random() < 0.5 else "")
        if company:
            name = f"{city_zh}{rng.choice(ref.GIVEN)}{rng.choice(ref.GIVEN)}{rng.choice(ref.COMPANIES)}"
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        email = f"customer{i}@example.cn" if rng.random() < 0.6 else None
        rows.append({
            "name": name, "kind": "company" if company else "person",
            "phone": phone, "email": email,
            **index_columns(name, phone, email),  # a bulk insert: no ORM event keeps it
            "address": f"{city_zh}市{rng.choice(ref.STREETS_ZH)}{rng.randrange(1, 999)}号",
            "province": province, "city": city,
            "tier": "key" if rng.random() < (0.4 if company else 0.05) else "ordinary",
            "created_at": now - timedelta(days=rng.randrange(30, 900)),
        })
    return rows


class _Rules:
    """The published intake rule sets, compiled once for the whole run."""

    def __init__(self, session: Session):
        versions = store.latest_versions(session)
        self.sets = [store.compiled(session, kind, versions) for kind in ("grading", "routing", "sla")]

    def decide(self, facts: dict, trace: bool):
        return run_intake_rules(*self.sets, facts, trace=trace)


def generate_demo(session: Session, *, complaints: int, days: int, now: datetime | None = None,
                  progress: bool = True, seed: int = 7, trace_days: int = 14) -> int:
    """Insert `complaints` complaints received over the last `days` days, each decided by the
    published rule sets (decisions and rule hits recorded; the full trace for those of the
    last `trace_days` days and those still open) and worked through its life up to now."""
    rng = random.Random(seed)
    now = now or utcnow()
    teams = {t.name: t for t in session.execute(select(Team)).scalars()}
    if not teams:
        raise click.ClickException("no teams: run the bootstrap (flask --app run init) first")
    members = {name: [u.id for u in t.members if u.active] for name, t in teams.items()}
    leads = {name: t.lead_id for name, t in teams.items()}
    follow_up = members.get("Follow-up & Callback", [])
    rules = _Rules(session)
    limit = float(store.parameters(session, "escalation").get("compensation_approval_limit", 500))
    outlets = ensure_outlets(session)

    n_customers = max(300, min(complaints // 20, 20000))
    session.connection().execute(Customer.__table__.insert(), _customer_rows(rng, n_customers, now))
    customers = session.execute(select(Customer.id, Customer.province, Customer.tier)).all()
    history: dict[int, list] = {}  # customer -> receipt times, for the 30-day count

    # Received times, oldest first, so that numbers follow time within a day.
    span = days * 86400
    received_all = sorted(now - timedelta(seconds=rng.random() * span) for _ in range(complaints))
    counters = dict(session.execute(select(ComplaintSequence.day, ComplaintSequence.last)).all())
    start_counters = dict(counters)
    bar = click.progressbar(length=complaints, label="complaints") if progress else None
    done = 0
    context = SimpleNamespace(rng=rng, now=now, teams=teams, members=members, leads=leads,
                              follow_up=follow_up, rules=rules, limit=limit, customers=customers,
                              history=history, outlets=outlets,
                              trace_from=now - timedelta(days=trace_days))
    try:
        for start in range(0, complaints, BATCH):
            planned = []
            for received in received_all[start:start + BATCH]:
                day = office_day(received)
                counters[day] = counters.get(day, 0) + 1
                planned.append(_plan(context, received, format_number(day, counters[day])))
            _insert(session.connection(), planned)
            done += len(planned)
            if bar:
                bar.update(len(planned))
    finally:
        if bar:
            bar.render_finish()
    for day, last in counters.items():
        if day in start_counters:
            session.query(ComplaintSequence).filter_by(day=day).update({"last": last})
        else:
            session.add(ComplaintSequence(day=day, last=last))
    session.commit()
    return done


def _insert(conn, planned: list) -> None:
    """Core executemany without RETURNING: the ORM's bulk path is far slower here."""
    conn.execute(Complaint.__table__.insert(), [p.row for p in planned])
    ids = dict(conn.execute(select(Complaint.number, Complaint.id).where(
        Complaint.number.in_([p.row["number"] for p in planned]))).all())
    events, decisions, hits = [], [], []
    for p in planned:
        cid = ids[p.row["number"]]
        events += [(cid, _stored_time(at, conn), kind, actor, json.dumps(details))
                   for at, kind, actor, details in p.events]
        decisions.append({**p.decision, "complaint_id": cid})
        hits += [{**hit, "complaint_id": cid} for hit in p.hits]
    # Timelines are the bulk of the rows: sent straight to the driver, values prepared as
    # the column types would (naive UTC times, JSON text).
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        "INSERT INTO complaint_event (complaint_id, at, kind, actor_id, details) "
        f"VALUES ({', '.join([mark] * 5)})", events)
    conn.execute(Decision.__table__.insert(), decisions)
    if hits:
        conn.execute(RuleHit.__table__.insert(), hits)


def _stored_time(at: datetime, conn):
    naive = at.astimezone(UTC).replace(tzinfo=None)
    # SQLite keeps times as text in SQLAlchemy's format; PostgreSQL's driver takes datetimes
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if conn.dialect.name == "sqlite" else naive


def ensure_outlets(session: Session) -> dict[str, list[int]]:
    """The demo outlets (created once); their ids by region."""
    known = set(session.execute(select(Outlet.code)).scalars())
    session.add_all(Outlet(code=code, name=name, region=region)
                    for code, name, region in ref.OUTLETS if code not in known)
    session.flush()
    by_region: dict[str, list[int]] = {}
    for outlet_id, region in session.execute(select(Outlet.id, Outlet.region)):
        by_region.setdefault(region, []).append(outlet_id)
    return by_region


def _plan(ctx, received: datetime, number: str) -> SimpleNamespace:
    """One complaint: its input, what the rules decided, and its life up to now."""
    rng = ctx.rng
    customer_id, province, tier = rng.choice(ctx.customers)
    category = weighted(rng, ref.CATEGORY_WEIGHTS)
    waybill = f"PD{rng.randrange(10**12):012d}"
    text = complaint_text(rng, category, waybill=waybill)
    if rng.random() < 0.06:
        text += rng.choice(ref.URGENT_SUFFIXES[4:])
    seen = ctx.history.setdefault(customer_id, [])
    recent = sum(1 for t in seen if t >= received - timedelta(days=30))
    seen.append(received)
    origin = rng.choice(list(ref.PROVINCES))
    c = {
        "number": number, "customer_id": customer_id,
        "channel": weighted(rng, ref.CHANNEL_WEIGHTS), "received_at": received,
        "waybill_no": waybill,
        "service_type": weighted(rng, ref.SERVICE_WEIGHTS),
        "origin_region": origin, "destination_region": province, "region": province,
        "category": category, "description": text, "category_source": "person",
        "expected_outcome": rng.choice(ref.OUTCOMES_ZH),
        "impact": rng.choices(["individual", "group", "wide"], [92, 6, 2])[0],
        "urgency": rng.choices([1, 2, 3, 4, 5], [30, 35, 20, 10, 5])[0],
        "is_repeat": False,
        # the delivering outlet, when the region has one of the demo outlets
        "outlet_id": rng.choice(ctx.outlets[province]) if ctx.outlets.get(province) else None,
    }
    facts = intake_variables(SimpleNamespace(**c), tier=tier, complaints_30d=recent,
                             is_repeat=False)
    decision = ctx.rules.decide(dict(facts), trace=False)  # traced again below if kept
    team = ctx.teams.get(decision.team) or ctx.teams[TRIAGE_TEAM]
    due = due_times(received, decision.sla, team.calendar)
    c["level"] = decision.level
    assignee = rng.choice(ctx.members[team.name]) if ctx.members.get(team.name) else None
    life = live(rng, c, due, assignee=assignee, lead=ctx.leads.get(team.name),
                follow_up=rng.choice(ctx.follow_up) if ctx.follow_up else None,
                limit=ctx.limit, now=ctx.now)
    tags = decision.tags + (["priority"] if decision.priority else [])
    row = {
        **c, **due, "team_id": team.id, "status": life.status, "tags": tags, "version": 1,
        "assignee_id": assignee if life.status != "new" else None,
        "escalation_count": 0, "reopen_count": 0, "created_at": received,
        "updated_at": life.last or received, **LIFE_FIELDS, **life.fields,
    }
    keys = SimpleNamespace(**row)
    refresh_queue_keys(keys)  # the queues' sort keys, as the lifecycle keeps them
    row.update(next_due_at=keys.next_due_at, next_warn_at=keys.next_warn_at, is_open=keys.is_open)
    outcome = {"level": decision.level, "team": team.name, "tags": tags, "assignee_id": None,
               **{k: due[k].isoformat() for k in
                  ("first_response_due_at", "resolution_due_at", "callback_due_at")}}
    trace = []
    if received >= ctx.trace_from or row["is_open"]:  # what people open; the rest: outcome only
        trace = ctx.rules.decide(facts, trace=True).trace()
    events = [
        (received, "registered", None, {"channel": c["channel"], "received_at": received.isoformat()}),
        (received, "routed", None, {"level": decision.level, "team": team.name, "by": "rules",
                                    "versions": decision.versions}),
        (received, "sla_started", None, {k: due[k].isoformat() for k in
                                          ("first_response_due_at", "resolution_due_at",
                                           "callback_due_at")}),
        *life.events,
    ]
    return SimpleNamespace(
        row=row, events=events,
        decision={"at": received, "stage": "intake", "versions": decision.versions,
                  "outcome": outcome, "trace": trace,
                  "error": None},
        hits=[{"kind": o.kind, "rule": rule, "version": o.version, "at": received}
              for o in decision.outcomes for rule in o.fired])
