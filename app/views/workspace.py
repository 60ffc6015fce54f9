"""The complaint workspace: everything an agent needs on one page, in words.

Header (number, status, level, category, team, assignee, the three SLA clocks), the
conversation with the customer, internal notes, the timeline as sentences, the customer
panel, evidence, and the "why" panel. Actions come from `allowed_actions`, the same list
the API returns."""

from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from app.models import Attachment, Complaint, ComplaintEvent
from app.models.choices import (
    CATEGORIES,
    CHANNELS,
    CUSTOMER_KINDS,
    CUSTOMER_TIERS,
    IMPACTS,
    LANGUAGES,
    LEVELS,
    SERVICE_TYPES,
    STATUSES,
)
from app.services.allowed import allowed_actions
from app.services.complaints import decisions_of
from app.services.lifecycle import RESOLUTION_KINDS, needs_approval
from app.services.privacy.masking import mask_name, masked_customer
from app.services.replies import replies_for
from app.timeutil import to_office, utcnow
from app.views.complaint_page import sla_strip
from app.views.timeline_text import (
    RESOLUTION_KINDS as RESOLUTION_NAMES,
)
from app.views.timeline_text import (
    Names,
    conversation,
    display_name,
    notes,
    team_label,
    timeline,
)
from app.views.why_text import explain

ACTION_LABELS = {
    "claim": lazy_gettext("Claim"), "assign": lazy_gettext("Assign"),
    "transfer": lazy_gettext("Transfer to team"), "escalate": lazy_gettext("Escalate"),
    "merge": lazy_gettext("Merge into the original"),
    "change_category": lazy_gettext("Change or confirm category"),
    "respond": lazy_gettext("Reply to customer"), "note": lazy_gettext("Add internal note"),
    "wait_customer": lazy_gettext("Wait for customer"), "resume": lazy_gettext("Resume"),
    "propose_resolution": lazy_gettext("Propose resolution"),
    "approve_resolution": lazy_gettext("Approve resolution"), "resolve": lazy_gettext("Resolve"),
    "callback": lazy_gettext("Record callback"), "close": lazy_gettext("Close"),
    "reopen": lazy_gettext("Reopen"), "attach": lazy_gettext("Attach evidence"),
}
STAGE_LABELS = {"first_response": lazy_gettext("First response"),
                "resolution": lazy_gettext("Resolution"), "callback": lazy_gettext("Callback")}
TAG_LABELS = {"at_risk": lazy_gettext("at risk"), "priority": lazy_gettext("priority"),
              "urgent-keyword": lazy_gettext("alarming words")}
STATUS_STYLES = {"new": "info", "assigned": "primary", "in_progress": "primary",
                 "waiting_customer": "default", "resolved": "success", "closed": "default",
                 "reopened": "warning"}


def clock_text(s: dict) -> tuple[str, str]:
    """(style, words) for one SLA clock."""
    state, left = s["state"], s["text"]
    if state == "met":
        return "success", gettext("done in time")
    if state == "breached":
        return "danger", gettext("done late")
    if state == "overdue":
        return "danger", gettext("overdue by %(time)s", time=left)
    if state == "paused":
        return "default", gettext("paused, %(time)s left", time=left)
    if state == "at_risk":
        return "warning", gettext("%(time)s left", time=left)
    if state == "running":
        return "info", gettext("%(time)s left", time=left)
    return "default", gettext("not started")


def label(mapping, code) -> str:
    if code is None or code == "":
        return "—"
    return str(mapping.get(code, code))


def customer_panel(session, c: Complaint) -> dict:
    customer = c.customer
    others = []
    if customer is not None:
        others = list(session.execute(
            select(Complaint).where(Complaint.customer_id == customer.id, Complaint.id != c.id)
            .order_by(Complaint.received_at.desc()).limit(10)).scalars())
    waybill = []
    if c.waybill_no:
        waybill = list(session.execute(
            select(Complaint).where(Complaint.waybill_no == c.waybill_no, Complaint.id != c.id)
            .order_by(Complaint.received_at.desc()).limit(10)).scalars())
    return {"customer": customer, "others": others, "waybill": waybill,
            "masked": masked_customer(customer) if customer is not None else {},
            "kind": label(CUSTOMER_KINDS, getattr(customer, "kind", None)),
            "tier": label(CUSTOMER_TIERS, getattr(customer, "tier", None))}


def workspace_context(session, c: Complaint, actor, user, *, show_technical: bool,
                      language: str = "zh") -> dict:
    events = list(session.execute(select(ComplaintEvent).where(
        ComplaintEvent.complaint_id == c.id).order_by(ComplaintEvent.at, ComplaintEvent.id))
        .scalars())
    names = Names(session, events, extra_user_ids=[c.assignee_id, c.resolution_approved_by_id])
    customer = customer_panel(session, c)
    customer_name = (mask_name(customer["customer"].name, customer["customer"].kind)
                     if customer["customer"] else gettext("Customer"))
    clocks = []
    for s in sla_strip(c, utcnow()):
        style, words = clock_text(s)
        clocks.append({**s, "style": style, "words": words,
                       "label": str(STAGE_LABELS[s["stage"]])})
    actions = allowed_actions(c, actor)
    return {
        "complaint": c, "actions": actions, "action_labels": ACTION_LABELS, "clocks": clocks,
        "status_label": label(STATUSES, c.status), "status_style": STATUS_STYLES.get(c.status, "default"),
        "level_label": label(LEVELS, c.level), "category_label": label(CATEGORIES, c.category),
        "channel_label": label(CHANNELS, c.channel),
        "service_label": label(SERVICE_TYPES, c.service_type),
        "impact_label": label(IMPACTS, c.impact),
        "team_name": team_label(c.team) if c.team else "—",
        "assignee_name": display_name(c.assignee) if c.assignee else gettext("nobody yet"),
        "received": to_office(c.received_at),
        "tags": [str(TAG_LABELS.get(t, t)) for t in (c.tags or [])],
        "conversation": conversation(c, events, names, customer_name),
        "notes": notes(events, names),
        "timeline": timeline(events, names, show_technical=show_technical),
        "customer_panel": customer, "statuses": STATUSES, "categories": CATEGORIES,
        "attachments": list(session.execute(select(Attachment).where(
            Attachment.complaint_id == c.id).order_by(Attachment.uploaded_at)).scalars()),
        "why": explain(decisions_of(c)),
        "resolution_kinds": RESOLUTION_KINDS, "kind_names": RESOLUTION_NAMES,
        "resolution_name": label(RESOLUTION_NAMES, c.resolution_kind),
        "needs_approval": bool(c.resolution_kind) and needs_approval(c),
        "approver": names.user(c.resolution_approved_by_id) if c.resolution_approved_by_id else "",
        "members": [(m.id, display_name(m)) for m in (c.team.members if c.team else [])
                    if m.active],
        "to_office": to_office, "languages": LANGUAGES,
        "replies": replies_for(session, c, language, display_name(user)) if "respond" in actions
        else [],
    }
