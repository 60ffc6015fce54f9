"""Rules in words (for diffs, conflict warnings and the editor), and diffs of versions."""

from app.policy.catalog import action_spec, variable_spec


def _value_text(value) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


def operator_label(var, op_name: str) -> str:
    op = getattr(var.type, op_name, None)
    return getattr(op, "label", op_name).lower() if op else op_name


def condition_text(kind: str, node) -> str:
    if node is None:
        return "always"
    variables = variable_spec(kind)
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        joiner = " AND " if key == "all" else " OR "
        parts = [condition_text(kind, child) for child in node[key]]
        text = joiner.join(parts)
        return f"({text})" if len(parts) > 1 else text
    var = variables.get(node.get("name"))
    if var is None:
        return f"{node.get('name')} {node.get('operator')} {_value_text(node.get('value'))}"
    words = f"{var.label} {operator_label(var, node['operator'])}"
    return f"{words} {_value_text(node.get('value'))}".strip()


def action_text(kind: str, action: dict) -> str:
    spec = action_spec(kind).get(action.get("name"))
    label = spec.label if spec else action.get("name")
    params = action.get("params") or {}
    if not params:
        return label
    return f"{label}: " + ", ".join(f"{k}={v}" for k, v in params.items())


def rule_text(kind: str, rule: dict) -> dict:
    return {
        "conditions": condition_text(kind, rule.get("conditions")),
        "actions": [action_text(kind, a) for a in rule.get("actions", [])],
        "enabled": rule.get("enabled", True),
        "description": rule.get("description") or "",
    }


def diff_rules(kind: str, before: list, after: list) -> dict:
    """Rules added, removed, changed (field by field, in words) and moved."""
    old = {r["name"]: (i, r) for i, r in enumerate(before)}
    new = {r["name"]: (i, r) for i, r in enumerate(after)}
    added = [{"rule": n, "position": i + 1, **rule_text(kind, r)}
             for n, (i, r) in new.items() if n not in old]
    removed = [{"rule": n, "position": i + 1, **rule_text(kind, r)}
               for n, (i, r) in old.items() if n not in new]
    changed, moved = [], []
    for name, (_j, rule) in new.items():
        if name not in old:
            continue
        i, previous = old[name]
        a, b = rule_text(kind, previous), rule_text(kind, rule)
        fields = [{"field": f, "before": a[f], "after": b[f]} for f in a if a[f] != b[f]]
        if fields:
            changed.append({"rule": name, "changes": fields})
    kept_old = [n for n in old if n in new]
    kept_new = [n for n in new if n in old]
    for name in kept_new:
        if kept_old.index(name) != kept_new.index(name):
            moved.append({"rule": name, "from": old[name][0] + 1, "to": new[name][0] + 1})
    return {"added": added, "removed": removed, "changed": changed, "moved": moved}
