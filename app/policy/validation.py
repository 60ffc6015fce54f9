"""Check a rule set completely before it is stored: every problem at once, each naming
the rule and the path, in plain language. business-rules itself checks nothing until
it runs, and then fails with a bare assertion.
"""

import difflib
import re
from decimal import Decimal, InvalidOperation

from business_rules.fields import (
    FIELD_NO_INPUT,
    FIELD_NUMERIC,
    FIELD_SELECT,
    FIELD_SELECT_MULTIPLE,
    FIELD_TEXT,
)
from flask_babel import gettext

from app.policy import keywords
from app.policy.catalog import (
    KINDS,
    KPI_TARGETS,
    action_spec,
    parameter_spec,
    region_groups,
    variable_spec,
)
from app.policy.patterns import PatternError, compile_pattern
from app.policy.types import GROUP_OPERATORS
from app.reference.regions import CODES as REGION_CODES
from app.reference.regions import EN as REGION_EN
from app.reference.regions import region_code

RULE_KEYS = {"name", "description", "enabled", "conditions", "actions"}


class Problems:
    def __init__(self):
        self.items: list[dict] = []

    def add(self, rule, path: str, message: str) -> None:
        self.items.append({"rule": rule, "path": path, "message": message})


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _word(value) -> str | None:
    """A name as given, when it is text; anything else (a list, an object) names nothing."""
    return value if isinstance(value, str) else None


