"""Alerts, job runs, job intervals and webhooks."""

from flask import flash, g, redirect
from flask_appbuilder import action
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _
from wtforms.validators import DataRequired, NumberRange

from app.extensions import db
from app.models import Alert, JobRun, JobSetting, Webhook
from app.models.choices import ALERT_STATES, JOB_NAMES, JOB_STATUSES, SEVERITIES
from app.services import alerts
from app.services.errors import DomainError
from app.views.base import DomainModelView, office_time, vocabulary_label


class AlertView(DomainModelView):
    datamodel = SQLAInterface(Alert)
    show_title = _("Alert")
    class_permission_name = "Alert"
    list_title = _("Alerts")
    list_columns = ["severity", "state", "scope_type", "scope", "message", "count", "last_seen"]
    search_columns = ["severity", "state", "scope_type", "scope", "rule"]
    show_columns = ["rule", "severity", "state", "scope_type", "scope", "message", "figures",
                    "first_seen", "last_seen", "count", "acknowledged_by", "acknowledged_at",
                    "resolved_at"]
    base_order = ("last_seen", "desc")
    include_route_methods = {"list", "show", "action", "action_post"}
    label_columns = {"severity": _("Severity"), "state": _("State"), "scope_type": _("Scope type"),
                     "scope": _("Scope"), "message": _("Message"), "count": _("Times seen"),
                     "last_seen": _("Last seen"), "first_seen": _("First seen"),
                     "rule": _("Rule"), "figures": _("Figures")}
    formatters_columns = {**DomainModelView.formatters_columns,
                          "first_seen": office_time, "last_seen": office_time,
                          "severity": vocabulary_label(SEVERITIES),
                          "state": vocabulary_label(ALERT_STATES)}

    def _each(self, items, change, done_label):
        items = items if isinstance(items, list) else [items]
        for item in items:
            try:
                change(item)
            except DomainError as exc:
                db.session.rollback()
                flash(f"{item.scope}: {exc.message}", "warning")
        flash(done_label, "success")
        return redirect(self.get_redirect())

    @action("acknowledge", _("Acknowledge"), None, "fa-check")
    def acknowledge(self, items):
        return self._each(items, lambda a: alerts.acknowledge(db.session, a.id, g.user.id),
                          _("Acknowledged"))

    @action("resolve", _("Resolve"), None, "fa-check-circle")
    def resolve(self, items):
        return self._each(items, lambda a: alerts.resolve(db.session, a.id), _("Resolved"))


class OpenAlertView(AlertView):
    base_filters = [["state", FilterEqual, "open"]]


class JobRunView(DomainModelView):
    datamodel = SQLAInterface(JobRun)
    show_title = _("Job run")
    class_permission_name = "JobRun"
    list_title = _("Job runs")
    list_columns = ["job", "status", "started_at", "finished_at", "evaluated", "actions", "holder"]
    show_columns = list_columns + ["details", "error"]
    search_columns = ["job", "status"]
    base_order = ("started_at", "desc")
    include_route_methods = {"list", "show"}
    formatters_columns = {**DomainModelView.formatters_columns, "started_at": office_time,
                          "finished_at": office_time, "status": vocabulary_label(JOB_STATUSES),
                          "job": vocabulary_label(JOB_NAMES)}
    label_columns = {"job": _("Job"), "status": _("Status"), "started_at": _("Started"),
                     "finished_at": _("Finished"), "evaluated": _("Evaluated"),
                     "actions": _("Actions"), "holder": _("Scheduler"), "details": _("Details"),
                     "error": _("Error")}


class JobSettingView(DomainModelView):
    datamodel = SQLAInterface(JobSetting)
    edit_title = _("Edit job interval")
    class_permission_name = "JobSetting"
    list_title = _("Job intervals")
    list_columns = edit_columns = ["job", "interval_seconds", "enabled"]
    edit_columns = ["interval_seconds", "enabled"]
    include_route_methods = {"list", "edit"}
    formatters_columns = {**DomainModelView.formatters_columns, "job": vocabulary_label(JOB_NAMES)}
    label_columns = {"job": _("Job"), "interval_seconds": _("Every (seconds)"),
                     "enabled": _("Enabled")}
    # checked on the form, so a refused value stays on it with the reason
    validators_columns = {"interval_seconds": [
        DataRequired(), NumberRange(min=5, message=_("The interval must be at least 5 seconds"))]}


class WebhookView(DomainModelView):
    datamodel = SQLAInterface(Webhook)
    show_title = _("Webhook")
    add_title = _("Add webhook")
    edit_title = _("Edit webhook")
    class_permission_name = "Webhook"
    list_title = _("Webhooks")
    list_columns = ["name", "url", "active"]
    add_columns = edit_columns = ["name", "url", "secret", "active"]
    show_columns = ["name", "url", "active"]
    label_columns = {"name": _("Name"), "url": _("URL"), "secret": _("Signing secret"),
                     "active": _("Active")}
