"""The "why" panel in words: a recorded rule trace with variable and operator labels and
values by their labels, never operator codes or Python lists."""

from flask_babel import gettext, lazy_gettext

from app.policy.catalog import OPERATOR_LABELS, OPTION_LABELS, variable_spec
from app.services.privacy.masking import mask_text

KIND_TITLES = {"grading": lazy_gettext("Level"), "routing": lazy_gettext("Team"),
               "sla": lazy_gettext("Deadlines"), "escalation": lazy_gettext("Escalation")}


def value_text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value) or "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    label = OPTION_LABELS.get(value) if isinstance(value, str) else None
    return str(label) if label is not None else str(value)


def condition_row(kind: str, c: dict) -> dict:
    var = variable_spec(kind).get(c.get("variable"))
    label = str(var.label) if var else str(c.get("variable") or "—")
    op = str(OPERATOR_LABELS.get(c.get("operator"), (c.get("operator") or "").replace("_", " ")))
    return {"text": f"{label} {op} {value_text(c.get('expected'))}".strip(),
            "actual": mask_text(value_text(c.get("actual"))), "result": bool(c.get("result")),
            "error": bool(c.get("error"))}


TRIGGERS = {"manual": lazy_gettext("escalated by hand"),
            "escalation_rule": lazy_gettext("by an escalation rule"),
            "edit": lazy_gettext("level edited")}


def stage_heading(d) -> str:
    """Why a later decision was taken; at intake, the urgency words the grading heard."""
    if d.stage != "level_change":
        o = d.outcome or {}
        if o.get("urgency_words"):
            return gettext("Urgency words found: %(words)s; urgency used in the score: %(n)s",
                           words=", ".join(o["urgency_words"]), n=o.get("scored_urgency"))
        return ""
    o = d.outcome or {}
    return gettext("Level changed from %(before)s to %(after)s (%(why)s)",
                   before=value_text(o.get("from_level")), after=value_text(o.get("to_level")),
                   why=str(TRIGGERS.get(o.get("trigger"), o.get("trigger") or "—")))


def explain(decisions) -> list[dict]:
    """Per decision stage and rule-set kind: which rule decided, and each condition in words."""
    out = []
    for d in decisions:
        heading = stage_heading(d)
        for index, step in enumerate(d.trace or []):
            kind = step.get("kind")
            rules = [{"rule": r.get("rule"), "matched": bool(r.get("matched")),
                      "conditions": [condition_row(kind, c) for c in r.get("conditions") or []]}
                     for r in step.get("rules") or []]
            out.append({"kind": str(KIND_TITLES.get(kind, kind)), "version": step.get("version"),
                        "heading": heading if index == 0 else "",
                        "fired": list(step.get("fired") or []), "rules": rules,
                        "at": d.at, "stage": d.stage})
    return out