def _shown(value) -> str:
    """A value quoted in a message: short, whatever its JSON type."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _options(options, team_names) -> list:
    options = list(options)
    return list(team_names) if options == ["teams"] else options


def _did_you_mean(word: str, choices) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return gettext(" (did you mean '%(word)s'?)", word=close[0]) if close else ""


def _unknown_value(value, options) -> str:
    return (gettext("'%(value)s' is not one of the known values", value=_shown(value))
            + _did_you_mean(value, options))


def _check_value(problems, rule, path, input_type, value, options):
    if input_type == FIELD_NO_INPUT:
        return
    if input_type == FIELD_TEXT:
        if not isinstance(value, str) or not value.strip():
            problems.add(rule, path, gettext("needs a text value"))
        elif options and value not in options:
            problems.add(rule, path, _unknown_value(value, options))
    elif input_type == FIELD_NUMERIC:
        if not _is_number(value):
            problems.add(rule, path, gettext("needs a number"))
    elif input_type == FIELD_SELECT:
        if value is None or (options and value not in options):
            problems.add(rule, path, _unknown_value(value, options))
    elif input_type == FIELD_SELECT_MULTIPLE:
        if not isinstance(value, list) or not value:
            problems.add(rule, path, gettext("needs a list of one or more values"))
            return
        for i, item in enumerate(value):
            if options and item not in options:
                problems.add(rule, f"{path}[{i}]", _unknown_value(item, options))


def _unknown_region(value) -> str:
    code = region_code(value)
    if code:
        return gettext("'%(value)s' is not a region code (did you mean '%(code)s', %(name)s?)",
                       value=value, code=code, name=REGION_EN[code])
    return _unknown_value(value, REGION_CODES)


def _check_region_value(problems, rule, path, op_name, value, groups):
    if op_name in GROUP_OPERATORS:
        if value not in groups:
            problems.add(rule, path, gettext("'%(value)s' is not a region group of this rule "
                                             "set", value=value) + _did_you_mean(value, groups))
        return
    for i, item in enumerate(value if isinstance(value, list) else [value]):
        if item not in REGION_CODES:
            problems.add(rule, f"{path}[{i}]" if isinstance(value, list) else path,
                         _unknown_region(item))


def _check_conditions(problems, rule, path, node, variables, team_names, groups):
    if not isinstance(node, dict):
        problems.add(rule, path, gettext("a condition must be an object"))
        return
    junctions = [k for k in ("all", "any") if k in node]
    if junctions:
        if len(node) != 1:
            problems.add(rule, path, gettext("an 'all' or 'any' group must be alone in its object"))
            return
        key = junctions[0]
        children = node[key]
        if not isinstance(children, list) or not children:
            problems.add(rule, f"{path}.{key}",
                         gettext("the '%(group)s' group is empty; add a condition or remove the "
                                 "group", group=key))
            return
        for i, child in enumerate(children):
            _check_conditions(problems, rule, f"{path}.{key}[{i}]", child, variables, team_names,
                              groups)
        return
    name = node.get("name")
    if _word(name) not in variables:
        problems.add(rule, f"{path}.name", gettext("unknown variable '%(name)s'", name=_shown(name))
                     + _did_you_mean(name, variables))
        return
    var = variables[name]
    operators = {op["name"]: op for op in var.type.get_all_operators()}
    op_name = node.get("operator")
    if _word(op_name) not in operators:
        problems.add(rule, f"{path}.operator",
                     gettext("'%(operator)s' cannot be used with '%(name)s' (%(type)s); use "
                             "one of: %(operators)s", operator=_shown(op_name), name=name,
                             type=var.type.name, operators=", ".join(sorted(operators))))
        return
    input_type = operators[op_name]["input_type"]
    if input_type != FIELD_NO_INPUT and "value" not in node:
        problems.add(rule, f"{path}.value", gettext("is missing"))
        return
    value = node.get("value")
    # A vocabulary's values are checked; free text is not, nor are outlets (they come and go).
    options = (_options(var.options, team_names)
               if var.type.name == "choice" and list(var.options) != ["outlets"] else [])
    _check_value(problems, rule, f"{path}.value", input_type, value, options)
    if op_name == "contains_any_word" and isinstance(value, str) and value.strip():
        for message in _keyword_problems(value):
            problems.add(rule, f"{path}.value", message)
    if var.type.name == "region" and not any(p["path"].startswith(f"{path}.value")
                                             for p in problems.items):
        _check_region_value(problems, rule, f"{path}.value", op_name, value, groups)
    if op_name == "matches_regex" and isinstance(value, str):
        try:
            compile_pattern(value)
        except PatternError as exc:
            problems.add(rule, f"{path}.value", gettext(
                "is not a valid pattern: %(error)s (patterns run on RE2, which has no "
                "backreferences or look-around)", error=exc))
    unknown = set(node) - {"name", "operator", "value"}
    if unknown:
        problems.add(rule, path, gettext("unexpected keys: %(keys)s", keys=", ".join(sorted(unknown))))


def _check_actions(problems, rule, path, actions, specs, team_names):
    if not isinstance(actions, list) or not actions:
        problems.add(rule, path, gettext("a rule needs at least one action"))
        return
    for i, action in enumerate(actions):
        apath = f"{path}[{i}]"
        if not isinstance(action, dict):
            problems.add(rule, apath, gettext("an action must be an object"))
            continue
        name = action.get("name")
        if _word(name) not in specs:
            problems.add(rule, f"{apath}.name", gettext("unknown action '%(name)s'", name=_shown(name))
                         + _did_you_mean(name, specs))
            continue
        params = action.get("params") or {}
        if not isinstance(params, dict):
            problems.add(rule, f"{apath}.params", gettext("must be an object"))
            continue
        expected = {p.name: p for p in specs[name].params}
        for extra in set(params) - set(expected):
            problems.add(rule, f"{apath}.params.{extra}",
                         gettext("'%(action)s' has no parameter '%(param)s'", action=name,
                                 param=extra) + _did_you_mean(extra, expected))
        for pname, spec in expected.items():
            ppath = f"{apath}.params.{pname}"
            if pname not in params:
                if spec.required:
                    problems.add(rule, ppath, gettext("is missing"))
                continue
            value = params[pname]
            options = _options(spec.options, team_names)
            if spec.field_type == FIELD_NUMERIC:
                if not _is_number(value):
                    problems.add(rule, ppath, gettext("needs a number"))
                elif spec.low is not None and not spec.low <= value <= spec.high:
                    problems.add(rule, ppath, gettext("must be between %(low)s and %(high)s",
                                                          low=f"{spec.low:g}", high=f"{spec.high:g}"))
            elif spec.field_type == FIELD_SELECT:
                if value not in options:
                    unknown = (gettext("unknown team '%(value)s'", value=_shown(value))
                               if list(spec.options) == ["teams"]
                               else gettext("unknown value '%(value)s'", value=_shown(value)))
                    problems.add(rule, ppath, unknown + _did_you_mean(value, options))
            elif not isinstance(value, str) or not value.strip():
                problems.add(rule, ppath, gettext("needs a text value"))


def _keyword_problems(words) -> list[str]:
    messages = {
        "star": lambda k: gettext("'%(word)s': '*' may only end a word", word=k),
        "short": lambda k: gettext("'%(word)s': a word ending in '*' needs at least 3 letters",
                                   word=k),
        "empty": lambda k: gettext("needs one or more keywords, separated by commas"),
    }
    return [messages[e.reason](e.keyword) for e in keywords.check(words)]


def _money(value) -> Decimal | None:
    """A non-negative amount with at most 2 decimals (number or text), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2:
        return None
    return amount


