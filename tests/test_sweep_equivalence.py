"""The sweep that looks only at complaints whose next check has come takes exactly the
actions of the pass over every open complaint: both run in lockstep, on two copies of the
same database, over generated complaints, rule sets and lifecycle actions, stepping the
clock forward (sometimes exactly onto a threshold), and what each wrote is compared after
every pass."""

import random
import shutil
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app.jobs.escalation import sweep
from app.models import Complaint, ComplaintEvent, Customer, EscalationMark, Notification
from app.policy import store
from app.services.access import actor_for
from app.services.errors import DomainError
from app.services.intake import register_complaint
from app.services.lifecycle import perform
from tests.conftest import app_settings

CASES = 4  # generated scenarios per database
STEPS = 36
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SWEEP_KINDS = ("escalated", "level_raised", "sla_breached", "notified", "marked_at_risk")
CLOCK_LEAVES = {  # variable -> (operators, low, high, decimals)
    "hours_open": (("longer_than", "shorter_than", "greater_than_or_equal_to", "equal_to"),
                   0, 40, 2),
    "hours_since_last_update": (("longer_than", "less_than", "equal_to"), 0, 30, 2),
    "minutes_to_first_response_due": (("less_than", "greater_than", "equal_to",
                                       "less_than_or_equal_to"), -300, 300, 1),
    "minutes_to_resolution_due": (("less_than", "greater_than", "not_equal_to"), -2000, 2000, 1),
    "percent_of_resolution_time_used": (("greater_than_or_equal_to", "less_than", "equal_to",
                                         "greater_than"), 0, 250, 1),
}


class Clock(datetime):
    """The wall clock the models' defaults read (created_at, updated_at), set by the test."""

    current = START

    @classmethod
    def now(cls, tz=None):
        return cls.current


@pytest.fixture
def twin(backend, templates, tmp_path, request):
    """A second app on its own copy of the template database."""
    from app import create_app
    from app.extensions import db

    template = templates(backend)
    admin = name = None
    if backend == "sqlite":
        path = tmp_path / "twin.db"
        shutil.copy(template, path)
        uri = f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("postgres_url")
        name = f"pd_twin_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        uri = make_url(server).set(database=name).render_as_string(hide_password=False)
    application = create_app(app_settings(uri, str(tmp_path / "twin-instance")))
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _leaf(rng, teams):
    roll = rng.random()
    if roll < 0.55:
        name = rng.choice(sorted(CLOCK_LEAVES))
        operators, low, high, decimals = CLOCK_LEAVES[name]
        return {"name": name, "operator": rng.choice(operators),
                "value": round(rng.uniform(low, high), rng.choice((0, decimals)))}
    if roll < 0.7:
        return {"name": rng.choice(("first_response_breached", "resolution_breached")),
                "operator": rng.choice(("is_true", "is_false"))}
    if roll < 0.85:  # unpredictable: checked at every pass
        return {"name": "customer_open_complaints", "operator": "greater_than",
                "value": rng.randint(1, 15)}
    return rng.choice((
        {"name": "category", "operator": "is_one_of",
         "value": rng.sample(["delay", "damage", "loss", "pickup"], 2)},
        {"name": "level", "operator": "less_than", "value": rng.randint(2, 5)},
        {"name": "escalation_count", "operator": "equal_to", "value": 0},
        {"name": "team", "operator": "not_equal_to", "value": rng.choice(teams)},
        {"name": "status", "operator": "equal_to", "value": "in_progress"},
    ))


def _action(rng, teams):
    return rng.choice((
        {"name": "mark_at_risk"},
        {"name": "notify", "params": {"target": "team_lead", "message": "{number} is late"}},
        {"name": "raise_level", "params": {"by": 1}},
        {"name": "escalate", "params": {"to_team": rng.choice(teams), "reason": "late"}},
    ))


def rule_set(rng, teams) -> list:
    rules = []
    for i in range(rng.randint(2, 6)):
        leaves = [_leaf(rng, teams) for _ in range(rng.randint(1, 3))]
        conditions = {"all": leaves} if rng.random() < 0.75 else {"any": leaves}
        rules.append({"name": f"rule {i}", "conditions": conditions,
                      "actions": [_action(rng, teams) for _ in range(rng.randint(1, 2))]})
    return rules


def written(session) -> dict:
    """What the sweeps wrote, comparable across the two databases."""
    events = session.execute(
        select(Complaint.number, ComplaintEvent.kind, ComplaintEvent.at, ComplaintEvent.details)
        .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
        .where(ComplaintEvent.kind.in_(SWEEP_KINDS))
        .order_by(Complaint.number, ComplaintEvent.id)).all()
    marks = session.execute(
        select(Complaint.number, EscalationMark.rule, EscalationMark.stage, EscalationMark.at)
        .join(Complaint, Complaint.id == EscalationMark.complaint_id)
        .order_by(Complaint.number, EscalationMark.id)).all()
    states = session.execute(
        select(Complaint.number, Complaint.team_id, Complaint.level, Complaint.tags,
               Complaint.escalation_count, Complaint.status)
        .order_by(Complaint.number)).all()
    # the two passes meet due complaints in different orders: the outbox as a multiset
    notices = sorted(session.execute(select(Notification.recipient, Notification.body)).all())
    return {"events": [tuple(r) for r in events], "marks": [tuple(r) for r in marks],
            "states": [tuple(r) for r in states], "notifications": [tuple(r) for r in notices]}


