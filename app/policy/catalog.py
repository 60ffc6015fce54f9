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
from app.policy.types import TYPES, ChoiceType, DurationType, FlagType, NumberType, TextType
from seed.reference import PROVINCES

KINDS = ("grading", "routing", "sla", "escalation", "warning")
FIRST_MATCH = {"grading", "routing", "sla"}  # the others collect every matching rule
# What the editor shows for a code; rules store the code.
OPTION_LABELS = {code: label for labels in (*VOCABULARIES.values(), SEVERITIES)
                 for code, label in labels.items()}


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
    Var("region", ChoiceType, _("Region (province)"), tuple(PROVINCES)),
    Var("customer_tier", ChoiceType, _("Customer tier"), _opts(CUSTOMER_TIERS)),
    Var("service_type", ChoiceType, _("Service type"), _opts(SERVICE_TYPES)),
    Var("impact", ChoiceType, _("Impact scope"), _opts(IMPACTS)),
    Var("status", ChoiceType, _("Status"), _opts(STATUSES)),
    Var("urgency", NumberType, _("Urgency (1-5)")),
    Var("level", NumberType, _("Level (1-5)")),
    Var("score", NumberType, _("Weighted grading score (1-5)")),
    Var("description", TextType, _("Description")),
    Var("waybill_no", TextType, _("Waybill number")),
    Var("is_repeat", FlagType, _("Is a repeat complaint")),
    Var("customer_complaints_30d", NumberType, _("Customer's complaints in 30 days")),
    Var("hours_open", DurationType, _("Time open (hours)")),
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
        ("region", "category", "channel", "team", "region_category")),
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
# Rule-set parameters the editor can change (grading weights, DOMAIN.md).
DEFAULT_PARAMETERS = {
    "grading": {"weights": {"urgency": 0.5, "impact": 0.3, "customer_value": 0.2}},
}


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
    "not_contains": _("does not contain"), "contains_any_word": _("contains any of (comma-separated)"),
    "matches_regex": _("matches pattern"), "starts_with": _("starts with"),
    "ends_with": _("ends with"), "equal_to_case_insensitive": _("is (any case)"),
    "non_empty": _("is not empty"), "greater_than": _("greater than"),
    "greater_than_or_equal_to": _("at least"), "less_than": _("less than"),
    "less_than_or_equal_to": _("at most"), "longer_than": _("longer than (hours)"),
    "shorter_than": _("shorter than (hours)"), "is_true": _("is yes"), "is_false": _("is no"),
}


def _operators(type_cls) -> list[dict]:
    return [{**op, "label": str(OPERATOR_LABELS.get(op["name"], op["label"]))}
            for op in type_cls.get_all_operators()]


def _option_labels(options) -> dict[str, str]:
    return {o: str(OPTION_LABELS[o]) for o in options if o in OPTION_LABELS}


def export_metadata(kind: str, team_names: list[str]) -> dict:
    """business-rules' export, with our types' operators, translated labels and live
    options filled in."""
    variables, actions = CLASSES[kind]
    data = export_rule_data(variables, actions)
    data["variable_type_operators"] = {name: _operators(t) for name, t in TYPES.items()}
    for var in data["variables"]:
        var["label"] = str(var["label"])
        if var["options"] == ["teams"]:
            var["options"] = team_names
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
    return data
