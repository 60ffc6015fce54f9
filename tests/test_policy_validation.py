"""Nothing invalid is ever saved: every problem is found at once, named by rule and path."""

import json

import pytest

from app.policy.validation import validate_rules
from config import BASE_DIR

TEAMS = ["Finance", "Logistics Delivery", "Intake & Triage", "Emergency Response",
         "Claims & Compensation", "Customer Service Centre", "Legal & Compliance", "Management"]


def rule(name="R", conditions=None, actions=None, **extra):
    body = {"name": name,
            "conditions": conditions or {"all": [
                {"name": "category", "operator": "equal_to", "value": "delay"}]},
            "actions": actions or [{"name": "assign_team", "params": {"team": "Finance"}}]}
    body.update(extra)
    return body


def messages(problems):
    return [(p["rule"], p["path"], p["message"]) for p in problems]


@pytest.mark.parametrize("kind", ["grading", "routing", "sla", "escalation", "warning"])
def test_default_rule_sets_are_valid(kind):
    doc = json.loads((BASE_DIR / "rules" / f"{kind}.json").read_text())
    assert validate_rules(kind, doc["rules"], TEAMS, doc.get("parameters")) == []


def test_unknown_variable_suggests_the_closest():
    problems = validate_rules("routing", [rule(conditions={"all": [
        {"name": "catgory", "operator": "equal_to", "value": "delay"}]})], TEAMS)
    assert messages(problems) == [("R", "rules[0].conditions.all[0].name",
                                   "unknown variable 'catgory' (did you mean 'category'?)")]


@pytest.mark.parametrize("condition, path_end, fragment", [
    ({"name": "level", "operator": "contains", "value": "x"}, "operator", "cannot be used"),
    ({"name": "level", "operator": "greater_than", "value": "high"}, "value", "needs a number"),
    ({"name": "category", "operator": "equal_to", "value": "weather"}, "value",
     "not one of the known values"),
    ({"name": "category", "operator": "is_one_of", "value": []}, "value", "one or more"),
    ({"name": "category", "operator": "equal_to"}, "value", "is missing"),
    ({"name": "description", "operator": "matches_regex", "value": "(unclosed"}, "value",
     "not a valid pattern"),
    ({"name": "category", "operator": "contains", "value": "d"}, "operator", "cannot be used"),
])
def test_condition_problems(condition, path_end, fragment):
    problems = validate_rules("routing", [rule(conditions={"all": [condition]})], TEAMS)
    assert len(problems) == 1, problems
    assert problems[0]["path"].endswith(path_end)
    assert fragment in problems[0]["message"]


def test_empty_group_is_refused():
    problems = validate_rules("routing", [rule(conditions={"any": []})], TEAMS)
    assert problems[0]["path"] == "rules[0].conditions.any"
    assert "empty" in problems[0]["message"]


@pytest.mark.parametrize("action, path_end, fragment", [
    ({"name": "asign_team", "params": {"team": "Finance"}}, "name", "did you mean 'assign_team'"),
    ({"name": "assign_team", "params": {}}, "params.team", "is missing"),
    ({"name": "assign_team", "params": {"team": "Finance", "urgent": 1}}, "params.urgent",
     "has no parameter"),
    ({"name": "assign_team", "params": {"team": "Fnance"}}, "params.team",
     "unknown team 'Fnance' (did you mean 'Finance'?)"),
    ({"name": "add_tag", "params": {"tag": 5}}, "params.tag", "needs a text value"),
])
def test_action_problems(action, path_end, fragment):
    problems = validate_rules("routing", [rule(actions=[action])], TEAMS)
    assert len(problems) == 1, problems
    assert problems[0]["path"].endswith(path_end)
    assert fragment in problems[0]["message"]


def test_numeric_parameter_out_of_range():
    problems = validate_rules("grading", [rule(actions=[
        {"name": "set_level", "params": {"level": 9}}])], TEAMS)
    assert problems[0]["path"].endswith("params.level") and "between 1 and 5" in \
        problems[0]["message"]


def test_all_problems_are_reported_at_once():
    rules = [
        rule("Same"),
        rule("Same", conditions={"all": [{"name": "levl", "operator": "equal_to", "value": 1}]}),
        rule("Third", actions=[{"name": "assign_team", "params": {"team": "Nowhere"}}]),
        {"conditions": {"any": []}, "actions": []},
    ]
    problems = validate_rules("routing", rules, TEAMS)
    texts = " | ".join(p["message"] for p in problems)
    assert "used by another rule" in texts
    assert "unknown variable 'levl'" in texts
    assert "unknown team 'Nowhere'" in texts
    assert "every rule needs a name" in texts
    assert "empty" in texts and "at least one action" in texts
    assert len(problems) == 6
    assert {p["rule"] for p in problems} == {"Same", "Third", "#4"}


def test_wrong_shapes_are_problems_not_crashes():
    assert validate_rules("routing", "nope", TEAMS)[0]["path"] == "rules"
    assert validate_rules("routing", ["nope"], TEAMS)[0]["message"] == "a rule must be an object"
    assert validate_rules("nothing", [], TEAMS)[0]["path"] == "kind"
    bad_params = validate_rules("grading", [], TEAMS, {"weights": {"urgency": 2, "luck": 0.1}})
    assert {p["path"] for p in bad_params} == {"parameters.weights.urgency",
                                              "parameters.weights.luck"}
