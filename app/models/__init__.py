"""All models, imported here so that Alembic and the app see the whole schema."""

from app.models.access_log import AccessLog
from app.models.audit import AuditRecord
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
from app.models.intelligence import KnowledgeArticle, TextModel
from app.models.next_check import swept  # noqa: F401 - registers the hooks
from app.models.outlet import Outlet
from app.models.permission_stamp import PermissionStamp
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
from app.models.reply import ReplyTemplate
from app.models.report import KpiDaily, KpiRollupDay, MonthlyReport
from app.models.sign_in import SignInAttempt
from app.models.team import Team, team_member

__all__ = [
    "AccessLog",
    "AuditRecord",
    "PermissionStamp",
    "ReplyTemplate",
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
    "MonthlyReport",
    "KpiDaily",
    "KpiRollupDay",
    "Notification",
    "Outlet",
    "SurveyToken",
    "RuleHit",
    "RuleSetDraft",
    "RuleSetVersion",
    "SignInAttempt",
    "Team",
    "team_member",
]
