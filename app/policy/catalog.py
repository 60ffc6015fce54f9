"""What rules may talk about: variables and actions per rule-set kind.

One table per kind is the single source for the business-rules classes (used to
evaluate), the exported metadata (used by the editor) and the validation.
"""

from dataclasses import dataclass, field

from business_rules.actions import BaseActions
from business_rules.fields import FIELD_NUMERIC, FIELD_SELECT, FIELD_TEXT
from business_rules.utils import export_rule_data
from business_rules.variables import BaseVariables
from flask_babel import lazy_gettext as _

from app.models.choices import (
    CATEGORIES,
    CHANNELS,
    CUSTOMER_TIERS,
    IMPACTS,
    SERVICE_TYPES,
    SEVERITIES,
    STATUSES,
    VOCABULARIES,
)
from app.policy.types import (
    TYPES,
    ChoiceType,
    DurationType,
    FlagType,
    NumberType,
    RegionType,
    TextType,
)
from app.reference.regions import CODES as REGION_CODES
from app.reference.regions import DEFAULT_REGION_GROUPS, REGION_LABELS

KINDS = ("grading", "routing", "sla", "escalation", "warning")
FIRST_MATCH = {"grading", "routing", "sla"}  # the others collect every matching rule
# Escalation variables that change without their complaint changing (another complaint
# of the customer opens or closes): the sweep cannot foresee when, so a rule reading one
# makes it check every open complaint at every pass (app/services/next_check.py).
CHECKED_EVERY_PASS = frozenset({"customer_open_complaints"})
# What the editor shows for a code; rules store the code.
OPTION_LABELS = {code: label for labels in (*VOCABULARIES.values(), SEVERITIES)
                 for code, label in labels.items()} | REGION_LABELS


@dataclass(frozen=True)
class Var:
    name: str
    type: type
    label: str
    options: tuple = ()


@dataclass(frozen=True)
class Param:
    name: str
    field_type: str
    label: str
    options: tuple = ()  # "teams" is filled from the database at export time
    low: float | None = None
    high: float | None = None
    required: bool = True


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    params: tuple = field(default_factory=tuple)


def _opts(mapping) -> tuple:
    return tuple(str(k) for k in mapping)


