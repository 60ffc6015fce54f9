"""Evaluation: pure, traced, robust to variables that cannot be computed."""

from app.policy.engine import compile_rules, evaluate


def facts(**extra):
    base = {"category": "delay", "channel": "phone", "region": "Zhejiang",
            "customer_tier": "ordinary", "service_type": "standard", "impact": "individual",
            "status": "new", "urgency": 2, "level": 2, "score": 1.8,
            "description": "Parcel late", "waybill_no": "PD1", "is_repeat": False,
            "customer_complaints_30d": 1, "hours_open": 3.5}
    base.update(extra)
    return base


def leaf(name, operator, value=None):
    cond = {"name": name, "operator": operator}
    if value is not None:
        cond["value"] = value
    return cond


def routing(*rules):
    return compile_rules("routing", 1, list(rules))


def team_rule(name, team, *conditions, group="all"):
    return {"name": name, "conditions": {group: list(conditions)},
            "actions": [{"name": "assign_team", "params": {"team": team}}]}


def test_first_match_stops_and_trace_explains():
    ruleset = routing(
        team_rule("Fees", "Finance", leaf("category", "equal_to", "fee_dispute")),
        team_rule("Delays", "Logistics Delivery", leaf("category", "is_one_of", ["delay", "loss"]),
                  leaf("hours_open", "longer_than", 1)),
        team_rule("Never reached", "Management", leaf("level", "greater_than", 0)),
    )
    out = evaluate(ruleset, facts())
    assert out.fired == ["Delays"]
    assert out.decisions == [{"action": "assign_team", "params": {"team": "Logistics Delivery"}}]
    assert [r["rule"] for r in out.trace] == ["Fees", "Delays"]
    fees, delays = out.trace
    assert fees["matched"] is False
    assert fees["conditions"] == [{"path": "rules[0].conditions.all[0]", "variable": "category",
                                   "actual": "delay", "operator": "equal_to",
                                   "expected": "fee_dispute", "result": False}]
    assert [c["result"] for c in delays["conditions"]] == [True, True]
    assert delays["conditions"][1]["actual"] == 3.5


def test_collect_mode_fires_every_matching_rule():
    ruleset = compile_rules("escalation", 1, [
        {"name": "A", "conditions": {"all": [leaf("level", "greater_than_or_equal_to", 2)]},
         "actions": [{"name": "mark_at_risk"}]},
        {"name": "B", "conditions": {"all": [leaf("is_repeat", "is_false")]},
         "actions": [{"name": "raise_level", "params": {"by": 1}}]},
    ])
    out = evaluate(ruleset, facts())
    assert out.fired == ["A", "B"]
    assert [d["action"] for d in out.decisions] == ["mark_at_risk", "raise_level"]


def test_failing_variable_does_not_abort_other_rules():
    def broken():
        raise RuntimeError("customer history unavailable")

    ruleset = routing(
        team_rule("Busy customers", "Finance", leaf("customer_complaints_30d", "greater_than", 3)),
        team_rule("Unknown urgency", "Management", leaf("urgency", "greater_than", 3)),
        team_rule("Catch delays", "Logistics Delivery", leaf("category", "equal_to", "delay")),
    )
    out = evaluate(ruleset, facts(customer_complaints_30d=broken, urgency=None))
    assert out.fired == ["Catch delays"]
    first, second, _ = out.trace
    assert first["conditions"][0]["result"] is False
    assert "customer history unavailable" in first["conditions"][0]["error"]
    assert second["conditions"][0]["error"] == "value unknown"


def test_each_variable_is_computed_once_per_evaluation():
    calls = []

    def counted():
        calls.append(1)
        return 5

    ruleset = routing(*[
        team_rule(f"R{i}", "Finance", leaf("customer_complaints_30d", "greater_than", 10 + i))
        for i in range(20)
    ])
    evaluate(ruleset, facts(customer_complaints_30d=counted))
    assert len(calls) == 1


def test_extended_operators():
    ruleset = routing(
        team_rule("Not fees", "Finance", leaf("category", "not_equal_to", "fee_dispute"),
                  leaf("description", "not_contains", "refund"),
                  leaf("region", "is_not_one_of", ["Beijing"]),
                  leaf("description", "contains_any_word", "LATE, lost"),
                  leaf("hours_open", "shorter_than", 4),
                  leaf("level", "not_equal_to", 5)),
    )
    out = evaluate(ruleset, facts())
    assert out.fired == ["Not fees"], out.trace
    assert evaluate(ruleset, facts(region="Beijing")).fired == []


def test_disabled_rules_are_skipped_and_always_rules_match():
    ruleset = routing(
        {**team_rule("Off", "Finance", leaf("level", "greater_than", 0)), "enabled": False},
        {"name": "Catch-all", "actions": [{"name": "assign_team",
                                           "params": {"team": "Intake & Triage"}}]},
    )
    out = evaluate(ruleset, facts())
    assert out.fired == ["Catch-all"]
    assert [r["rule"] for r in out.trace] == ["Catch-all"]


def test_evaluation_without_trace_decides_the_same():
    ruleset = routing(team_rule("D", "Finance", leaf("category", "equal_to", "delay")))
    assert evaluate(ruleset, facts(), trace=False).decisions == \
        evaluate(ruleset, facts()).decisions
    assert evaluate(ruleset, facts(), trace=False).trace == []


def test_indexed_evaluation_decides_like_the_full_one():
    """Skipping rules through the equality index must never change a decision."""
    import random

    rng = random.Random(3)
    categories = ["delay", "damage", "loss", "pickup", "privacy"]
    regions = ["Zhejiang", "Beijing", "Sichuan"]
    rules = []
    for i in range(60):
        conditions = [leaf("category", "is_one_of", rng.sample(categories, 2))
                      if i % 3 == 0 else leaf("category", "equal_to", rng.choice(categories)),
                      leaf("region", "not_equal_to", rng.choice(regions))]
        if i % 4 == 0:
            conditions.append(leaf("urgency", "greater_than", rng.randint(1, 4)))
        rule = team_rule(f"R{i}", rng.choice(["Finance", "Management"]), *conditions)
        rule["enabled"] = i % 7 != 0
        rules.append(rule)
    rules.insert(10, team_rule("Unguarded", "Legal & Compliance", leaf("urgency", "equal_to", 5)))
    ruleset = routing(*rules)
    assert ruleset.index_variable == "category"
    for _ in range(300):
        f = facts(category=rng.choice(categories), region=rng.choice(regions),
                  urgency=rng.randint(1, 5))
        full, fast = evaluate(ruleset, dict(f)), evaluate(ruleset, dict(f), trace=False)
        assert (fast.fired, fast.decisions) == (full.fired, full.decisions)