def _edges(c) -> dict:
    """variable -> (value -> the moment the variable has that value) for one complaint."""
    def at(start, sign, unit):
        return lambda v: None if start is None or unit is None else start + sign * v * unit

    span = (c.resolution_due_at - c.received_at) if c.resolution_due_at else None
    return {
        "hours_open": at(c.received_at, 1, timedelta(hours=1)),
        "hours_since_last_update": at(c.updated_at, 1, timedelta(hours=1)),
        "minutes_to_first_response_due": at(c.first_response_due_at, -1, timedelta(minutes=1)),
        "minutes_to_resolution_due": at(c.resolution_due_at, -1, timedelta(minutes=1)),
        "percent_of_resolution_time_used": at(c.received_at, 1, span / 100 if span else None),
    }


class World:
    """One database of the pair: the same calls, the sweep in one mode or the other."""

    def __init__(self, app, full: bool):
        from app.extensions import db

        self.app, self.full, self.db = app, full, db
        with app.app_context():
            session = db.session
            customers = [Customer(name=f"客户{i}", kind="person", phone=f"1380000000{i}")
                         for i in range(3)]
            session.add_all(customers)
            session.commit()
            self.customers = [c.id for c in customers]
            self.actor = actor_for(session, app.appbuilder.sm.find_user(username="admin"))

    def run(self, step, *args):
        with self.app.app_context():
            try:
                return step(self.db.session, *args)
            finally:
                self.db.session.remove()

    # the steps, each called on both databases with the same arguments
    def publish(self, session, rules, now):
        store.publish(session, "escalation", rules, comment="generated", now=now)

    def register(self, session, i, data, now):
        register_complaint(session, {**data, "customer": self.customers[i]}, now=now)

    def act(self, session, number, action, body, now):
        c = session.execute(select(Complaint).where(Complaint.number == number)).scalar_one()
        try:
            perform(session, c.id, action, {"version": c.version, **body}, self.actor, now=now)
        except DomainError as exc:
            session.rollback()
            return type(exc).__name__
        return "ok"

    def sweep(self, session, now):
        result = sweep(session, now=now, full=self.full)
        return {"actions": result["actions"], "evaluated": result["evaluated"],
                "found": written(session)}

    def numbers(self, session):
        return list(session.execute(select(Complaint.number).where(Complaint.is_open)
                                    .order_by(Complaint.number)).scalars())

    def thresholds(self, session, rules):
        """Moments right on a due time or where a clock condition's variable reaches its
        constant (the edges worth probing)."""
        constants = {}
        for rule in rules:
            for leaf in (rule["conditions"].get("all") or rule["conditions"].get("any")):
                constants.setdefault(leaf["name"], []).append(leaf.get("value"))
        found = []
        for c in session.execute(select(Complaint).where(Complaint.is_open)).scalars():
            found += [t for t in (c.first_response_due_at, c.resolution_due_at) if t]
            edges = _edges(c)
            for name, edge in edges.items():
                half = CLOCK_LEAVES[name][3] and 0.5 * 10 ** -CLOCK_LEAVES[name][3]
                # the rounded value turns half a unit either side of the constant
                found += [edge(v + d) for v in constants.get(name, ()) for d in (-half, 0, half)
                          if edge(v + d) is not None]
        return found


def test_sweep_by_next_check_acts_as_the_full_sweep(app, twin, monkeypatch):
    monkeypatch.setattr("app.timeutil.datetime", Clock)
    full, lean = World(app, full=True), World(twin, full=False)
    with app.app_context():
        from app.extensions import db

        teams = store.team_names(db.session)
    evaluated = {"full": 0, "lean": 0}
    acted = 0
    for case in range(CASES):
        rng = random.Random(f"sweep-{case}")
        now = START + timedelta(days=7 * case)
        for step in range(STEPS):
            Clock.current = now
            roll = rng.random()
            if step == 0 or roll < 0.04:
                rules = rule_set(rng, teams)
                for world in (full, lean):
                    world.run(world.publish, rules, now)
            if roll < 0.35 or step < 3:
                data = {"channel": "web", "category": rng.choice(["delay", "damage", "loss"]),
                        "description": "parcel late", "urgency": rng.randint(1, 5),
                        "received_at": (now - timedelta(minutes=rng.randint(0, 600))).isoformat()}
                i = rng.randrange(3)
                for world in (full, lean):
                    world.run(world.register, i, data, now)
            numbers = full.run(full.numbers)
            if numbers and rng.random() < 0.3:
                number = rng.choice(numbers)
                action, body = rng.choice([("respond", {"message": "on it"}),
                                           ("wait_customer", {"reason": "photos"}),
                                           ("resume", {}), ("claim", {})])
                outcomes = [w.run(w.act, number, action, body, now) for w in (full, lean)]
                assert outcomes[0] == outcomes[1]
            results = [w.run(w.sweep, now) for w in (full, lean)]
            where = f"case {case}, step {step}, {now.isoformat()}"
            assert results[0]["found"] == results[1]["found"], where
            assert results[0]["actions"] == results[1]["actions"], where
            evaluated["full"] += results[0]["evaluated"]
            evaluated["lean"] += results[1]["evaluated"]
            acted += results[0]["actions"]
            # the next moment: a random step, or exactly onto an edge (or a microsecond on)
            # the next moment: a random step, or onto an edge, exactly or just after it
            edges = [t for t in full.run(full.thresholds, rules) if t > now]
            if edges and rng.random() < 0.5:
                now = rng.choice(edges) + timedelta(seconds=rng.choice((0, 1e-6, 0.3)))
            else:
                now += timedelta(seconds=rng.choice((1, 59, 600, 3600, 5 * 3600)))
    assert acted > 20  # the scenarios did make the rules act
    assert evaluated["lean"] < evaluated["full"]  # and the lean sweep looked at less