COMPLAINT_VARS = (
    Var("category", ChoiceType, _("Category"), _opts(CATEGORIES)),
    Var("channel", ChoiceType, _("Channel"), _opts(CHANNELS)),
    Var("region", RegionType, _("Region (province)"), REGION_CODES),
    Var("origin_region", RegionType, _("Origin region"), REGION_CODES),
    Var("destination_region", RegionType, _("Destination region"), REGION_CODES),
    Var("outlet", ChoiceType, _("Outlet concerned"), ("outlets",)),
    Var("customer_tier", ChoiceType, _("Customer tier"), _opts(CUSTOMER_TIERS)),
    Var("service_type", ChoiceType, _("Service type"), _opts(SERVICE_TYPES)),
    Var("impact", ChoiceType, _("Impact scope"), _opts(IMPACTS)),
    Var("status", ChoiceType, _("Status"), _opts(STATUSES)),
    Var("urgency", NumberType, _("Urgency (1-5)")),
    Var("mentions_urgency", FlagType, _("Description mentions an urgency word (grading parameter)")),
    Var("scored_urgency", NumberType, _("Urgency used in the score (1-5, raised by urgency words)")),
    Var("level", NumberType, _("Level (1-5)")),
    Var("score", NumberType, _("Weighted grading score (1-5)")),
    Var("declared_value", NumberType, _("Declared value (CNY)")),
    Var("description", TextType, _("Description")),
    Var("waybill_no", TextType, _("Waybill number")),
    Var("is_repeat", FlagType, _("Is a repeat complaint")),
    Var("customer_complaints_30d", NumberType, _("Customer's complaints in 30 days")),
    Var("hours_open", DurationType, _("Time open (hours)")),
    Var("anonymous", FlagType, _("Anonymous (no customer)")),
    Var("late_registration", FlagType, _("Registered more than 24 h after it was received")),
    Var("is_duplicate", FlagType, _("Duplicate of a recent complaint")),
    Var("completeness", NumberType, _("Completeness of the record (0-1)")),
    Var("predicted_category", ChoiceType, _("Predicted category (text model)"), _opts(CATEGORIES)),
    Var("prediction_confidence", NumberType, _("Prediction confidence (0-1, 0 without a model)")),
    Var("negative_sentiment", NumberType, _("Negative sentiment (0-1)")),
)
ESCALATION_VARS = COMPLAINT_VARS + (
    Var("team", ChoiceType, _("Team"), ("teams",)),
    Var("minutes_to_first_response_due", NumberType, _("Minutes to first-response due")),
    Var("minutes_to_resolution_due", NumberType, _("Minutes to resolution due")),
    Var("percent_of_resolution_time_used", NumberType, _("Share of resolution time used (%)")),
    Var("first_response_breached", FlagType, _("First response breached")),
    Var("resolution_breached", FlagType, _("Resolution breached")),
    Var("escalation_count", NumberType, _("Times escalated")),
    Var("reopen_count", NumberType, _("Times reopened")),
    Var("customer_open_complaints", NumberType, _("Customer's open complaints")),
    Var("hours_since_last_update", DurationType, _("Time since last update (hours)")),
)
WARNING_VARS = (
    Var("scope_type", ChoiceType, _("Scope type"),
        ("region", "category", "channel", "team", "outlet", "region_category")),
    Var("scope", TextType, _("Scope")),
    Var("count_1h", NumberType, _("Complaints in the last hour")),
    Var("count_24h", NumberType, _("Complaints in the last 24 h")),
    Var("count_7d", NumberType, _("Complaints in the last 7 days (the rates' base)")),
    Var("surveys_7d", NumberType, _("Satisfaction answers in the last 7 days")),
    Var("baseline_24h", NumberType, _("Daily average of the previous 7 days")),
    Var("growth_ratio", NumberType, _("Growth ratio (24 h / baseline)")),
    Var("breach_rate", NumberType, _("SLA breach rate (%)")),
    Var("repeat_rate", NumberType, _("Repeat rate (%)")),
    Var("escalation_rate", NumberType, _("Escalation rate (%)")),
    Var("damage_loss_share", NumberType, _("Damage + loss share (%)")),
    Var("avg_satisfaction_7d", NumberType, _("Average satisfaction, 7 days")),
    Var("open_at_risk", NumberType, _("Open complaints at risk")),
)

TAG = Action("add_tag", _("Add tag"), (Param("tag", FIELD_TEXT, _("Tag")),))
NOTIFY = Action("notify", _("Notify"), (
    Param("target", FIELD_TEXT, _("Who (assignee | team_lead | team:<name> | e-mail address)")),
    Param("message", FIELD_TEXT, _("Message")),
))
ACTIONS = {
    "grading": (
        Action("set_level", _("Set level"), (Param("level", FIELD_NUMERIC, _("Level"), low=1, high=5),)),
        TAG,
    ),
    "routing": (
        Action("assign_team", _("Assign to team"), (Param("team", FIELD_SELECT, _("Team"), ("teams",)),)),
        TAG,
        Action("set_priority", _("Flag as priority")),
    ),
    "sla": (
        Action("set_sla", _("Set due times"), (
            Param("first_response_minutes", FIELD_NUMERIC, _("First response (minutes)"), low=1,
                  high=60 * 24 * 30),
            Param("resolution_hours", FIELD_NUMERIC, _("Resolution (hours)"), low=1, high=24 * 90),
            Param("callback_days", FIELD_NUMERIC, _("Callback (days)"), low=0, high=60),
        )),
    ),
    "escalation": (
        Action("escalate", _("Escalate to team"), (
            Param("to_team", FIELD_SELECT, _("Team"), ("teams",)),
            Param("reason", FIELD_TEXT, _("Reason")),
        )),
        Action("raise_level", _("Raise level"), (Param("by", FIELD_NUMERIC, _("By"), low=1, high=4),)),
        NOTIFY,
        Action("mark_at_risk", _("Mark at risk")),
    ),
    "warning": (
        Action("raise_alert", _("Raise alert"), (
            Param("severity", FIELD_SELECT, _("Severity"), tuple(SEVERITIES)),
            Param("message", FIELD_TEXT, _("Message (may use {scope} and figures)")),
        )),
        NOTIFY,
    ),
}
VARIABLES = {
    "grading": COMPLAINT_VARS, "routing": COMPLAINT_VARS, "sla": COMPLAINT_VARS,
    "escalation": ESCALATION_VARS, "warning": WARNING_VARS,
}


