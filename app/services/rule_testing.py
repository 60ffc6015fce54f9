""""Test one complaint": which rules match, condition by condition, for a draft or the
published version. Reads only."""

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.intelligence.sentiment import negative_sentiment
from app.models import Complaint
from app.models.choices import OPEN_STATUSES
from app.policy import store
from app.policy.catalog import variable_spec
from app.policy.engine import evaluate
from app.services import validation as v
from app.services.complaints import get_complaint
from app.services.decide import run_intake_rules
from app.services.facts import complaints_before, escalation_facts, intake_variables
from app.timeutil import utcnow

INTAKE_KINDS = ("grading", "routing", "sla")


def _facts_from_fields(kind: str, fields: dict) -> dict:
    """Validate hand-filled variables against the kind's variable table."""
    if not isinstance(fields, dict):
        raise v.InvalidInput(gettext("fields must be an object"), field="fields")
    p = v.Problems()
    specs = variable_spec(kind)
    facts = {}
    for name, var in specs.items():
        value = fields.get(name)
        if value is None:
            facts[name] = None
        elif var.type.name in ("choice", "region"):
            options = list(var.options)
            if options not in (["teams"], ["outlets"]) and value not in options:
                p.add(name, gettext("must be one of: %(values)s", values=", ".join(options)))
            facts[name] = value
        elif var.type.name in ("number", "duration"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                p.add(name, gettext("must be a number"))
            facts[name] = value
        elif var.type.name == "boolean":
            if not isinstance(value, bool):
                p.add(name, gettext("must be true or false"))
            facts[name] = value
        else:
            if not isinstance(value, str):
                p.add(name, gettext("must be text"))
            facts[name] = value
    for name in fields:
        if name not in specs:
            p.add(name, gettext("is not a variable of this rule set"))
    p.raise_if_any(gettext("The test complaint is not valid"))
    defaults = {"urgency": 1, "impact": "individual", "customer_tier": "ordinary",
                "service_type": "standard", "status": "new", "description": "",
                "waybill_no": "", "is_repeat": False, "hours_open": 0.0,
                "customer_complaints_30d": 0, "region": "", "channel": "web",
                "origin_region": "", "destination_region": "", "outlet": "",
                "anonymous": False, "late_registration": False, "is_duplicate": False,
                "category": "other", "predicted_category": "", "prediction_confidence": 0.0}
    for key, value in defaults.items():
        if facts.get(key) is None and key in specs:
            facts[key] = value
    if "negative_sentiment" in specs and facts.get("negative_sentiment") is None:
        facts["negative_sentiment"] = negative_sentiment(facts.get("description"))
    return facts


def _stored_intake_facts(session: Session, complaint: Complaint) -> dict:
    """What intake saw when this complaint was registered."""
    return intake_variables(
        complaint, tier=complaint.customer.tier if complaint.customer else None,
        is_repeat=complaint.is_repeat,
        outlet=complaint.outlet.code if complaint.outlet else None,
        complaints_30d=complaints_before(session, complaint.customer_id,
                                         complaint.received_at) if complaint.customer_id else 0)


def try_rules(session: Session, kind: str, *, rules=None, parameters=None, complaint_id=None,
             fields=None, viewer=None, now=None) -> dict:
    """`viewer` (an access.Actor): a complaint it may not see does not exist for it."""
    now = now or utcnow()
    store.check_kind(kind)
    candidate = (store.compile_draft(session, kind, rules, parameters) if rules is not None
                 else store.compiled(session, kind))
    if complaint_id is None and fields is None:
        raise v.InvalidInput(gettext("give a complaint id or the complaint's fields"), field="complaint")
    complaint = get_complaint(session, complaint_id, viewer) if complaint_id is not None else None

    if kind in INTAKE_KINDS:
        facts = (_stored_intake_facts(session, complaint) if complaint
                 else _facts_from_fields(kind, fields))
        sets = {k: (candidate if k == kind else store.compiled(session, k))
                for k in INTAKE_KINDS}
        decision = run_intake_rules(sets["grading"], sets["routing"], sets["sla"], facts)
        minutes, hours, days = decision.sla
        return {"kind": kind, "draft": rules is not None, "level": decision.level,
                "team": decision.team, "tags": decision.tags,
                "sla": {"first_response_minutes": minutes, "resolution_hours": hours,
                        "callback_days": days},
                "stages": decision.trace()}
    if kind == "escalation":
        if complaint is None:
            facts = _facts_from_fields(kind, fields)
        else:
            open_count = session.execute(select(func.count()).select_from(Complaint).where(
                Complaint.customer_id == complaint.customer_id,
                Complaint.status.in_(OPEN_STATUSES))).scalar()
            complaint.customer_tier = (complaint.customer.tier if complaint.customer
                                       else "ordinary")
            facts = escalation_facts(complaint, now, team_name=complaint.team.name
                                     if complaint.team else None, customer_open=open_count,
                                     outlet=complaint.outlet.code if complaint.outlet else None)
    else:
        facts = _facts_from_fields(kind, fields or {})
    out = evaluate(candidate, facts)
    return {"kind": kind, "draft": rules is not None, "facts": _plain(facts),
            "stages": [{"kind": kind, "version": out.version, "fired": out.fired,
                        "decisions": out.decisions, "rules": out.trace}]}


def _plain(facts: dict) -> dict:
    return {k: val for k, val in facts.items() if not callable(val)}
