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
from app.models.intelligence import KnowledgeArticle, ReplyTemplate, TextModel
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
    "KnowledgeArticle",
    "ReplyTemplate",
    "TextModel",
    "Decision",
    "MailTemplate",
    "Notification",
    "SurveyToken",
    "RuleHit",
    "RuleSetDraft",
    "RuleSetVersion",
    "Team",
    "team_member",
]