@dataclass(frozen=True)
class SetParam:
    """A parameter of a rule set: versioned with its rules, edited in the editor's form.

    type: "weights" (named numbers in `fields`), "number", "integer", "money" (CNY, a
    non-negative decimal with at most 2 places, stored as text), "boolean", "choice"
    (one of `options`) or "keywords" (a keyword list, app/policy/keywords.py).
    """

    name: str
    type: str
    label: str
    help: str = ""
    default: object = None
    low: float | None = None
    high: float | None = None
    options: tuple = ()  # ("choice") (code, label) pairs
    fields: tuple = ()  # ("weights") (name, label) pairs


URGENCY_WORDS = ("urgent, urgently, asap, as soon as possible, immediately, emergency, serious, "
                 "seriously, critical, 紧急, 加急, 急件, 严重, 马上, 立刻, 立即, 尽快, 十万火急")
CLOCK_FROM = (("escalation", _("the moment the level changes")),
              ("receipt", _("the complaint's receipt")))
# KPI targets (the seeds' KPI table): figure -> (default, "min" or "max", low, high).
# "min": the figure should be at least the target; "max": at most. Rates are fractions.
KPI_TARGETS = {
    "resolution_rate": (0.95, "min", 0, 1),
    "avg_handling_hours": (24, "max", 0, 10000),
    "avg_first_response_hours": (2, "max", 0, 10000),
    "csat_avg": (4.5, "min", 1, 5),
    "csat_satisfied_rate": (0.90, "min", 0, 1),
    "repeat_rate": (0.05, "max", 0, 1),
    "escalation_rate": (0.03, "max", 0, 1),
}
KPI_TARGET_LABELS = {  # the Performance pages' names of these figures
    "resolution_rate": _("Resolution rate"),
    "avg_handling_hours": _("Average handling time (h)"),
    "avg_first_response_hours": _("Average first response (h)"),
    "csat_avg": _("Satisfaction (1–5)"), "csat_satisfied_rate": _("Satisfied share"),
    "repeat_rate": _("Repeat complaint rate"), "escalation_rate": _("Escalation rate"),
}
PARAMETERS = {
    "grading": (
        SetParam("weights", "weights", _("Grading weights"),
                 _("The score is the weighted average of 1-5 scores: urgency, impact scope "
                   "(individual 1, group 3, wide 5) and customer value (ordinary 1, key 4)."),
                 default={"urgency": 0.5, "impact": 0.3, "customer_value": 0.2}, low=0, high=1,
                 fields=(("urgency", _("Urgency")), ("impact", _("Impact scope")),
                         ("customer_value", _("Customer value")))),
        SetParam("urgency_words", "keywords", _("Urgency words"),
                 _("A description mentioning one of these raises the urgency used in the score "
                   "(not the level directly). Comma-separated; whole words, any case; 'word*' "
                   "allows any ending; Chinese words match as phrases; a negated mention "
                   "('not urgent', 没有紧急) does not count."),
                 default=URGENCY_WORDS),
        SetParam("urgency_step", "integer", _("Urgency step for an urgency word"),
                 _("How much an urgency word adds to the complaint's urgency (1-5, capped at 5)."),
                 default=1, low=0, high=4),
    ),
    "sla": (
        SetParam("kpi_targets", "targets", _("KPI targets"),
                 _("What the Performance pages compare each figure with (rates as fractions, "
                   "times in hours); a missed target is shown in red."),
                 default={name: spec[0] for name, spec in KPI_TARGETS.items()},
                 fields=tuple((name, KPI_TARGET_LABELS[name]) for name in KPI_TARGETS)),
        SetParam("clock_from", "choice", _("When the level changes, count the new due times from"),
                 _("A raised or lowered level is routed and timed again with its own SLA; its "
                   "clocks start at the moment of the change, or run from the original receipt."),
                 default="escalation", options=CLOCK_FROM),
        SetParam("retention_days", "integer", _("Keep customers' personal data for (days)"),
                 _("After a customer's last complaint has been closed this many days, the "
                   "retention job erases their personal data (name, phone, e-mail, address); "
                   "complaints and figures stay."),
                 default=3 * 365, low=30, high=36500),
    ),
    "escalation": (
        SetParam("compensation_approval_limit", "money", _("Compensation approval limit (CNY)"),
                 _("A compensation above this amount needs a team lead's approval before the "
                   "complaint can be resolved (level 4 and 5 always do)."),
                 default="500.00", low=0),
        SetParam("reopen_on_dissatisfaction", "boolean", _("Reopen when the customer is dissatisfied"),
                 _("A callback or survey with satisfaction 1 or 2 reopens the complaint (counted as "
                   "a reopen). Without it the complaint stays resolved and only a team lead can "
                   "close it, with a reason."),
                 default=True),
    ),
}
# Every kind's parameters: those declared above (the editor's parameter form) and the
# region groups (the editor's group form); docs/policy.md.
GROUPS = {"region_groups": DEFAULT_REGION_GROUPS}
DEFAULT_PARAMETERS = {kind: {**{p.name: p.default for p in PARAMETERS.get(kind, ())}, **GROUPS}
                      for kind in KINDS}


