"""Check a rule set completely before it is stored: every problem at once, each naming
the rule and the path, in plain language. business-rules itself checks nothing until
it runs, and then fails with a bare assertion.
"""

import difflib
import re

from business_rules.fields import (
    FIELD_NO_INPUT,
    FIELD_NUMERIC,
    FIELD_SELECT,
    FIELD_SELECT_MULTIPLE,
    FIELD_TEXT,
)

from app.policy.catalog import DEFAULT_PARAMETERS, KINDS, action_spec, variable_spec

RULE_KEYS = {"name", "description", "enabled", "conditions", "actions"}


class Problems:
    def __init__(self):
        self.items: list[dict] = []

    def add(self, rule, path: str, message: str) -> None:
        self.items.append({"rule": rule, "path": path, "message": message})


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _options(options, team_names) -> list:
    options = list(options)
    return list(team_names) if options == ["teams"] else options


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_value(problems, rule, path, input_type, value, options):
    if input_type == FIELD_NO_INPUT:
        return
    if input_type == FIELD_TEXT:
        if not isinstance(value, str) or not value.strip():
            problems.add(rule, path, "needs a text value")
        elif options and value not in options:
            problems.add(rule, path, f"'{value}' is not one of the known values"
                         f"{_did_you_mean(value, options)}")
    elif input_type == FIELD_NUMERIC:
        if not _is_number(value):
            problems.add(rule, path, "needs a number")
    elif input_type == FIELD_SELECT:
        if value is None or (options and value not in options):
            problems.add(rule, path, f"'{value}' is not one of the known values"
                         f"{_did_you_mean(value, options)}")
    elif input_type == FIELD_SELECT_MULTIPLE:
        if not isinstance(value, list) or not value:
            problems.add(rule, path, "needs a list of one or more values")
            return
        for i, item in enumerate(value):
            if options and item not in options:
                problems.add(rule, f"{path}[{i}]", f"'{item}' is not one of the known values"
                             f"{_did_you_mean(item, options)}")


def _check_conditions(problems, rule, path, node, variables, team_names):
    if not isinstance(node, dict):
        problems.add(rule, path, "a condition must be an object")
        return
    groups = [k for k in ("all", "any") if k in node]
    if groups:
        if len(node) != 1:
            problems.add(rule, path, "an 'all' or 'any' group must be alone in its object")
            return
        key = groups[0]
        children = node[key]
        if not isinstance(children, list) or not children:
            problems.add(rule, f"{path}.{key}",
                         f"the '{key}' group is empty; add a condition or remove the group")
            return
        for i, child in enumerate(children):
            _check_conditions(problems, rule, f"{path}.{key}[{i}]", child, variables, team_names)
        return
    name = node.get("name")
    if name not in variables:
        problems.add(rule, f"{path}.name", f"unknown variable '{name}'"
                     f"{_did_you_mean(name, variables)}")
        return
    var = variables[name]
    operators = {op["name"]: op for op in var.type.get_all_operators()}
    op_name = node.get("operator")
    if op_name not in operators:
        problems.add(rule, f"{path}.operator",
                     f"'{op_name}' cannot be used with '{name}' ({var.type.name}); "
                     f"use one of: {', '.join(sorted(operators))}")
        return
    input_type = operators[op_name]["input_type"]
    if input_type != FIELD_NO_INPUT and "value" not in node:
        problems.add(rule, f"{path}.value", "is missing")
        return
    value = node.get("value")
    # A vocabulary's values are checked; free text is not.
    options = _options(var.options, team_names) if var.type.name == "choice" else []
    _check_value(problems, rule, f"{path}.value", input_type, value, options)
    if op_name == "matches_regex" and isinstance(value, str):
        try:
            re.compile(value)
        except re.error as exc:
            problems.add(rule, f"{path}.value", f"is not a valid pattern: {exc}")
    unknown = set(node) - {"name", "operator", "value"}
    if unknown:
        problems.add(rule, path, f"unexpected keys: {', '.join(sorted(unknown))}")


