"""Patterns in rules cannot hang a worker: RE2 matches in linear time, and what RE2
cannot run (backreferences, look-around) is refused when the rules are validated."""

import contextlib
import json
import signal
import time

import pytest

from app.models import Decision, RuleSetVersion
from app.policy import store
from app.policy.engine import compile_rules, evaluate
from app.policy.validation import validate_rules
from config import BASE_DIR
from tests.test_policy_engine import facts, leaf, team_rule

HOSTILE = "(a+)+$"
LONG_TEXT = "a" * 9_999 + "!"  # the longest description accepted


@contextlib.contextmanager
def deadline(seconds: int):
    """Fail instead of hanging: Python's `re` can be interrupted by a signal, RE2 is
    not needed to be."""
    def too_slow(*_):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def routing_rules(*first):
    defaults = json.loads((BASE_DIR / "rules" / "routing.json").read_text())["rules"]
    return [*first, *defaults]


@pytest.mark.parametrize("pattern", [r"(a)\1", r"late(?=ly)", r"(?<!not )late"])
def test_patterns_re2_cannot_run_are_refused_with_the_reason(pattern):
    condition = leaf("description", "matches_regex", pattern)
    problems = validate_rules("routing", [team_rule("R", "Finance", condition)], ["Finance"])
    assert len(problems) == 1, problems
    assert problems[0]["path"] == "rules[0].conditions.all[0].value"
    assert "not a valid pattern" in problems[0]["message"]
    assert "RE2" in problems[0]["message"]


def test_hostile_pattern_on_a_long_description_is_fast():
    ruleset = compile_rules("routing", 1, [
        team_rule("Hostile", "Finance", leaf("description", "matches_regex", HOSTILE))])
    started = time.perf_counter()
    with deadline(5):
        out = evaluate(ruleset, facts(description=LONG_TEXT))
    assert time.perf_counter() - started < 0.5
    assert out.fired == []
    assert evaluate(ruleset, facts(description="aaaa")).fired == ["Hostile"]


def test_patterns_keep_their_meaning():
    ruleset = compile_rules("routing", 1, [
        team_rule("Waybill", "Finance", leaf("description", "matches_regex", r"(?i)\bPD\d{3}\b"))])
    assert evaluate(ruleset, facts(description="parcel pd123 late")).fired == ["Waybill"]
    assert evaluate(ruleset, facts(description="parcel PD1234 late")).fired == []


def test_registration_with_a_hostile_rule_answers_quickly(client, as_user, customer_id, session):
    store.publish(session, "routing", routing_rules(
        team_rule("Hostile", "Finance", leaf("description", "matches_regex", HOSTILE))),
        comment="a pattern that backtracks in Python's re")
    headers = as_user("agent")
    with deadline(60):  # Python's re would not finish this in any lifetime
        resp = client.post("/api/v1/complaints/", headers=headers, json={
            "customer": customer_id, "channel": "phone", "category": "fee_dispute",
            "description": LONG_TEXT})
    # The registration completes (the evaluation alone is timed in
    # test_hostile_pattern_on_a_long_description_is_fast; whole requests in bench/).
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["result"]["team"]["name"] == "Finance"  # the default fee rule


def test_a_stored_pattern_re2_refuses_fails_its_condition_not_the_request(
        client, as_user, customer_id, session):
    """A version saved before patterns had to be RE2 (written here around validation)."""
    latest = store.latest_versions(session)["routing"]
    session.add(RuleSetVersion(
        kind="routing", version=latest + 1, comment="legacy", parameters={},
        rules=routing_rules(team_rule("Doubled", "Management",
                                      leaf("description", "matches_regex", r"(\w)\1")))))
    session.commit()
    resp = client.post("/api/v1/complaints/", headers=as_user("agent"), json={
        "customer": customer_id, "channel": "phone", "category": "fee_dispute",
        "description": "Charged twice: aa"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["result"]["team"]["name"] == "Finance"
    decision = session.query(Decision).filter_by(
        complaint_id=resp.get_json()["result"]["id"]).one()
    assert decision.error is None
    doubled = [c for outcome in decision.trace for rule in outcome["rules"]
               for c in rule["conditions"] if c["operator"] == "matches_regex"]
    assert doubled and doubled[0]["result"] is False
    assert "PatternError" in doubled[0]["error"]
