"""The domain's fixed vocabularies (docs/policy.md), with labels for the UI."""

from flask_babel import lazy_gettext as _

from app.reference.regions import REGION_LABELS

CHANNELS = {
    "phone": _("Phone hotline"),
    "web": _("Web form"),
    "wechat": _("WeChat / messaging"),
    "social": _("Social media"),
    "email": _("E-mail"),
    "chat": _("Online chat"),
    "app": _("Mobile app"),
    "letter": _("Letter"),
    "onsite": _("On-site visit"),
    "partner": _("Partner platform"),
}
CATEGORIES = {
    "delay": _("Delay"),
    "damage": _("Damage"),
    "loss": _("Loss"),
    "wrong_delivery": _("Wrong or missed delivery"),
    "staff_attitude": _("Staff attitude"),
    "pickup": _("Pickup problem"),
    "fee_dispute": _("Fee dispute"),
    "tracking": _("Tracking information"),
    "privacy": _("Privacy / data leak"),
    "other": _("Other"),
}
SERVICE_TYPES = {
    "standard": _("Standard"),
    "express": _("Express"),
    "cold_chain": _("Cold chain"),
    "valuables": _("Valuables"),
}
IMPACTS = {"individual": _("Individual"), "group": _("Group"), "wide": _("Wide")}
LEVELS = {1: _("1 minor"), 2: _("2 general"), 3: _("3 important"), 4: _("4 urgent"), 5: _("5 major")}
STATUSES = {
    "new": _("New"),
    "assigned": _("Assigned"),
    "in_progress": _("In progress"),
    "waiting_customer": _("Waiting for customer"),
    "resolved": _("Resolved"),
    "closed": _("Closed"),
    "reopened": _("Reopened"),
}
OPEN_STATUSES = ("new", "assigned", "in_progress", "waiting_customer", "reopened")
CUSTOMER_KINDS = {"person": _("Person"), "company": _("Company")}
CUSTOMER_TIERS = {"ordinary": _("Ordinary"), "key": _("Key account")}
ASSIGNMENT_METHODS = {
    "manual": _("Manual"),
    "round_robin": _("Round robin"),
    "least_loaded": _("Least loaded"),
}
LANGUAGES = {"zh": _("Chinese"), "en": _("English")}
# Why a complaint happened, recorded when it is resolved: internal causes the office can
# fix itself, external ones it can only mitigate (DOMAIN.md's root-cause view).
ROOT_CAUSES = {
    "staff": _("Staff"),
    "process": _("Process"),
    "outlet": _("Outlet"),
    "system": _("System"),
    "customer": _("Customer"),
    "weather": _("Weather"),
    "third_party": _("Third party"),
}
INTERNAL_ROOT_CAUSES = ("staff", "process", "outlet", "system")
ATTACHMENT_KINDS = {"photo": _("Photo"), "recording": _("Recording"), "document": _("Document")}

SEVERITIES = {"info": _("Information"), "warning": _("Warning"), "critical": _("Critical")}
ALERT_STATES = {"open": _("Open"), "acknowledged": _("Acknowledged"), "resolved": _("Resolved")}
JOB_STATUSES = {"running": _("Running"), "ok": _("Succeeded"), "failed": _("Failed")}
JOB_NAMES = {"escalation": _("Escalation sweep"), "warnings": _("Early warning"),
             "outbox": _("Mail and webhook delivery"),
             "retention": _("Erasure after the retention period")}

# The columns that hold a vocabulary's code, by column name: pages and the rule editor
# show the label, the database and the rules keep the code.
VOCABULARIES = {
    "channel": CHANNELS, "category": CATEGORIES, "status": STATUSES, "impact": IMPACTS,
    "service_type": SERVICE_TYPES, "root_cause": ROOT_CAUSES, "tier": CUSTOMER_TIERS,
    "assignment_method": ASSIGNMENT_METHODS,
    "region": REGION_LABELS, "origin_region": REGION_LABELS, "destination_region": REGION_LABELS,
    "province": REGION_LABELS,
}
