"""When the escalation sweep must look at an open complaint again.

Between two changes of a complaint, only its clock variables move (app/services/facts.py,
escalation_facts): each is a rounded linear function of time (hours open, minutes to a
due time, share of the resolution time used …) or a flag that turns at a due time. A
condition compares such a value with a constant, so its result can only change where the
rounded value passes that constant: at one of the two or three rounding steps around it.
The earliest such step of any rule that has not yet acted in the current SLA stage (and
the stage's due time, for the breach record) is the next moment anything can change.
Checking a little early is harmless (the sweep finds nothing and derives again); checking
late would miss an action, so every estimate errs early.

A rule that reads a variable which changes without the complaint changing (see
UNPREDICTABLE) makes every complaint be checked at every pass while it is enabled; the
rule editor warns about it (app/policy/conflicts.py).
"""

import math
from datetime import datetime, timedelta

from app.policy.catalog import CHECKED_EVERY_PASS as UNPREDICTABLE
from app.policy.engine import CompiledRuleSet

NEXT_PASS = timedelta(microseconds=1)  # the moment just after this pass: the next one
EARLY = timedelta(milliseconds=1)  # margin for float error in a computed crossing time


def _hours_since(moment):
    return lambda c, now: ((now - moment(c)).total_seconds() / 3600, 3600.0, 1)


def _minutes_to(due):
    def value(c, now):
        at = due(c)
        return None if at is None else ((at - now).total_seconds() / 60, 60.0, -1)
    return value


def _percent_used(c, now):
    if not c.resolution_due_at:
        return None
    span = (c.resolution_due_at - c.received_at).total_seconds()
    if span <= 0:
        return None
    return (now - c.received_at).total_seconds() / span * 100, span / 100, 1


def _first_response_due(c):
    return c.first_response_due_at if c.first_responded_at is None else None


# variable -> (rounding unit as escalation_facts rounds it,
#              (complaint, now) -> (exact value, seconds per unit of value, +1 rising / -1 falling))
CLOCKS = {
    "hours_open": (0.01, _hours_since(lambda c: c.received_at)),
    "hours_since_last_update": (0.01, _hours_since(lambda c: c.updated_at)),
    "minutes_to_first_response_due": (0.1, _minutes_to(_first_response_due)),
    "minutes_to_resolution_due": (0.1, _minutes_to(lambda c: c.resolution_due_at)),
    "percent_of_resolution_time_used": (0.1, _percent_used),
}
# flag -> the due time after which it is true
TURNING_FLAGS = {
    "first_response_breached": _first_response_due,
    "resolution_breached": lambda c: c.resolution_due_at,
}


def _leaves(node):
    if not node:
        return
    for key in ("all", "any"):
        if key in node:
            for child in node[key]:
                yield from _leaves(child)
            return
    yield node


def plan(ruleset: CompiledRuleSet) -> tuple:
    """Per enabled rule: (name, reads something unpredictable, its clock conditions as
    (variable, constant)); computed once per compiled version."""
    found = getattr(ruleset, "_check_plan", None)
    if found is None:
        found = []
        for rule in ruleset.enabled:
            leaves = list(_leaves(rule.conditions))
            clocks = tuple((leaf["name"], leaf.get("value")) for leaf in leaves
                           if leaf["name"] in CLOCKS or leaf["name"] in TURNING_FLAGS)
            found.append((rule.name, any(leaf["name"] in UNPREDICTABLE for leaf in leaves),
                          clocks))
        found = tuple(found)
        ruleset._check_plan = found
    return found


def unpredictable_rules(ruleset: CompiledRuleSet) -> list[str]:
    return [name for name, unpredictable, _clocks in plan(ruleset) if unpredictable]


def _step_after(c, now, name, constant):
    """The next moment after `now` at which this clock condition's result may change."""
    if name in TURNING_FLAGS:
        due = TURNING_FLAGS[name](c)
        return due + NEXT_PASS if due is not None and due >= now else None
    unit, clock = CLOCKS[name]
    measured = clock(c, now)
    if measured is None or isinstance(constant, bool) or not isinstance(constant, int | float):
        return None  # no value: the condition is false until the complaint changes
    value, seconds_per_unit, direction = measured
    # the rounded value changes at odd multiples of half a unit; only those around the
    # constant can change how it compares with the constant
    k = math.floor(constant / unit)
    steps = sorted(direction * (j + 0.5) * unit for j in (k - 1, k, k + 1))
    rising = direction * value
    tolerance = 1e-9 * max(1.0, abs(rising))  # "passed" only when clearly passed
    for step in steps:
        if step >= rising - tolerance:
            at = now + timedelta(seconds=(step - rising) * seconds_per_unit) - EARLY
            return max(at, now + NEXT_PASS)
    return None


def next_check(ruleset: CompiledRuleSet, c, now: datetime, done, *,
               stage_due: datetime | None, breach_pending: bool) -> datetime | None:
    """The earliest moment after `now` at which a rule not in `done` (the rules that
    already acted in the complaint's current stage) could newly fire, or the breach be
    recorded; None when nothing can until the complaint changes. `c` has the columns the
    escalation facts read."""
    moments = []
    if breach_pending and stage_due is not None and stage_due >= now:
        moments.append(stage_due + NEXT_PASS)
    for name, unpredictable, clocks in plan(ruleset):
        if name in done:
            continue
        if unpredictable:
            return now + NEXT_PASS
        for variable, constant in clocks:
            at = _step_after(c, now, variable, constant)
            if at is not None:
                moments.append(at)
    return min(moments, default=None)
