"""Rule evaluation speed: grading + routing + SLA per complaint, against hand-written
Python `if` chains deciding the same, measured in the same run.

1. The default rule sets (rules/*.json), with the trace intake records.
2. 200 generated routing rules (category x region -> team) plus a catch-all.
"""

import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.policy.engine import compile_rules, evaluate  # noqa: E402
from app.policy.keywords import Keywords  # noqa: E402
from app.services.decide import run_intake_rules  # noqa: E402
from app.services.facts import weighted_score  # noqa: E402
from seed import reference as ref  # noqa: E402

N = int(os.environ.get("BENCH_COMPLAINTS", "20000"))
rng = random.Random(1)
PROVINCES = list(ref.PROVINCES)
CATEGORIES = list(ref.CATEGORY_WEIGHTS)


def load(kind):
    doc = json.loads((ROOT / "rules" / f"{kind}.json").read_text())
    return compile_rules(kind, 1, doc["rules"], doc.get("parameters"))


def random_facts():
    text = rng.choice(ref.TEXTS[rng.choice(CATEGORIES)]) + rng.choice(ref.URGENT_SUFFIXES)
    return {"category": rng.choice(CATEGORIES), "channel": rng.choice(list(ref.CHANNEL_WEIGHTS)),
            "region": rng.choice(PROVINCES), "customer_tier": rng.choice(["ordinary", "key"]),
            "service_type": "standard", "impact": rng.choice(["individual", "group", "wide"]),
            "status": "new", "urgency": rng.randint(1, 5), "level": None, "description": text,
            "waybill_no": "PD1", "is_repeat": False, "customer_complaints_30d": 1,
            "hours_open": 0.0}


GRADING = json.loads((ROOT / "rules" / "grading.json").read_text())
# The keyword matching itself (whole words, negation) is the same function on both sides:
# the benchmark measures the rules around it.
THREATS = Keywords(GRADING["rules"][0]["conditions"]["any"][0]["value"])
URGENCY_WORDS = Keywords(GRADING["parameters"]["urgency_words"])
WEIGHTS = {"urgency": 0.5, "impact": 0.3, "customer_value": 0.2}
SLA = {1: (120, 24, 3), 2: (240, 48, 5), 3: (480, 72, 7), 4: (240, 24, 3), 5: (60, 4, 1)}
TEAMS = {"delay": "Logistics Delivery", "wrong_delivery": "Logistics Delivery",
         "pickup": "Logistics Delivery", "tracking": "Logistics Delivery",
         "damage": "Claims & Compensation", "loss": "Claims & Compensation",
         "staff_attitude": "Customer Service Centre", "fee_dispute": "Finance",
         "privacy": "Legal & Compliance"}


def hand_written_default(f):
    """The default policy written as plain Python."""
    urgency = min(5, f["urgency"] + 1) if URGENCY_WORDS.matches(f["description"]) \
        else f["urgency"]
    score = weighted_score(WEIGHTS, urgency=urgency, impact=f["impact"],
                           tier=f["customer_tier"])
    if THREATS.matches(f["description"]):
        level = 5
    elif f["impact"] == "wide" and score < 4.5:
        level = 4
    elif score >= 4.5:
        level = 5
    elif score >= 3.5:
        level = 4
    elif score >= 2.5:
        level = 3
    elif score >= 1.5:
        level = 2
    else:
        level = 1
    team = "Emergency Response" if level >= 5 else TEAMS.get(f["category"], "Intake & Triage")
    fr, res, cb = SLA[level]
    if f["channel"] in ("phone", "app") and level <= 4:
        fr = 60
    elif f["channel"] == "email" and level in (2, 3):
        fr = 180
    return level, team, (fr, res, cb)


def generated_routing(count=200):
    rules, source = [], ["def chain(f):"]
    teams = list(TEAMS.values())
    for i in range(count):
        cat, prov, team = rng.choice(CATEGORIES), rng.choice(PROVINCES), rng.choice(teams)
        rules.append({"name": f"R{i}", "conditions": {"all": [
            {"name": "category", "operator": "equal_to", "value": cat},
            {"name": "region", "operator": "equal_to", "value": prov}]},
            "actions": [{"name": "assign_team", "params": {"team": team}}]})
        source.append(f"    if f['category'] == {cat!r} and f['region'] == {prov!r}:"
                      f" return {team!r}")
    rules.append({"name": "catch-all", "actions": [
        {"name": "assign_team", "params": {"team": "Intake & Triage"}}]})
    source.append("    return 'Intake & Triage'")
    namespace = {}
    exec("\n".join(source), namespace)  # noqa: S102 - the hand-written chain, generated
    return compile_rules("routing", 1, rules), namespace["chain"]


def timed(fn, items):
    started = time.perf_counter()
    for item in items:
        fn(dict(item))
    return (time.perf_counter() - started) / len(items) * 1e6


def main():
    grading, routing, sla = load("grading"), load("routing"), load("sla")
    facts = [random_facts() for _ in range(N)]
    # same answers first: the benchmark compares equal work
    for f in facts[:2000]:
        d = run_intake_rules(grading, routing, sla, dict(f))
        assert (d.level, d.team, d.sla) == hand_written_default(dict(f)), f
    ours = timed(lambda f: run_intake_rules(grading, routing, sla, f), facts)
    ours_fast = timed(lambda f: run_intake_rules(grading, routing, sla, f, trace=False), facts)
    plain = timed(hand_written_default, facts)
    print(f"default sets, {N} complaints: rules with trace {ours:.1f} µs/complaint, "
          f"without trace {ours_fast:.1f} µs; hand-written {plain:.1f} µs; "
          f"ratio {ours / plain:.1f}x (trace) / {ours_fast / plain:.1f}x")

    big, chain = generated_routing()
    for f in facts[:2000]:
        out = evaluate(big, dict(f), trace=False)
        assert out.decisions[0]["params"]["team"] == chain(f)
    ours200 = timed(lambda f: evaluate(big, f, trace=False), facts)
    ours200_t = timed(lambda f: evaluate(big, f), facts)
    plain200 = timed(chain, facts)
    print(f"200 routing rules: rules {ours200:.1f} µs/complaint (with trace {ours200_t:.1f}); "
          f"hand-written chain {plain200:.1f} µs; ratio {ours200 / plain200:.1f}x "
          f"(with trace {ours200_t / plain200:.1f}x)")


if __name__ == "__main__":
    main()
