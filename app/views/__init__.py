"""Pages and menus."""

from flask import current_app
from flask_babel import lazy_gettext as _

from app.reference.regions import region_name
from app.services.privacy.masking import mask_name, mask_text
from app.views.audit import TITLES as AUDIT_TITLES
from app.views.audit import AuditView
from app.views.complaints import ComplaintView
from app.views.customers import CustomerComplaintsView, CustomerView, may_reveal
from app.views.intelligence import KnowledgeArticleView, TextModelView
from app.views.jobs import AlertView, JobRunView, JobSettingView, OpenAlertView, WebhookView
from app.views.mail import MailTemplateView, ReplyTemplateView
from app.views.outlets import OutletView
from app.views.performance import PAGE_TITLES, PerformanceView
from app.views.policy import KIND_TITLES, PolicyView
from app.views.sign_in import SignInAttemptView
from app.views.teams import TeamComplaintsView, TeamView
from app.views.work import QUEUE_TITLES, WorkView


def register_views(appbuilder) -> None:
    # pages show a region's name in the user's language, never its code
    current_app.jinja_env.filters["region_name"] = region_name
    # personal data on our pages is masked by default (services/privacy/masking.py)
    current_app.jinja_env.globals["customer_may_reveal"] = may_reveal
    current_app.jinja_env.filters["mask_text"] = lambda text: mask_text(text) if text else ""
    current_app.jinja_env.filters["customer_name"] = (
        lambda customer: mask_name(customer.name, customer.kind) if customer else "—")
    for related in (CustomerComplaintsView, TeamComplaintsView):
        appbuilder.add_view_no_menu(related)
    appbuilder.add_view(ComplaintView, "Complaints", label=_("Complaints"), icon="fa-inbox",
                        category="Work", category_label=_("Work"), category_icon="fa-briefcase")
    appbuilder.add_link("New complaint", href="/complaintview/add", label=_("New complaint"),
                        icon="fa-plus", category="Work", baseview=ComplaintView)
    appbuilder.add_view(CustomerView, "Customers", label=_("Customers"), icon="fa-user",
                        category="Work")
    appbuilder.add_view(TeamView, "Teams", label=_("Teams"), icon="fa-users", category="Work")
    appbuilder.add_view(OutletView, "Outlets", label=_("Outlets"), icon="fa-building",
                        category="Work")
    appbuilder.add_view_no_menu(WorkView)
    for view in ("mine", "team", "at_risk", "overdue"):
        appbuilder.add_link(f"work-{view}", href=f"/work/{view}", label=QUEUE_TITLES[view],
                            icon="fa-tasks", category="My work", category_label=_("My work"),
                            category_icon="fa-list", baseview=WorkView)
    appbuilder.add_view(MailTemplateView, "Mail templates", label=_("Mail templates"),
                        icon="fa-envelope", category="Security")
    appbuilder.add_view(SignInAttemptView, "Sign-ins", label=_("Sign-ins"), icon="fa-sign-in",
                        category="Security")
    appbuilder.add_view(OpenAlertView, "Open alerts", label=_("Open alerts"), icon="fa-bell",
                        category="Monitoring", category_label=_("Monitoring"),
                        category_icon="fa-heartbeat")
    appbuilder.add_view(AlertView, "All alerts", label=_("All alerts"), icon="fa-bell-o",
                        category="Monitoring")
    appbuilder.add_view(JobRunView, "Job runs", label=_("Job runs"), icon="fa-history",
                        category="Monitoring")
    appbuilder.add_view(JobSettingView, "Job intervals", label=_("Job intervals"),
                        icon="fa-clock-o", category="Monitoring")
    appbuilder.add_view(WebhookView, "Webhooks", label=_("Webhooks"), icon="fa-plug",
                        category="Monitoring")
    appbuilder.add_view_no_menu(PerformanceView)
    for page, icon in (("dashboard", "fa-tachometer"), ("assessment", "fa-users"),
                       ("analysis", "fa-bar-chart")):
        appbuilder.add_link(f"performance-{page}", href=f"/performance/{page}",
                            label=PAGE_TITLES[page], icon=icon, category="Performance",
                            category_label=_("Performance"), category_icon="fa-line-chart",
                            baseview=PerformanceView)
    appbuilder.add_view(KnowledgeArticleView, "Knowledge base", label=_("Knowledge base"),
                        icon="fa-book", category="Knowledge", category_label=_("Knowledge"),
                        category_icon="fa-lightbulb-o")
    appbuilder.add_view(ReplyTemplateView, "Reply templates", label=_("Reply templates"),
                        icon="fa-comment-o", category="Knowledge")
    appbuilder.add_view(TextModelView, "Text model", label=_("Text model"),
                        icon="fa-line-chart", category="Knowledge")
    appbuilder.add_view_no_menu(PolicyView)
    for kind, title in KIND_TITLES.items():
        appbuilder.add_link(f"policy-{kind}", href=f"/policy/{kind}", label=title,
                            icon="fa-sliders", category="Policy", category_label=_("Policy"),
                            category_icon="fa-gavel", baseview=PolicyView)
    appbuilder.add_view_no_menu(AuditView)
    for name, endpoint, icon in (("Audit trail", "/audit/trail", "fa-history"),
                                 ("Access log", "/audit/access", "fa-eye")):
        key = "trail" if endpoint.endswith("trail") else "access_log"
        appbuilder.add_link(name, href=endpoint, label=AUDIT_TITLES[key], icon=icon,
                            category="Audit", category_label=_("Audit"),
                            category_icon="fa-shield", baseview=AuditView)
