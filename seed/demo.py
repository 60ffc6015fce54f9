"""Believable demo data from DOMAIN.md: customers, users per role, complaints over time.

Rows are inserted in bulk (Core executemany), so 100,000 complaints take seconds.
"""

import random
from datetime import datetime, timedelta
from types import SimpleNamespace

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Complaint, ComplaintEvent, ComplaintSequence, Customer, Team
from app.services.numbering import format_number, office_day
from app.services.sla import refresh_queue_keys
from app.timeutil import utcnow
from seed import reference as ref
from seed.texts import complaint_text, resolution

BATCH = 5000
STREETS = ["Renmin", "Jiefang", "Zhongshan", "Jianshe"]


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
        company = rng.random() < 0.2
        name = rng.choice(ref.SURNAMES) + rng.choice(ref.GIVEN) + (
            rng.choice(ref.GIVEN) if rng.random() < 0.5 else "")
        if company:
            name = f"{rng.choice(ref.PROVINCES[province])}{name}{rng.choice(ref.COMPANIES)}"
        rows.append({
            "name": name, "kind": "company" if company else "person",
            "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            "email": f"customer{i}@example.cn" if rng.random() < 0.6 else None,
            "address": f"{rng.randrange(1, 999)} {rng.choice(STREETS)} Road",
            "province": province, "city": rng.choice(ref.PROVINCES[province]),
            "tier": "key" if rng.random() < (0.4 if company else 0.05) else "ordinary",
            "created_at": now - timedelta(days=rng.randrange(30, 900)),
        })
    return rows


def _status_and_times(rng, received: datetime, level: int, now: datetime) -> dict:
    fr_h, res_h, cb_d = ref.SLA_BY_LEVEL[level]
    age_h = (now - received).total_seconds() / 3600
    out = {
        "first_response_due_at": received + timedelta(hours=fr_h),
        "resolution_due_at": received + timedelta(hours=res_h),
        "callback_due_at": received + timedelta(hours=res_h, days=cb_d),
        "at_risk_from": received + timedelta(hours=res_h * 0.8),
    }
    if age_h < res_h * 0.3:
        status = rng.choices(["new", "assigned", "in_progress", "waiting_customer"],
                             [30, 30, 30, 10])[0]
    elif age_h < res_h * 2:
        status = rng.choices(["in_progress", "waiting_customer", "resolved", "closed"],
                             [25, 10, 40, 25])[0]
    else:
        status = rng.choices(["closed", "resolved", "in_progress"], [85, 10, 5])[0]
    if status != "new":
        responded = received + timedelta(hours=fr_h * rng.uniform(0.1, 1.4))
        out["first_responded_at"] = min(responded, now)
    if status in ("resolved", "closed"):
        resolved = received + timedelta(hours=res_h * rng.uniform(0.2, 1.3))
        resolved = min(resolved, now - timedelta(minutes=5))
        out["resolved_at"] = max(resolved, out.get("first_responded_at", received))
        if status == "closed":
            closed = out["resolved_at"] + timedelta(days=rng.uniform(0.5, cb_d))
            if closed < now:
                out["closed_at"] = closed
                out["satisfaction"] = rng.choices([5, 4, 3, 2, 1], [50, 30, 10, 6, 4])[0]
            else:
                status = "resolved"
    out["status"] = status
    return out


def generate_demo(session: Session, *, complaints: int, days: int, now: datetime | None = None,
                  progress: bool = True, seed: int = 7) -> int:
    """Insert `complaints` complaints received over the last `days` days; returns the count."""
    rng = random.Random(seed)
    now = now or utcnow()
    teams = {t.name: t for t in session.execute(select(Team)).scalars()}
    if not teams:
        raise click.ClickException("no teams: run the bootstrap (flask --app run init) first")
    members = {name: [u.id for u in t.members] for name, t in teams.items()}

    n_customers = max(300, min(complaints // 20, 20000))
    session.connection().execute(Customer.__table__.insert(), _customer_rows(rng, n_customers, now))
    customers = session.execute(select(Customer.id, Customer.province)).all()

    # Received times, oldest first, so that numbers follow time within a day.
    span = days * 86400
    received_all = sorted(now - timedelta(seconds=rng.random() * span) for _ in range(complaints))
    counters = dict(session.execute(select(ComplaintSequence.day, ComplaintSequence.last)).all())
    start_counters = dict(counters)
    bar = click.progressbar(length=complaints, label="complaints") if progress else None
    done = 0
    try:
        for start in range(0, complaints, BATCH):
            rows, events = [], []
            for received in received_all[start:start + BATCH]:
                day = office_day(received)
                counters[day] = counters.get(day, 0) + 1
                rows.append(_complaint_row(rng, received, format_number(day, counters[day]),
                                           customers, teams, members, now))
            # Core executemany without RETURNING: the ORM's bulk path is far slower here.
            conn = session.connection()
            conn.execute(Complaint.__table__.insert(), rows)
            ids = dict(conn.execute(select(Complaint.number, Complaint.id).where(
                Complaint.number.in_([r["number"] for r in rows]))).all())
            for row in rows:
                events.append({"complaint_id": ids[row["number"]], "at": row["received_at"],
                               "kind": "registered",
                               "details": {"channel": row["channel"], "source": "demo"}})
            conn.execute(ComplaintEvent.__table__.insert(), events)
            done += len(rows)
            if bar:
                bar.update(len(rows))
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


def _complaint_row(rng, received, number, customers, teams, members, now) -> dict:
    customer_id, province = rng.choice(customers)
    category = weighted(rng, ref.CATEGORY_WEIGHTS)
    level = weighted(rng, ref.LEVEL_WEIGHTS)
    waybill = f"PD{rng.randrange(10**12):012d}"
    text = complaint_text(rng, category, waybill=waybill)
    if level >= 4:
        text += rng.choice(ref.URGENT_SUFFIXES[3:])
    team_name = "Emergency Response" if level == 5 else ref.CATEGORY_TEAM[category]
    times = _status_and_times(rng, received, level, now)
    assignee = None
    if times["status"] != "new" and members.get(team_name):
        assignee = rng.choice(members[team_name])
    origin = rng.choice(list(ref.PROVINCES))
    row = {
        "number": number, "customer_id": customer_id,
        "channel": weighted(rng, ref.CHANNEL_WEIGHTS), "received_at": received,
        "waybill_no": waybill,
        "service_type": weighted(rng, ref.SERVICE_WEIGHTS),
        "origin_region": origin, "destination_region": province, "region": province,
        "category": category, "description": text, "category_source": "person",
        "expected_outcome": rng.choice(ref.OUTCOMES),
        "impact": rng.choices(["individual", "group", "wide"], [92, 6, 2])[0],
        "urgency": min(5, max(1, level + rng.choice([-1, 0, 0, 1]))), "level": level,
        "team_id": teams[team_name].id, "assignee_id": assignee,
        "is_repeat": rng.random() < 0.04, "tags": [], "version": 1,
        "escalation_count": 0, "reopen_count": 0,
        "created_at": received, "updated_at": times.get("closed_at") or received,
        "first_responded_at": None, "resolved_at": None, "closed_at": None,
        "satisfaction": None, "resolution_kind": None, "resolution_text": None, **times,
    }
    if row["resolved_at"] is not None:
        row["resolution_kind"], row["resolution_text"] = resolution(rng, category)
    keys = SimpleNamespace(**row)
    refresh_queue_keys(keys)  # the queues' sort keys, as the lifecycle keeps them
    row.update(next_due_at=keys.next_due_at, next_warn_at=keys.next_warn_at,
               is_open=keys.is_open)
    return row
