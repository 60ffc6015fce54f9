"""Compiled evaluation of a rule set, with a condition-by-condition trace.

business-rules' own `run_all` re-reads a variable every time a condition names it,
aborts every later rule when one variable fails, and returns one bool. Here a rule
set is compiled once per version (operator looked up, comparison value cast), each
variable is read and typed once per evaluation, a failing condition is recorded as
false with its error, and the library's `do_actions` applies the actions to a
recorder of decisions.
"""

from dataclasses import dataclass, field

from business_rules.engine import do_actions
from business_rules.fields import FIELD_NO_INPUT, FIELD_NUMERIC, FIELD_TEXT

from app.policy.catalog import CLASSES, FIRST_MATCH, variable_spec

ALWAYS = ("always",)


@dataclass
class CompiledRule:
    name: str
    enabled: bool
    condition: tuple
    actions: list


@dataclass
class CompiledRuleSet:
    kind: str
    version: int
    rules: list[CompiledRule]
    parameters: dict = field(default_factory=dict)

    @property
    def first_match(self) -> bool:
        return self.kind in FIRST_MATCH


@dataclass
class Outcome:
    kind: str
    version: int
    fired: list[str]
    decisions: list[dict]
    trace: list[dict]


def _cast(type_cls, value):
    probe = type_cls.__new__(type_cls)
    return probe._assert_valid_value_and_cast(value)


def _compile_node(node, variables, path):
    if node is None:
        return ALWAYS
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        children = [_compile_node(c, variables, f"{path}.{key}[{i}]")
                    for i, c in enumerate(node[key])]
        return (key, children)
    var = variables[node["name"]]
    op = getattr(var.type, node["operator"])
    input_type = op.input_type
    value = node.get("value")
    arg = value
    if input_type in (FIELD_TEXT, FIELD_NUMERIC):
        arg = _cast(var.type, value)
    elif input_type != FIELD_NO_INPUT and isinstance(value, list):
        arg = frozenset(value) if all(isinstance(v, str) for v in value) else value
    raw = getattr(op, "__wrapped__", op)  # skip re-casting the argument on every call
    return ("leaf", path, node["name"], var.type, node["operator"], raw,
            input_type == FIELD_NO_INPUT, arg, value)


def compile_rules(kind: str, version: int, rules: list, parameters=None) -> CompiledRuleSet:
    """Compile a validated rule list (validate first: compilation trusts its input)."""
    variables = variable_spec(kind)
    compiled = [
        CompiledRule(
            name=rule["name"],
            enabled=rule.get("enabled", True),
            condition=_compile_node(rule.get("conditions"), variables, f"rules[{i}].conditions"),
            actions=rule["actions"],
        )
        for i, rule in enumerate(rules)
    ]
    return CompiledRuleSet(kind, version, compiled, parameters or {})


class _Evaluation:
    __slots__ = ("variables", "typed", "trace")

    def __init__(self, variables, trace):
        self.variables = variables
        self.typed = {}
        self.trace = trace

    def value(self, name, type_cls):
        if name in self.typed:
            return self.typed[name]
        raw = getattr(self.variables, name)()
        typed = None if raw is None else type_cls(raw)
        self.typed[name] = (raw, typed)
        return self.typed[name]

    def check(self, node, out) -> bool:
        tag = node[0]
        if tag == "always":
            return True
        if tag == "all":
            return all(self.check(child, out) for child in node[1])
        if tag == "any":
            return any(self.check(child, out) for child in node[1])
        _, path, name, type_cls, op_name, func, no_input, arg, expected = node
        error = None
        try:
            raw, typed = self.value(name, type_cls)
        except Exception as exc:  # a variable that cannot be computed fails its conditions only
            self.typed[name] = (None, None)
            raw, typed, error = None, None, f"{type(exc).__name__}: {exc}"
        if typed is None:
            result, error = False, error or "value unknown"
        else:
            try:
                result = bool(func(typed) if no_input else func(typed, arg))
            except Exception as exc:
                result, error = False, f"{type(exc).__name__}: {exc}"
        if out is not None:
            entry = {"path": path, "variable": name, "actual": raw, "operator": op_name,
                     "expected": expected, "result": result}
            if error:
                entry["error"] = error
            out.append(entry)
        return result


def evaluate(ruleset: CompiledRuleSet, facts: dict, *, trace: bool = True) -> Outcome:
    """Pure: facts in, decisions and trace out. Nothing is written anywhere."""
    variables_cls, actions_cls = CLASSES[ruleset.kind]
    evaluation = _Evaluation(variables_cls(facts), trace)
    decisions = actions_cls()
    fired, rules_trace = [], []
    for rule in ruleset.rules:
        if not rule.enabled:
            continue
        conditions = [] if trace else None
        matched = evaluation.check(rule.condition, conditions)
        if trace:
            rules_trace.append({"rule": rule.name, "matched": matched, "conditions": conditions})
        if matched:
            fired.append(rule.name)
            do_actions(rule.actions, decisions)
            if ruleset.first_match:
                break
    return Outcome(ruleset.kind, ruleset.version, fired, decisions.taken, rules_trace)
