"""Every lifecycle transition, allowed and refused, through the service and the API."""

from datetime import timedelta

import pytest

from app.models import Complaint, Team
from app.services.access import actor_for
from app.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.services.intake import register_complaint
from app.services.lifecycle import perform
from app.timeutil import utcnow


@pytest.fixture
def people(app, session):
    sm = app.appbuilder.sm
    return {name: actor_for(session, sm.find_user(username=name))
            for name in ("agent", "agent2", "lead", "claims_agent", "admin", "callback_agent")}


@pytest.fixture
def complaint(session, customer_id):
    # Finance assigns manually: the complaint arrives unassigned ("new").
    c = register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "delay", "description": "late",
                                     "team": _team(session, "Logistics Delivery").id,
                                     "level": 2})
    c.assignee_id, c.status = None, "new"
    session.commit()
    return c


def _team(session, name):
    return session.query(Team).filter_by(name=name).one()


def act(session, c, action, actor, **body):
    return perform(session, c.id, action, {"version": c.version, **body}, actor)


def test_happy_path_to_closed(session, complaint, people):
    c = complaint
    act(session, c, "claim", people["agent"])
    assert c.status == "assigned" and c.assignee.username == "agent"
    act(session, c, "respond", people["agent"], message="We are on it")
    assert c.status == "in_progress" and c.first_responded_at is not None
    act(session, c, "note", people["agent2"], text="Checked the depot scans")
    act(session, c, "propose_resolution", people["agent"], kind="apology", text="Sorry")
    act(session, c, "resolve", people["agent"])
    assert c.status == "resolved" and c.resolved_at and not c.is_open
    act(session, c, "callback", people["callback_agent"], reached=True, satisfaction=5)
    assert c.satisfaction == 5
    act(session, c, "close", people["agent"])
    assert c.status == "closed" and c.closed_at and c.next_due_at is None
    kinds = [e.kind for e in c.events]
    for kind in ("claim", "respond", "note", "propose_resolution", "resolve", "callback",
                 "close", "sla_met"):
        assert kind in kinds


@pytest.mark.parametrize("action, body, status", [
    ("resolve", {}, "new"), ("respond", {"message": "x"}, "new"), ("close", {}, "new"),
    ("callback", {"reached": True, "satisfaction": 4}, "new"), ("resume", {}, "new"),
    ("reopen", {}, "new"), ("wait_customer", {}, "new"),
])
def test_refused_in_wrong_state_changes_nothing(session, complaint, people, action, body, status):
    before = (complaint.status, complaint.version, complaint.events.count())
    with pytest.raises(Conflict) as info:
        act(session, complaint, action, people["lead"], **body)
    assert "its status is New" in info.value.message
    session.expire_all()
    assert (complaint.status, complaint.version, complaint.events.count()) == before


def test_who_may_act(session, complaint, people):
    with pytest.raises(NotFound):  # another team's complaint does not exist for them
        act(session, complaint, "claim", people["claims_agent"])
    with pytest.raises(Forbidden):
        act(session, complaint, "assign", people["agent"], user=people["agent2"].id)
    act(session, complaint, "assign", people["lead"], user=people["agent2"].id)
    assert complaint.assignee.username == "agent2"
    with pytest.raises(Conflict):
        act(session, complaint, "claim", people["agent"])  # already someone else's
    with pytest.raises(Forbidden):
        act(session, complaint, "respond", people["agent"], message="not mine")
    with pytest.raises(InvalidInput):
        act(session, complaint, "assign", people["lead"], user=people["claims_agent"].id)


def test_stale_version_is_refused(session, complaint, people):
    perform(session, complaint.id, "claim", {"version": complaint.version}, people["agent"])
    with pytest.raises(Conflict) as info:
        perform(session, complaint.id, "respond", {"version": 1, "message": "x"}, people["agent"])
    assert "version" in info.value.message


def test_resolution_needs_approval_for_big_compensation(session, complaint, people, app):
    act(session, complaint, "claim", people["agent"])
    act(session, complaint, "respond", people["agent"], message="hi")
    with pytest.raises(InvalidInput):
        act(session, complaint, "propose_resolution", people["agent"], kind="compensation",
            text="pay", amount=-5)
    act(session, complaint, "propose_resolution", people["agent"], kind="compensation",
        text="pay for the vase", amount=501)  # the default policy's limit is 500.00 CNY
    with pytest.raises(Conflict) as info:
        act(session, complaint, "resolve", people["agent"])
    assert "approval" in info.value.message
    with pytest.raises(Forbidden):
        act(session, complaint, "approve_resolution", people["agent"])
    act(session, complaint, "approve_resolution", people["lead"])
    act(session, complaint, "resolve", people["agent"])
    assert complaint.status == "resolved"


def test_close_without_callback_needs_lead_and_reason(session, complaint, people):
    c = complaint
    act(session, c, "claim", people["agent"])
    act(session, c, "respond", people["agent"], message="hi")
    act(session, c, "propose_resolution", people["agent"], kind="explanation", text="why")
    act(session, c, "resolve", people["agent"])
    act(session, c, "callback", people["agent"], reached=False)
    with pytest.raises(Forbidden):
        act(session, c, "close", people["agent"], reason="no answer")
    with pytest.raises(InvalidInput):
        act(session, c, "close", people["lead"])
    act(session, c, "close", people["lead"], reason="Called three times, no answer")
    assert c.status == "closed" and c.close_reason.startswith("Called")
    act(session, c, "reopen", people["agent"], reason="customer wrote again")
    assert c.status == "reopened" and c.reopen_count == 1 and c.is_repeat
    assert c.resolution_due_at > utcnow()


def test_pause_moves_the_due_times(session, complaint, people):
    c = complaint
    act(session, c, "claim", people["agent"])
    act(session, c, "respond", people["agent"], message="hi")
    due = c.resolution_due_at
    start = utcnow()
    perform(session, c.id, "wait_customer", {"version": c.version, "reason": "photos"},
            people["agent"], now=start)
    assert c.status == "waiting_customer" and c.paused_at == start
    perform(session, c.id, "resume", {"version": c.version}, people["agent"],
            now=start + timedelta(hours=5))
    assert c.resolution_due_at == due + timedelta(hours=5)
    kinds = [e.kind for e in c.events]
    assert "sla_paused" in kinds and "sla_resumed" in kinds


def test_bad_bodies(session, complaint, people):
    with pytest.raises(InvalidInput) as info:
        perform(session, complaint.id, "claim", {}, people["agent"])
    assert info.value.field == "version"
    with pytest.raises(InvalidInput):
        perform(session, complaint.id, "claim", {"version": 1, "colour": "red"}, people["agent"])
    with pytest.raises(InvalidInput):
        perform(session, complaint.id, "dance", {"version": 1}, people["agent"])
    assert session.get(Complaint, complaint.id).status == "new"
