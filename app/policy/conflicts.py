"""Warnings before publishing: rules shadowed by earlier ones, and conditions that can
never be true. Sound but not complete: what it reports is certain; it may miss cases.
"""

from flask_babel import gettext

from app.policy.catalog import CHECKED_EVERY_PASS, FIRST_MATCH, variable_spec
from app.policy.describe import condition_text


def _leaves(node):
    """The leaf conditions of a pure `all` group (or a single leaf); None otherwise."""
    if node is None:
        return []
    if "any" in node:
        return None if len(node["any"]) > 1 else _leaves(node["any"][0])
    if "all" in node:
        found = []
        for child in node["all"]:
            sub = _leaves(child)
            if sub is None:
                return None
            found += sub
        return found
    return [node]


def _key(leaf) -> tuple:
    value = leaf.get("value")
    if isinstance(value, list):
        value = tuple(sorted(map(str, value)))
    return leaf.get("name"), leaf.get("operator"), value


def _impossible(leaves) -> str | None:
    """Why an `all` of these leaves can never hold, or None."""
    allowed, low, high = {}, {}, {}
    for leaf in leaves:
        name, op, value = leaf.get("name"), leaf.get("operator"), leaf.get("value")
        if op in ("equal_to", "is_one_of") and isinstance(value, str | list):
            values = {value} if isinstance(value, str) else set(value)
            allowed[name] = allowed.get(name, values) & values
            if not allowed[name]:
                return f"'{name}' cannot have two different required values at once"
        if op in ("not_equal_to", "is_not_one_of") and name in allowed:
            values = {value} if isinstance(value, str) else set(value or [])
            if allowed[name] <= values:
                return f"'{name}' is both required and excluded"
        if op == "is_true":
            low[(name, "bool")] = True
        if op == "is_false" and low.get((name, "bool")):
            return f"'{name}' cannot be both yes and no"
        if isinstance(value, int | float) and not isinstance(value, bool):
            if op in ("greater_than", "longer_than"):
                low[name] = max(low.get(name, float("-inf")), value + 1e-9)
            elif op == "greater_than_or_equal_to":
                low[name] = max(low.get(name, float("-inf")), value)
            elif op in ("less_than", "shorter_than"):
                high[name] = min(high.get(name, float("inf")), value - 1e-9)
            elif op == "less_than_or_equal_to":
                high[name] = min(high.get(name, float("inf")), value)
            elif op == "equal_to":
                low[name] = max(low.get(name, float("-inf")), value)
                high[name] = min(high.get(name, float("inf")), value)
            if name in low and name in high and low[name] > high[name]:
                return f"no value of '{name}' satisfies all its bounds"
    return None


def find_conflicts(kind: str, rules: list) -> list[dict]:
    warnings = []
    enabled = [(i, r) for i, r in enumerate(rules)
               if isinstance(r, dict) and r.get("enabled", True)]
    for i, rule in enabled:
        leaves = _leaves(rule.get("conditions"))
        reason = _impossible(leaves) if leaves else None
        if reason:
            warnings.append({"rule": rule.get("name"), "path": f"rules[{i}].conditions",
                             "kind": "never_true",
                             "message": f"this rule can never match: {reason}"})
    if kind == "escalation":
        warnings += _checked_every_pass(enabled)
    if kind not in FIRST_MATCH:
        return warnings
    for pos, (i, rule) in enumerate(enabled):
        later_leaves = _leaves(rule.get("conditions"))
        for j, earlier in enabled[:pos]:
            earlier_leaves = _leaves(earlier.get("conditions"))
            if earlier_leaves is None or later_leaves is None:
                continue
            # Whenever this rule matches, the earlier one (needing a subset) matched first.
            if {_key(x) for x in earlier_leaves} <= {_key(x) for x in later_leaves}:
                what = ("matches every complaint" if not earlier_leaves else
                        f"requires only {condition_text(kind, earlier.get('conditions'))}")
                warnings.append({
                    "rule": rule.get("name"), "path": f"rules[{i}]", "kind": "shadowed",
                    "message": f"this rule can never match: the earlier rule "
                               f"'{earlier.get('name')}' (#{j + 1}) {what}, and it wins first"})
                break
    return warnings


def _names(node):
    if isinstance(node, dict):
        for key in ("all", "any"):
            if isinstance(node.get(key), list):
                for child in node[key]:
                    yield from _names(child)
                return
        yield node.get("name")


def _checked_every_pass(enabled) -> list[dict]:
    """A rule reading what the sweep cannot foresee makes it look at every open complaint
    at every pass, instead of only at those whose next check has come."""
    labels = {name: var.label for name, var in variable_spec("escalation").items()}
    warnings = []
    for i, rule in enabled:
        read = sorted({n for n in _names(rule.get("conditions")) if n in CHECKED_EVERY_PASS})
        if read:
            warnings.append({
                "rule": rule.get("name"), "path": f"rules[{i}].conditions",
                "kind": "checked_every_pass",
                "message": gettext(
                    "the sweep cannot foresee when %(variables)s changes: while this rule is "
                    "enabled, every open complaint is checked at every pass (slower with many "
                    "open complaints)", variables=", ".join(str(labels[n]) for n in read))})
    return warnings