def _check_parameter(problems, spec, path, value):
    def bounded(number):
        if spec.low is not None and number < spec.low or spec.high is not None and number > spec.high:
            problems.add(None, path, gettext("must be between %(low)s and %(high)s",
                                             low=f"{spec.low:g}", high=f"{spec.high:g}"))

    if spec.type == "targets":
        _check_kpi_targets(problems, value)
        return
    if spec.type == "weights":
        if not isinstance(value, dict):
            problems.add(None, path, gettext("must be an object of numbers"))
            return
        known = {name for name, _label in spec.fields}
        for wname, weight in value.items():
            if wname not in known:
                problems.add(None, f"{path}.{wname}", gettext("is not a known weight"))
            elif not _is_number(weight) or not 0 <= weight <= 1:
                problems.add(None, f"{path}.{wname}", gettext("must be a number between 0 and 1"))
    elif spec.type in ("number", "integer"):
        if not _is_number(value) or (spec.type == "integer" and value != int(value)):
            problems.add(None, path, gettext("needs a whole number") if spec.type == "integer"
                         else gettext("needs a number"))
        else:
            bounded(value)
    elif spec.type == "money":
        if _money(value) is None:
            problems.add(None, path, gettext("must be an amount in CNY of 0 or more, with at "
                                             "most 2 decimals (e.g. 500.00)"))
    elif spec.type == "boolean":
        if not isinstance(value, bool):
            problems.add(None, path, gettext("must be true or false"))
    elif spec.type == "choice":
        codes = [code for code, _label in spec.options]
        if value not in codes:
            problems.add(None, path, _unknown_value(value, codes))
    elif spec.type == "keywords":
        for message in _keyword_problems(value):
            problems.add(None, path, message)


def _check_parameters(problems, kind, parameters):
    specs = parameter_spec(kind)
    if parameters in (None, {}):
        return
    if not isinstance(parameters, dict):
        problems.add(None, "parameters", gettext("must be an object"))
        return
    for key, value in parameters.items():
        if key == "region_groups":  # every kind has them; edited in the group form
            _check_groups(problems, value)
            continue
        if key not in specs:
            problems.add(None, f"parameters.{key}", gettext("is not a parameter of this rule set")
                         + _did_you_mean(key, specs))
            continue
        _check_parameter(problems, specs[key], f"parameters.{key}", value)


def _check_groups(problems, groups):
    path = "parameters.region_groups"
    if not isinstance(groups, dict):
        problems.add(None, path, gettext("must be an object: group name -> list of region codes"))
        return
    for name, codes in groups.items():
        if not re.fullmatch(r"[a-z0-9_\-]{1,40}", name):
            problems.add(None, f"{path}.{name}", gettext(
                "a group name is 1-40 lower-case letters, digits, '-' or '_'"))
        if not isinstance(codes, list) or not codes:
            problems.add(None, f"{path}.{name}", gettext("needs a list of one or more region codes"))
            continue
        for i, code in enumerate(codes):
            if code not in REGION_CODES:
                problems.add(None, f"{path}.{name}[{i}]", _unknown_region(code))


def _check_kpi_targets(problems, targets):
    if not isinstance(targets, dict):
        problems.add(None, "parameters.kpi_targets", gettext("must be an object of numbers"))
        return
    for name, target in targets.items():
        path = f"parameters.kpi_targets.{name}"
        if name not in KPI_TARGETS:
            problems.add(None, path, gettext("is not a figure with a target")
                         + _did_you_mean(name, KPI_TARGETS))
            continue
        _default, _direction, low, high = KPI_TARGETS[name]
        if not _is_number(target) or not low <= target <= high:
            problems.add(None, path, gettext("must be a number between %(low)s and %(high)s",
                                             low=f"{low:g}", high=f"{high:g}"))


def validate_rules(kind: str, rules, team_names, parameters=None) -> list[dict]:
    """All problems of a rule set; an empty list means it may be published."""
    problems = Problems()
    if kind not in KINDS:
        problems.add(None, "kind", gettext("unknown rule-set kind '%(kind)s'", kind=kind)
                     + _did_you_mean(kind, KINDS))
        return problems.items
    if not isinstance(rules, list):
        problems.add(None, "rules", gettext("must be a list of rules"))
        return problems.items
    variables, specs = variable_spec(kind), action_spec(kind)
    groups = region_groups(parameters)
    if not isinstance(groups, dict) or not all(isinstance(c, list) for c in groups.values()):
        groups = {}
    seen = set()
    for i, rule in enumerate(rules):
        path = f"rules[{i}]"
        if not isinstance(rule, dict):
            problems.add(None, path, gettext("a rule must be an object"))
            continue
        name = rule.get("name")
        label = name if isinstance(name, str) and name.strip() else f"#{i + 1}"
        if label == f"#{i + 1}":
            problems.add(label, f"{path}.name", gettext("every rule needs a name"))
        elif name in seen:
            problems.add(label, f"{path}.name",
                         gettext("the name '%(name)s' is used by another rule", name=name))
        else:
            seen.add(name)
        for extra in set(rule) - RULE_KEYS:
            problems.add(label, f"{path}.{extra}", gettext("is not a rule field"))
        if "enabled" in rule and not isinstance(rule["enabled"], bool):
            problems.add(label, f"{path}.enabled", gettext("must be true or false"))
        if "description" in rule and not isinstance(rule["description"], str | None):
            problems.add(label, f"{path}.description", gettext("must be text"))
        if rule.get("conditions") is not None:  # absent or null: the rule always matches
            _check_conditions(problems, label, f"{path}.conditions", rule["conditions"],
                              variables, team_names, groups)
        _check_actions(problems, label, f"{path}.actions", rule.get("actions"), specs, team_names)
    _check_parameters(problems, kind, parameters)
    return problems.items
