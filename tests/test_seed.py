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
            assert c.closed_at >= c.resolved_at and 1 <= c.satisfaction <= 5
        if c.status == "new":
            assert c.first_responded_at is None
    assert session.query(ComplaintEvent).filter_by(kind="registered").count() == 1200


def test_numbers_continue_after_existing_ones(session, client, as_user, customer_id):
    now = utcnow()
    generate_demo(session, complaints=50, days=1, now=now, progress=False)
    resp = client.post("/api/v1/complaints/", headers=as_user("agent"), json={
        "customer": customer_id, "channel": "web", "category": "loss", "description": "lost"})
    assert resp.status_code == 201
    numbers = set(session.execute(select(Complaint.number)).scalars())
    assert len(numbers) == 51
