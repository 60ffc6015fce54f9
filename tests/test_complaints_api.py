"""The complaints REST API: intake, reading, editing with versions, timeline, evidence."""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.models import Complaint


def valid(customer_id, **extra):
    return {"customer": customer_id, "channel": "phone", "category": "delay",
            "description": "Parcel PD123 is three days late", **extra}


def test_register_complaint_returns_number_and_fields(client, as_user, customer_id):
    resp = client.post("/api/v1/complaints/", json=valid(customer_id, waybill_no="PD123"),
                       headers=as_user("agent"))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()["result"]
    assert body["number"].startswith("TC") and len(body["number"]) == 15
    assert body["number"][2:].isdigit()
    assert body["status"] in ("new", "assigned")
    assert body["region"] == "330000"  # defaults to the customer's region (Zhejiang)
    assert body["customer"] == {"id": customer_id, "name": "张*"}  # masked
    assert datetime.fromisoformat(body["received_at"]).utcoffset() == timedelta(0)
    assert body["version"] == 1


def test_numbers_are_unique_and_sequential(client, as_user, customer_id):
    numbers = [
        client.post("/api/v1/complaints/", json=valid(customer_id),
                    headers=as_user("agent")).get_json()["result"]["number"]
        for _ in range(3)
    ]
    seqs = [int(n[-5:]) for n in numbers]
    assert seqs == [seqs[0], seqs[0] + 1, seqs[0] + 2]


