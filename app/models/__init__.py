"""All models, imported here so that Alembic and the app see the whole schema."""

from app.models.complaint import (
    Attachment,
    Complaint,
    ComplaintEvent,
    ComplaintSequence,
    MailTemplate,
    Notification,
    SurveyToken,
)
from app.models.customer import Customer
from app.models.policy import (
    Alert,
    Decision,
    EscalationMark,
    JobRun,
    JobSetting,
    RuleHit,
    RuleSetDraft,
    RuleSetVersion,
    SchedulerLease,
    Webhook,
)
from app.models.report import KpiDaily, KpiRollupDay, MonthlyReport
from app.models.team import Team, team_member

__all__ = [
    "Alert",
    "EscalationMark",
    "JobRun",
    "JobSetting",
    "SchedulerLease",
    "Webhook",
    "Attachment",
    "Complaint",
    "ComplaintEvent",
    "ComplaintSequence",
    "Customer",
    "Decision",
    "MailTemplate",
    "MonthlyReport",
    "KpiDaily",
    "KpiRollupDay",
    "Notification",
    "SurveyToken",
    "RuleHit",
    "RuleSetDraft",
    "RuleSetVersion",
    "Team",
    "team_member",
]
