"""Compiled evaluation of a rule set, with a condition-by-condition trace.

business-rules' own `run_all` re-reads a variable every time a condition names it,
aborts every later rule when one variable fails, and returns one bool. Here a rule
set is compiled once per version into closures (operator looked up, comparison value
cast and prepared), each variable is read and typed once per evaluation, a failing
condition is recorded as false with its error, and the library's `do_actions` applies
the actions to a recorder of decisions.

Without a trace (simulation, bulk runs) rules that cannot match are skipped through an
index on their equality conditions: a rule whose top-level `all` requires
`category == "damage"` is not even looked at for a delay.
"""

from dataclasses import dataclass, field
from time import perf_counter

from business_rules.engine import do_actions
from business_rules.fields import FIELD_NO_INPUT, FIELD_NUMERIC, FIELD_TEXT

from app.policy.catalog import CLASSES, FIRST_MATCH, region_groups, variable_spec
from app.policy.types import GROUP_OPERATORS
from app.telemetry import observe_rule_evaluation

UNKNOWN = object()


@dataclass
class CompiledRule:
    name: str
    enabled: bool
    check: object  # (evaluation, trace list or None) -> bool
    actions: list
    guard: tuple | None = None  # (variable, frozenset of values, position in `all`)
    indexed_check: object = None  # the check without the guard, for indexed evaluation
    conditions: dict | None = None  # as written (the sweep reads its time thresholds)


@dataclass
class CompiledRuleSet:
    kind: str
    version: int
    rules: list[CompiledRule]
    parameters: dict = field(default_factory=dict)
    index_variable: str | None = None
    _candidates: dict = field(default_factory=dict)

    def __post_init__(self):
        self.enabled = tuple(r for r in self.rules if r.enabled)
        self.variables: tuple = ()  # every variable the conditions read, set by compile_rules

    @property
    def first_match(self) -> bool:
        return self.kind in FIRST_MATCH

    def candidates(self, value) -> tuple:
        """Rules (in order) that are not excluded by the index for this value."""
        found = self._candidates.get(value)
        if found is None:
            found = tuple(r for r in self.enabled if r.guard is None or value in r.guard[1])
            self._candidates[value] = found
        return found


@dataclass
class Outcome:
    kind: str
    version: int
    fired: list[str]
    decisions: list[dict]
    compact_trace: list[tuple]
    by_rule: list[tuple] = field(default_factory=list)  # (rule name, its decisions)

    @property
    def trace(self) -> list[dict]:
        """The trace as JSON-ready dicts (recorded as tuples, built when asked for)."""
        return [{"rule": rule, "matched": matched,
                 "conditions": [_condition(c) for c in conditions]}
                for rule, matched, conditions in self.compact_trace]


def _condition(entry: tuple) -> dict:
    path, name, raw, op_name, expected, result, error = entry
    out = {"path": path, "variable": name, "actual": raw, "operator": op_name,
           "expected": expected, "result": result}
    if error:
        out["error"] = error
    return out


def _cast(type_cls, value):
    probe = type_cls.__new__(type_cls)
    return probe._assert_valid_value_and_cast(value)


def _leaf(node, var, path, groups):
    name, op_name, expected = node["name"], node["operator"], node.get("value")
    op = getattr(var.type, op_name)
    type_cls, no_input = var.type, op.input_type == FIELD_NO_INPUT
    prepare = getattr(var.type, f"prepare_{op_name}", None)
    broken = None
    if op_name in GROUP_OPERATORS:
        arg = frozenset(groups.get(expected, ()))
    elif prepare:
        try:
            arg = prepare(expected)
        except ValueError as exc:  # e.g. a pattern stored before RE2 was required
            arg, broken = None, f"{type(exc).__name__}: {exc}"
    elif op.input_type in (FIELD_TEXT, FIELD_NUMERIC):
        arg = _cast(type_cls, expected)
    elif isinstance(expected, list) and all(isinstance(v, str) for v in expected):
        arg = frozenset(expected)
    else:
        arg = expected
    func = getattr(op, "__wrapped__", op)  # the argument is cast already

    def check(ev, out):
        raw, typed, error = ev.typed.get(name) or ev.value(name, type_cls)
        if broken:
            result, error = False, broken  # this condition fails, not the rule set
        elif typed is None:
            result, error = False, error or "value unknown"
        else:
            try:
                result = bool(func(typed) if no_input else func(typed, arg))
            except Exception as exc:  # noqa: BLE001 - recorded, the rule just fails
                result, error = False, f"{type(exc).__name__}: {exc}"
        if out is not None:
            out.append((path, name, raw, op_name, expected, result, error))
        return result

    return check


