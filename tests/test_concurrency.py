"""Concurrent writers: registrations through a real threaded server get unique numbers
on both databases; SQLite enforces foreign keys, journals in WAL and waits for locks."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.models import Complaint, Decision, EscalationMark, Notification
from app.timeutil import utcnow
from tests.live import live_server, post_json

CONCURRENT = 30


def valid(customer_id, **extra):
    return {"customer": customer_id, "channel": "phone", "category": "delay",
            "description": "Parcel PD123 is three days late", **extra}


def test_concurrent_registrations_are_all_saved_with_unique_numbers(
        app, as_user, customer_id, session):
    headers = as_user("agent")
    gate = threading.Barrier(CONCURRENT)

    def register(base, i):
        gate.wait()
        return post_json(f"{base}/api/v1/complaints/",
                         valid(customer_id, waybill_no=f"PD{i:04d}"), headers)

    # Two servers, as two processes would be: each has its own connections.
    with live_server(app) as one, live_server(app) as two, \
            ThreadPoolExecutor(CONCURRENT) as pool:
        results = list(pool.map(lambda i: register((one, two)[i % 2], i), range(CONCURRENT)))
    failures = [(status, body) for status, body in results if status != 201]
    assert failures == []
    numbers = [body["result"]["number"] for _, body in results]
    assert len(set(numbers)) == CONCURRENT
    session.expire_all()
    stored = session.execute(select(Complaint.number)).scalars().all()
    assert sorted(stored) == sorted(numbers)
    sequences = sorted(int(n[-5:]) for n in numbers)
    assert sequences == list(range(sequences[0], sequences[0] + CONCURRENT))


def test_sqlite_connections_enforce_foreign_keys_wal_and_a_busy_timeout(app, backend, session):
    if backend != "sqlite":
        pytest.skip("SQLite connection settings")
    assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert session.execute(text("PRAGMA busy_timeout")).scalar() == 30_000


def _register(client, headers, customer_id, **extra):
    resp = client.post("/api/v1/complaints/", json=valid(customer_id, **extra), headers=headers)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["result"]["id"]


def test_deleting_a_complaint_leaves_no_orphans(client, as_user, customer_id, session):
    cid = _register(client, as_user("agent"), customer_id)
    session.add(EscalationMark(complaint_id=cid, rule="Overdue", stage="resolution"))
    session.commit()
    assert session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.complaint_id == cid)) == 1
    resp = client.delete(f"/api/v1/complaints/{cid}", headers=as_user("admin"))
    assert resp.status_code == 200, resp.get_json()
    session.expire_all()
    for model in (EscalationMark, Notification, Decision):
        left = session.scalar(select(func.count()).select_from(model)
                              .where(model.complaint_id == cid))
        assert left == 0, model.__name__


def test_a_complaint_others_refer_to_is_not_deleted(client, as_user, customer_id, session):
    # received 5 days ago: beyond the 72 h in which screening calls it a duplicate
    earlier = (utcnow() - timedelta(days=5)).isoformat()
    first = _register(client, as_user("agent"), customer_id, waybill_no="PD777",
                      received_at=earlier)
    repeat = _register(client, as_user("agent"), customer_id, waybill_no="PD777")
    session.expire_all()
    assert session.get(Complaint, repeat).repeat_of_id == first
    resp = client.delete(f"/api/v1/complaints/{first}", headers=as_user("admin"))
    assert resp.status_code in (409, 422), resp.get_json()
    session.expire_all()
    assert session.get(Complaint, first) is not None
    assert session.get(Complaint, repeat).repeat_of_id == first