def parameter_spec(kind: str) -> dict[str, SetParam]:
    return {p.name: p for p in PARAMETERS.get(kind, ())}


def with_defaults(kind: str, parameters: dict | None) -> dict:
    """A version's parameters, completed by the declared defaults (older versions lack
    parameters declared since)."""
    return {**DEFAULT_PARAMETERS.get(kind, {}), **(parameters or {})}


def region_groups(parameters) -> dict[str, list[str]]:
    """A rule set's region groups; versions published before groups existed use the
    default ones."""
    groups = (parameters or {}).get("region_groups")
    return groups if isinstance(groups, dict) else DEFAULT_REGION_GROUPS


class Facts(BaseVariables):
    """Variables read from a facts dict; a callable fact is computed once, when first named."""

    def __init__(self, facts: dict):
        self._facts = facts

    def _value(self, name):
        value = self._facts.get(name)
        if callable(value):
            value = value()
            self._facts[name] = value
        return value


class Decisions(BaseActions):
    """Actions record what the rules decided; services apply it (rules decide, services act)."""

    def __init__(self):
        self.taken: list[dict] = []

    def _record(self, name, **params):
        self.taken.append({"action": name, "params": params})


def _variable_method(var: Var):
    def method(self):
        return self._value(var.name)

    method.__name__ = var.name
    # What business-rules' @rule_variable sets. Its own decorator tests the label's truth,
    # which would translate our lazy label at import time, before Babel is set up.
    method.field_type = var.type
    method.is_rule_variable = True
    method.label = var.label
    method.options = list(var.options)
    return method


def _action_method(action: Action):
    def method(self, **params):
        self._record(action.name, **params)

    method.__name__ = action.name
    # What business-rules' @rule_action sets; its own check wants named parameters.
    method.is_rule_action = True
    method.label = action.label
    method.params = [{"name": p.name, "label": p.label, "fieldType": p.field_type}
                     for p in action.params]
    return method


def _build(kind: str):
    variables = type(f"{kind.title()}Variables", (Facts,),
                     {v.name: _variable_method(v) for v in VARIABLES[kind]})
    actions = type(f"{kind.title()}Actions", (Decisions,),
                   {a.name: _action_method(a) for a in ACTIONS[kind]})
    return variables, actions


CLASSES = {kind: _build(kind) for kind in KINDS}


def variable_spec(kind: str) -> dict[str, Var]:
    return {v.name: v for v in VARIABLES[kind]}


def action_spec(kind: str) -> dict[str, Action]:
    return {a.name: a for a in ACTIONS[kind]}