def _check_actions(problems, rule, path, actions, specs, team_names):
    if not isinstance(actions, list) or not actions:
        problems.add(rule, path, "a rule needs at least one action")
        return
    for i, action in enumerate(actions):
        apath = f"{path}[{i}]"
        if not isinstance(action, dict):
            problems.add(rule, apath, "an action must be an object")
            continue
        name = action.get("name")
        if name not in specs:
            problems.add(rule, f"{apath}.name", f"unknown action '{name}'"
                         f"{_did_you_mean(name, specs)}")
            continue
        params = action.get("params") or {}
        if not isinstance(params, dict):
            problems.add(rule, f"{apath}.params", "must be an object")
            continue
        expected = {p.name: p for p in specs[name].params}
        for extra in set(params) - set(expected):
            problems.add(rule, f"{apath}.params.{extra}", f"'{name}' has no parameter '{extra}'"
                         f"{_did_you_mean(extra, expected)}")
        for pname, spec in expected.items():
            ppath = f"{apath}.params.{pname}"
            if pname not in params:
                if spec.required:
                    problems.add(rule, ppath, "is missing")
                continue
            value = params[pname]
            options = _options(spec.options, team_names)
            if spec.field_type == FIELD_NUMERIC:
                if not _is_number(value):
                    problems.add(rule, ppath, "needs a number")
                elif spec.low is not None and not spec.low <= value <= spec.high:
                    problems.add(rule, ppath, f"must be between {spec.low:g} and {spec.high:g}")
            elif spec.field_type == FIELD_SELECT:
                if value not in options:
                    what = "team" if list(spec.options) == ["teams"] else "value"
                    problems.add(rule, ppath, f"unknown {what} '{value}'"
                                 f"{_did_you_mean(value, options)}")
            elif not isinstance(value, str) or not value.strip():
                problems.add(rule, ppath, "needs a text value")


def _check_parameters(problems, kind, parameters):
    defaults = DEFAULT_PARAMETERS.get(kind, {})
    if parameters in (None, {}):
        return
    if not isinstance(parameters, dict):
        problems.add(None, "parameters", "must be an object")
        return
    for key, value in parameters.items():
        if key not in defaults:
            problems.add(None, f"parameters.{key}", "is not a parameter of this rule set")
            continue
        if key == "weights":
            if not isinstance(value, dict):
                problems.add(None, "parameters.weights", "must be an object of numbers")
                continue
            for wname, weight in value.items():
                if wname not in defaults["weights"]:
                    problems.add(None, f"parameters.weights.{wname}", "is not a known weight")
                elif not _is_number(weight) or not 0 <= weight <= 1:
                    problems.add(None, f"parameters.weights.{wname}",
                                 "must be a number between 0 and 1")


def validate_rules(kind: str, rules, team_names, parameters=None) -> list[dict]:
    """All problems of a rule set; an empty list means it may be published."""
    problems = Problems()
    if kind not in KINDS:
        problems.add(None, "kind", f"unknown rule-set kind '{kind}'{_did_you_mean(kind, KINDS)}")
        return problems.items
    if not isinstance(rules, list):
        problems.add(None, "rules", "must be a list of rules")
        return problems.items
    variables, specs = variable_spec(kind), action_spec(kind)
    seen = set()
    for i, rule in enumerate(rules):
        path = f"rules[{i}]"
        if not isinstance(rule, dict):
            problems.add(None, path, "a rule must be an object")
            continue
        name = rule.get("name")
        label = name if isinstance(name, str) and name.strip() else f"#{i + 1}"
        if label == f"#{i + 1}":
            problems.add(label, f"{path}.name", "every rule needs a name")
        elif name in seen:
            problems.add(label, f"{path}.name", f"the name '{name}' is used by another rule")
        seen.add(name)
        for extra in set(rule) - RULE_KEYS:
            problems.add(label, f"{path}.{extra}", "is not a rule field")
        if "enabled" in rule and not isinstance(rule["enabled"], bool):
            problems.add(label, f"{path}.enabled", "must be true or false")
        if "description" in rule and not isinstance(rule["description"], str | None):
            problems.add(label, f"{path}.description", "must be text")
        if rule.get("conditions") is not None:  # absent or null: the rule always matches
            _check_conditions(problems, label, f"{path}.conditions", rule["conditions"],
                              variables, team_names)
        _check_actions(problems, label, f"{path}.actions", rule.get("actions"), specs, team_names)
    _check_parameters(problems, kind, parameters)
    return problems.items