def _compile_node(node, variables, path, groups):
    if node is None:
        return lambda ev, out: True
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        children = [_compile_node(c, variables, f"{path}.{key}[{i}]", groups)
                    for i, c in enumerate(node[key])]
        if len(children) == 1:
            return children[0]
        # Plain loops: a generator per check costs more than the comparison itself.
        if key == "all":
            def check_all(ev, out):
                for child in children:
                    if not child(ev, out):
                        return False
                return True
            return check_all

        def check_any(ev, out):
            for child in children:
                if child(ev, out):
                    return True
            return False
        return check_any
    return _leaf(node, variables[node["name"]], path, groups)


def _guard(node, variables):
    """An equality a rule cannot match without: (variable, allowed values), or None."""
    if not node or "all" not in node:
        return None
    for position, child in enumerate(node["all"]):
        var = variables.get(child.get("name")) if isinstance(child, dict) else None
        if var is None or var.type.name != "choice":
            continue
        if child.get("operator") == "equal_to":
            return child["name"], frozenset([child["value"]]), position
        if child.get("operator") == "is_one_of":
            return child["name"], frozenset(child["value"]), position
    return None


def compile_rules(kind: str, version: int, rules: list, parameters=None) -> CompiledRuleSet:
    """Compile a validated rule list (validate first: compilation trusts its input)."""
    variables = variable_spec(kind)
    groups = region_groups(parameters)
    compiled = []
    for i, rule in enumerate(rules):
        conditions = rule.get("conditions")
        compiled.append(CompiledRule(
            name=rule["name"], enabled=rule.get("enabled", True),
            check=_compile_node(conditions, variables, f"rules[{i}].conditions", groups),
            actions=rule["actions"], guard=_guard(conditions, variables),
            conditions=conditions))
    counts = {}
    for rule in compiled:
        if rule.guard:
            counts[rule.guard[0]] = counts.get(rule.guard[0], 0) + 1
    index_variable = max(counts, key=counts.get) if counts else None
    for i, rule in enumerate(compiled):  # only guards on the index variable are used
        if rule.guard and rule.guard[0] != index_variable:
            rule.guard = None
        if rule.guard:
            # The index has already checked the guard: the indexed check skips it.
            rest = [c for j, c in enumerate(rules[i]["conditions"]["all"]) if j != rule.guard[2]]
            rule.indexed_check = _compile_node({"all": rest} if rest else None, variables,
                                               f"rules[{i}].conditions", groups)
        else:
            rule.indexed_check = rule.check
    ruleset = CompiledRuleSet(kind, version, compiled, parameters or {}, index_variable)
    ruleset.variables = tuple(sorted({name for rule in rules
                                      for name in _names(rule.get("conditions"))}))
    return ruleset


def _names(node):
    if not node:
        return
    for key in ("all", "any"):
        if key in node:
            for child in node[key]:
                yield from _names(child)
            return
    yield node["name"]


class _Evaluation:
    __slots__ = ("variables", "typed")

    def __init__(self, variables):
        self.variables = variables
        self.typed = {}

    def value(self, name, type_cls):
        """(raw, typed, error) for a variable, computed once per evaluation."""
        found = self.typed.get(name)
        if found is not None:
            return found
        try:
            raw = getattr(self.variables, name)()
            found = (raw, None if raw is None else type_cls(raw), None)
        except Exception as exc:  # noqa: BLE001 - fails its conditions, not the rule set
            found = (None, None, f"{type(exc).__name__}: {exc}")
        self.typed[name] = found
        return found


def evaluate(ruleset: CompiledRuleSet, facts: dict, *, trace: bool = True,
             skip: frozenset | set = frozenset()) -> Outcome:
    """Pure: facts in, decisions and trace out. Nothing is written anywhere. Rules named
    in `skip` are not looked at (the sweep skips rules that already acted)."""
    started = perf_counter()
    variables_cls, actions_cls = CLASSES[ruleset.kind]
    evaluation = _Evaluation(variables_cls(facts))
    decisions = actions_cls()
    fired, rules_trace, by_rule = [], [], []
    if trace or ruleset.index_variable is None:
        rules = ruleset.enabled
    else:
        rules = ruleset.candidates(evaluation.variables._value(ruleset.index_variable))
    indexed = not trace and ruleset.index_variable is not None
    first_match = ruleset.first_match
    for rule in rules:
        if skip and rule.name in skip:
            continue
        conditions = [] if trace else None
        matched = (rule.indexed_check if indexed else rule.check)(evaluation, conditions)
        if trace:
            rules_trace.append((rule.name, matched, conditions))
        if matched:
            fired.append(rule.name)
            before = len(decisions.taken)
            do_actions(rule.actions, decisions)
            by_rule.append((rule.name, decisions.taken[before:]))
            if first_match:
                break
    observe_rule_evaluation(ruleset.kind, perf_counter() - started)
    return Outcome(ruleset.kind, ruleset.version, fired, decisions.taken, rules_trace, by_rule)