OPERATOR_LABELS = {
    "equal_to": _("is"), "not_equal_to": _("is not"), "is_one_of": _("is one of"),
    "is_not_one_of": _("is not one of"), "contains": _("contains"),
    "not_contains": _("does not contain"),
    "contains_any_word": _("mentions any of (comma-separated words)"),
    "matches_regex": _("matches pattern"), "starts_with": _("starts with"),
    "ends_with": _("ends with"), "equal_to_case_insensitive": _("is (any case)"),
    "non_empty": _("is not empty"), "greater_than": _("greater than"),
    "greater_than_or_equal_to": _("at least"), "less_than": _("less than"),
    "less_than_or_equal_to": _("at most"), "longer_than": _("longer than (hours)"),
    "shorter_than": _("shorter than (hours)"), "is_true": _("is yes"), "is_false": _("is no"),
    "is_in_group": _("is in region group"), "is_not_in_group": _("is not in region group"),
}


OPERATOR_HELP = {
    "contains_any_word": _(
        "Comma-separated keywords. English words and numbers match whole words or phrases in "
        "any case ('sue' does not match 'issue'); 'injur*' also matches injury, injured, "
        "injuries; list irregular forms (sue, sued, suing). Chinese keywords match as "
        "phrases. A mention under a nearby negation does not count: in the same clause (no "
        "punctuation, 'but', 'and', 'so', 但是, 而且 … in between), an English negation (no, "
        "not, never, nobody, none, without, …n't) at most 3 words before the keyword, or a "
        "Chinese one (没, 没有, 未, 无人, 并无, 毫无, 不曾, 从未, 并非) at most 4 characters before "
        "it. 不 is not counted as a negation (不安全 is alarming)."),
}


def _operators(type_cls) -> list[dict]:
    out = []
    for op in type_cls.get_all_operators():
        entry = {**op, "label": str(OPERATOR_LABELS.get(op["name"], op["label"]))}
        if op["name"] in OPERATOR_HELP:
            entry["help"] = str(OPERATOR_HELP[op["name"]])
        out.append(entry)
    return out


def _parameter_json(p: SetParam) -> dict:
    out = {"name": p.name, "type": p.type, "label": str(p.label), "help": str(p.help),
           "default": p.default}
    if p.low is not None:
        out["min"] = p.low
    if p.high is not None:
        out["max"] = p.high
    if p.options:
        out["options"] = [code for code, _label in p.options]
        out["option_labels"] = {code: str(label) for code, label in p.options}
    if p.fields:
        out["fields"] = [{"name": n, "label": str(label)} for n, label in p.fields]
    return out


def _option_labels(options) -> dict[str, str]:
    return {o: str(OPTION_LABELS[o]) for o in options if o in OPTION_LABELS}


def export_metadata(kind: str, team_names: list[str], outlets: dict | None = None) -> dict:
    """business-rules' export, with our types' operators, translated labels and live
    options (teams, outlets: code -> name) filled in."""
    outlets = outlets or {}
    variables, actions = CLASSES[kind]
    data = export_rule_data(variables, actions)
    data["variable_type_operators"] = {name: _operators(t) for name, t in TYPES.items()}
    for var in data["variables"]:
        var["label"] = str(var["label"])
        if var["options"] == ["teams"]:
            var["options"] = team_names
        if var["options"] == ["outlets"]:
            var["options"] = list(outlets)
            var["option_labels"] = {code: f"{code} {name}" for code, name in outlets.items()}
            continue
        var["option_labels"] = _option_labels(var["options"])
    specs = action_spec(kind)
    for action in data["actions"]:
        action["label"] = str(action["label"])
        by_name = {p.name: p for p in specs[action["name"]].params}
        for param in action["params"]:
            spec = by_name[param["name"]]
            param["label"] = str(param["label"])
            options = list(spec.options)
            param["options"] = team_names if options == ["teams"] else options
            param["option_labels"] = _option_labels(param["options"])
            if spec.low is not None:
                param["min"], param["max"] = spec.low, spec.high
    data["mode"] = "first_match" if kind in FIRST_MATCH else "collect"
    data["parameters"] = DEFAULT_PARAMETERS.get(kind, {})
    data["parameter_specs"] = [_parameter_json(p) for p in PARAMETERS.get(kind, ())]
    # the editor's region-group form: every region with its name in the user's language
    data["regions"] = {code: str(label) for code, label in REGION_LABELS.items()}
    return data