def test_backdated_received_at_is_kept(client, as_user, customer_id, session):
    when = "2026-01-05T09:30:00+08:00"
    resp = client.post("/api/v1/complaints/", json=valid(customer_id, received_at=when),
                       headers=as_user("agent"))
    assert resp.status_code == 201
    stored = session.get(Complaint, resp.get_json()["id"])
    assert stored.received_at == datetime(2026, 1, 5, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("change, field", [
    ({"customer": None}, "customer"),
    ({"customer": 999999}, "customer"),
    ({"channel": "fax"}, "channel"),
    ({"category": "weather"}, "category"),
    ({"description": "  "}, "description"),
    ({"urgency": 9}, "urgency"),
    ({"urgency": "high"}, "urgency"),
    ({"received_at": "yesterday"}, "received_at"),
    ({"received_at": "2999-01-01T00:00:00+00:00"}, "received_at"),
    ({"status": "closed"}, "status"),
    ({"team": 999999}, "team"),
])
def test_invalid_intake_is_refused_naming_the_field(client, as_user, customer_id, session,
                                                    change, field):
    payload = {k: v for k, v in {**valid(customer_id), **change}.items() if v is not None}
    before = session.query(Complaint).count()
    resp = client.post("/api/v1/complaints/", json=payload, headers=as_user("lead"))
    assert resp.status_code == 400, resp.get_json()
    body = resp.get_json()
    assert field in body["details"], body
    assert field in body["message"]
    assert session.query(Complaint).count() == before


def test_non_json_and_non_object_bodies_are_400(client, as_user):
    headers = as_user("agent")
    resp = client.post("/api/v1/complaints/", data="customer=1", headers=headers)
    assert resp.status_code == 400 and "JSON" in resp.get_json()["message"]
    resp = client.post("/api/v1/complaints/", json=[1, 2], headers=headers)
    assert resp.status_code == 400 and "object" in resp.get_json()["message"]


def test_get_and_list_use_api_field_names(client, as_user, customer_id):
    headers = as_user("auditor")
    created = client.post("/api/v1/complaints/", json=valid(customer_id),
                          headers=as_user("agent")).get_json()
    one = client.get(f"/api/v1/complaints/{created['id']}", headers=headers).get_json()["result"]
    for field in ("number", "channel", "received_at", "waybill_no", "service_type", "region",
                  "category", "impact", "urgency", "level", "status", "version",
                  "first_response_due_at", "resolution_due_at", "callback_due_at"):
        assert field in one, field
    listing = client.get("/api/v1/complaints/?q=(filters:!((col:category,opr:eq,value:delay)))",
                         headers=headers).get_json()
    assert listing["count"] >= 1
    assert all(row["category"] == "delay" for row in listing["result"])


def test_unknown_complaint_is_404(client, as_user):
    assert client.get("/api/v1/complaints/999999", headers=as_user("agent")).status_code == 404
    assert client.get("/api/v1/complaints/999999/events",
                      headers=as_user("agent")).status_code == 404


def test_edit_requires_current_version(client, as_user, customer_id, session):
    headers = as_user("admin")
    cid = client.post("/api/v1/complaints/", json=valid(customer_id),
                      headers=headers).get_json()["id"]
    resp = client.put(f"/api/v1/complaints/{cid}", json={"impact": "group", "version": 1},
                      headers=headers)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["result"]["impact"] == "group"
    assert resp.get_json()["result"]["version"] == 2
    stale = client.put(f"/api/v1/complaints/{cid}", json={"category": "damage", "version": 1},
                       headers=headers)
    assert stale.status_code == 409
    assert "version" in stale.get_json()["message"]
    session.expire_all()
    assert session.get(Complaint, cid).category != "damage"
    missing = client.put(f"/api/v1/complaints/{cid}", json={"impact": "wide"}, headers=headers)
    assert missing.status_code == 400 and "version" in missing.get_json()["details"]


def test_timeline_records_registration_and_edits(client, as_user, customer_id):
    headers = as_user("agent")
    cid = client.post("/api/v1/complaints/", json=valid(customer_id),
                      headers=headers).get_json()["id"]
    client.put(f"/api/v1/complaints/{cid}", json={"impact": "group", "version": 1},
               headers=headers)
    events = client.get(f"/api/v1/complaints/{cid}/events", headers=headers).get_json()["result"]
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "registered" and kinds[-1] == "edited"
    assert {"routed", "sla_started"} <= set(kinds)
    assert events[-1]["details"]["impact"] == ["individual", "group"]
    assert events[-1]["actor"] == "agent"


def test_evidence_upload_limits(client, as_user, customer_id, app):
    headers = as_user("agent")
    cid = client.post("/api/v1/complaints/", json=valid(customer_id),
                      headers=headers).get_json()["id"]
    ok = client.post(f"/api/v1/complaints/{cid}/attachments", headers=headers,
                     data={"file": (io.BytesIO(b"\x89PNG fake image"), "box.png"), "version": 1})
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["result"]["kind"] == "photo"
    bad_type = client.post(f"/api/v1/complaints/{cid}/attachments", headers=headers,
                           data={"file": (io.BytesIO(b"MZ"), "tool.exe"), "version": 1})
    assert bad_type.status_code == 400 and bad_type.get_json()["field"] == "file"
    app.config["ATTACHMENT_MAX_BYTES"] = 10
    too_big = client.post(f"/api/v1/complaints/{cid}/attachments", headers=headers,
                          data={"file": (io.BytesIO(b"x" * 11), "note.txt"), "version": 1})
    assert too_big.status_code == 400 and "limit" in too_big.get_json()["message"]
    missing = client.post(f"/api/v1/complaints/{cid}/attachments", headers=headers,
                          data={"version": 1})
    assert missing.status_code == 400
    stored = list((Path(app.instance_path) / "attachments").iterdir())
    assert len(stored) == 1  # refused files leave nothing behind


def test_agents_leave_level_and_team_to_the_rules(client, as_user, customer_id, session):
    """Registering as level 1 would skip the approval a serious complaint needs."""
    before = session.query(Complaint).count()
    resp = client.post("/api/v1/complaints/", headers=as_user("agent"),
                       json={**valid(customer_id), "level": 1, "team": 2})
    assert resp.status_code == 403, resp.get_json()
    assert resp.get_json()["field"] == "level" and "team" in resp.get_json()["message"]
    assert session.query(Complaint).count() == before
    resp = client.post("/api/v1/complaints/", headers=as_user("lead"),
                       json={**valid(customer_id), "level": 4})
    assert resp.status_code == 201 and resp.get_json()["result"]["level"] == 4
