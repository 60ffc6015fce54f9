"""Demo data is believable: valid vocabularies, unique numbers, consistent timestamps."""

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from app.models import Complaint, ComplaintEvent
from app.models.choices import CATEGORIES, CHANNELS, OPEN_STATUSES, STATUSES
from app.timeutil import utcnow
from seed.demo import generate_demo


def test_demo_complaints_are_consistent(session):
    now = utcnow()
    assert generate_demo(session, complaints=1200, days=20, now=now, progress=False) == 1200
    rows = session.execute(select(Complaint)).scalars().all()
    assert len({c.number for c in rows}) == 1200
    assert {c.channel for c in rows} <= set(CHANNELS) and len({c.channel for c in rows}) >= 8
    assert {c.category for c in rows} <= set(CATEGORIES)
    assert {c.status for c in rows} <= set(STATUSES)
    statuses = Counter(c.status for c in rows)
    assert statuses["closed"] > 0 and sum(statuses[s] for s in OPEN_STATUSES) > 0
    for c in rows:
        assert now - timedelta(days=20, seconds=1) <= c.received_at <= now
        assert 1 <= c.level <= 5 and c.team_id is not None
        assert c.resolution_due_at > c.received_at
        if c.status in ("resolved", "closed"):
            assert c.resolved_at is not None and c.resolved_at >= c.received_at
        if c.status == "closed":
            assert c.closed_at >= c.resolved_at
            # after a callback that reached the customer, or by a lead with the reason
            assert (c.callback_reached and 1 <= c.satisfaction <= 5) or c.close_reason
        if c.status == "new":
            assert c.first_responded_at is None
    assert session.query(ComplaintEvent).filter_by(kind="registered").count() == 1200


def test_demo_complaints_are_decided_by_the_rules_and_worked(session):
    """Every demo complaint carries the rules' decision and hits, and lives like a
    complaint of a healthy office: old ones worked through, a small overdue share."""
    from app.models import Decision, RuleHit
    from app.services.decide import decide_intake
    from app.services.facts import complaints_before, intake_variables

    now = utcnow()
    generate_demo(session, complaints=1500, days=30, now=now, progress=False)
    rows = session.execute(select(Complaint)).scalars().all()
    decisions = {d.complaint_id: d for d in session.execute(select(Decision)).scalars()}
    assert set(decisions) == {c.id for c in rows}
    hits = session.query(RuleHit).count()
    assert hits >= len(rows)  # grading, routing and SLA each fire for most complaints
    recent = [c for c in rows if c.received_at >= now - timedelta(days=14)]
    assert all(decisions[c.id].trace for c in recent)
    # the recorded decision is what the published rules decide for the same input
    for c in rows[::30]:
        facts = intake_variables(c, tier=c.customer.tier, is_repeat=False,
                                 complaints_30d=complaints_before(session, c.customer_id,
                                                                  c.received_at))
        again = decide_intake(session, facts, level_given=None, team_given=None, trace=False)
        assert decisions[c.id].outcome["team"] == again.team == c.team.name
        assert decisions[c.id].outcome["level"] == again.level
    kinds = Counter(e.kind for e in session.execute(select(ComplaintEvent)).scalars())
    for kind in ("claim", "respond", "propose_resolution", "resolve", "callback", "close",
                 "approve_resolution", "level_raised", "reopen"):
        assert kinds[kind] > 0, kind
    old = [c for c in rows if c.received_at < now - timedelta(days=10)]
    assert sum(c.status == "closed" for c in old) / len(old) > 0.85
    open_ = [c for c in rows if c.is_open]
    overdue = [c for c in open_ if c.paused_at is None and c.next_due_at and c.next_due_at < now]
    assert 0 < len(overdue) / len(open_) < 0.2
    assert all(now - c.next_due_at < timedelta(days=3) for c in overdue)


def test_numbers_continue_after_existing_ones(session, client, as_user, customer_id):
    now = utcnow()
    generate_demo(session, complaints=50, days=1, now=now, progress=False)
    resp = client.post("/api/v1/complaints/", headers=as_user("agent"), json={
        "customer": customer_id, "channel": "web", "category": "loss", "description": "lost"})
    assert resp.status_code == 201
    numbers = set(session.execute(select(Complaint.number)).scalars())
    assert len(numbers) == 51
