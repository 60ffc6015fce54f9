from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_appbuilder import action, expose, has_access
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.csrf import ValidationError, generate_csrf, validate_csrf
from wtforms import SelectField
from wtforms.validators import Optional

from app.api.visibility import VISIBLE
from app.extensions import db
from app.intelligence.suggest import for_complaint
from app.models import Attachment, Complaint, ComplaintEvent
from app.models.choices import CATEGORIES, CHANNELS, IMPACTS, SERVICE_TYPES
from app.services.access import actor_for
from app.services.complaints import decisions_of
from app.services.errors import DomainError
from app.services.intake import register_complaint
from app.services.lifecycle import RESOLUTION_KINDS, perform
from app.timeutil import office_zone
from app.views.base import DomainModelView
from app.views.complaint_page import available_actions, linked, sla_strip
from app.views.fields import choice_field, optional_datetime_field


class ComplaintEventView(DomainModelView):
    """The timeline, shown under a complaint."""

    datamodel = SQLAInterface(ComplaintEvent)
    class_permission_name = "Complaint"
    list_columns = ["at", "kind", "actor", "details"]
    base_order = ("at", "asc")
    include_route_methods = {"list"}


class ComplaintAttachmentView(DomainModelView):
    datamodel = SQLAInterface(Attachment)
    class_permission_name = "Complaint"
    list_columns = ["filename", "kind", "size", "uploaded_at"]
    include_route_methods = {"list"}


STAGE_LABELS = {"first_response": _("First response"), "resolution": _("Resolution"),
                "callback": _("Callback")}
SLA_STATE_LABELS = {"met": _("met"), "breached": _("breached"), "overdue": _("overdue"),
                    "at_risk": _("at risk"), "running": _("running"), "paused": _("paused"),
                    "waiting": _("not started")}
RESOLUTION_NAMES = {"apology": _("Apology"), "compensation": _("Compensation"),
                    "redelivery": _("Redelivery"), "rectification": _("Rectification"),
                    "penalty": _("Penalty"), "explanation": _("Explanation")}
KIND_LABELS = {"grading": _("Level"), "routing": _("Team"), "sla": _("Deadlines")}


CATEGORY_SOURCES = {"person": _("set by a person"), "suggested": _("suggested by the model"),
                    "triage": _("none given: to triage")}
SATISFACTION = {5: _("very satisfied"), 4: _("satisfied"), 3: _("neutral"),
                2: _("dissatisfied"), 1: _("very dissatisfied")}
REFUSED_FORM = "pd_refused_action"


def page_suggestions(complaint) -> dict:
    """Similar resolved cases, articles and templates; a failing model never breaks the page."""
    try:
        return for_complaint(db.session, complaint)
    except Exception:  # noqa: BLE001 - logged, the page shows no suggestions
        current_app.logger.exception("suggestions for complaint %s failed", complaint.id)
        return {"similar": [], "articles": [], "templates": [], "prediction": None}


def refused_form_helpers(refused: dict | None) -> dict:
    """`typed(action, field)` and `chosen(action, field, value)` for the complaint page:
    the values of the action form that was just refused, for that form only."""
    action, values = (refused or {}).get("action"), (refused or {}).get("values", {})

    def typed(name, field):
        return values.get(field, "") if name == action else ""

    def chosen(name, field, value):
        return "selected" if name == action and values.get(field) == str(value) else ""

    return {"typed": typed, "chosen": chosen}


def form_to_intake(form_data: dict) -> dict:
    """WTForms gives objects and naive office-time datetimes; intake takes ids and UTC."""
    data = {}
    for key, value in form_data.items():
        if key in {"csrf_token"} or value in (None, ""):
            continue
        if key in {"customer", "team"}:
            value = value.id
        elif key == "received_at":
            value = value.replace(tzinfo=office_zone())
        data[key] = value
    return data


def form_to_action(form) -> dict:
    """HTML form fields to an action body: numbers and yes/no as JSON would carry them."""
    body = {}
    for key, value in form.items():
        if key == "csrf_token" or value == "":
            continue
        if key in ("version", "user", "satisfaction"):
            body[key] = int(value) if value.lstrip("-").isdigit() else value
        elif key == "reached":
            body[key] = value == "yes"
        elif key == "amount":
            try:
                body[key] = float(value)
            except ValueError:
                body[key] = value
        else:
            body[key] = value
    return body


def _attach_from_form(pk, actor):
    from app.services.attachments import attach_evidence

    attach_evidence(db.session, pk, actor, request.form.get("version"),
                    request.files.get("file"), missing_file=gettext("choose a file to attach"),
                    instance_path=current_app.instance_path,
                    max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"])


class ComplaintView(DomainModelView):
    datamodel = SQLAInterface(Complaint)
    base_filters = VISIBLE
    class_permission_name = "Complaint"
    list_title = _("Complaints")
    show_title = _("Complaint")
    add_title = _("Register complaint")
    edit_title = _("Edit complaint")
    list_columns = [
        "number", "received_at", "customer", "channel", "category", "level", "status", "team",
    ]
    search_columns = [
        "number", "customer", "channel", "category", "level", "status", "team", "region",
        "waybill_no", "received_at", "service_type", "impact",
    ]
    add_columns = [
        "customer", "channel", "received_at", "waybill_no", "service_type", "origin_region",
        "destination_region", "region", "category", "description", "expected_outcome",
        "impact", "urgency", "team",
    ]
    add_form_extra_fields = {
        "received_at": optional_datetime_field(_("Received at")),
        "channel": choice_field(_("Channel"), CHANNELS),
        "category": SelectField(
            _("Category"), choices=[("", _("(none: let the model suggest, or triage)"))]
            + list(CATEGORIES.items()), validators=[Optional()], widget=Select2Widget()),
        "service_type": choice_field(_("Service type"), SERVICE_TYPES, default="standard"),
        "impact": choice_field(_("Impact"), IMPACTS, default="individual"),
    }
    edit_columns = ["team", "level", "category", "description", "expected_outcome", "impact"]
    show_fieldsets = [
        (_("Complaint"), {"fields": [
            "number", "customer", "channel", "received_at", "waybill_no", "service_type",
            "origin_region", "destination_region", "region", "category", "description",
            "expected_outcome", "impact", "urgency", "level", "status", "team", "assignee",
            "operator", "is_repeat", "tags",
        ]}),
        (_("Service level"), {"fields": [
            "first_response_due_at", "resolution_due_at", "callback_due_at",
            "first_responded_at", "resolved_at", "closed_at", "satisfaction",
        ]}),
    ]
    base_order = ("received_at", "desc")
    related_views = [ComplaintEventView, ComplaintAttachmentView]
    show_template = "complaint_show.html"
    add_template = "complaint_add.html"
    description_columns = {
        "category": _("Leave empty to take the model's confident suggestion (marked as "
                      "suggested until a person confirms it); otherwise it goes to triage."),
        "received_at": _("Office time; leave empty for now. Letters and phone logs may be back-dated."),
    }

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """FAB's show page plus actions, the SLA strip, linked complaints and the
        "why this team / level / deadline" panel."""
        complaint = self.datamodel.get(pk, self._base_filters)
        if complaint is None:
            abort(404)
        widgets = self._show(pk)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, complaint=complaint,
            decisions=decisions_of(complaint), kind_labels=KIND_LABELS,
            actions=available_actions(complaint), strip=sla_strip(complaint),
            **refused_form_helpers(session.pop(REFUSED_FORM, None)),
            linked=linked(db.session, complaint), csrf=generate_csrf(),
            resolution_kinds=RESOLUTION_KINDS, kind_names=RESOLUTION_NAMES,
            stage_labels=STAGE_LABELS, state_labels=SLA_STATE_LABELS,
            categories=CATEGORIES, intel=page_suggestions(complaint),
            category_sources=CATEGORY_SOURCES, satisfaction_labels=SATISFACTION,
        )

    @expose("/act/<pk>/<name>", methods=["POST"])
    @has_access
    def act(self, pk, name):
        """The page's action buttons: the same service as the API."""
        try:
            if current_app.config.get("WTF_CSRF_ENABLED", True):
                validate_csrf(request.form.get("csrf_token"))
            actor = actor_for(db.session, g.user)
            if name == "attach":
                _attach_from_form(pk, actor)
            else:
                perform(db.session, pk, name, form_to_action(request.form), actor)
            flash(_("Done: %(action)s", action=name.replace("_", " ")), "success")
        except ValidationError:
            flash(_("The form expired; please try again."), "danger")
        except DomainError as exc:
            db.session.rollback()
            if exc.status == 404:
                abort(404)
            details = "; ".join(f"{k}: {v}" for k, v in (exc.details or {}).items()
                                if isinstance(exc.details, dict))
            flash(exc.message + (f" ({details})" if details else ""), "danger")
            # shown again in the same form after the redirect, so nothing typed is lost
            session[REFUSED_FORM] = {"action": name, "values": {
                k: v for k, v in request.form.items() if k not in ("csrf_token", "version")}}
        return redirect(url_for(".show", pk=pk))

    @action("claim_selected", _("Claim"), _("Claim the selected complaints?"), "fa-hand-paper-o")
    def claim_selected(self, items):
        """Bulk claim from a list: each complaint is claimed at the version shown."""
        actor = actor_for(db.session, g.user)
        items = items if isinstance(items, list) else [items]
        done, refused = 0, []
        for item in items:
            try:
                perform(db.session, item.id, "claim", {"version": item.version}, actor)
                done += 1
            except DomainError as exc:
                db.session.rollback()
                refused.append(f"{item.number}: {exc.message}")
        flash(_("Claimed %(n)d complaint(s)", n=done), "success" if done else "warning")
        for message in refused:
            flash(message, "warning")
        return redirect(self.get_redirect())

    def _add(self):
        """Register through the intake service, the same path as the API."""
        from flask import request

        form = self.add_form.refresh()
        if request.method == "POST" and form.validate():
            try:
                complaint = register_complaint(
                    db.session, form_to_intake(form.data), actor_id=g.user.id
                )
            except DomainError as exc:
                db.session.rollback()
                for field, message in (exc.details or {exc.field or "": exc.message}).items():
                    flash(f"{field}: {message}" if field else str(message), "danger")
                return self._get_add_widget(form=form)
            flash(_("Complaint %(number)s registered", number=complaint.number), "success")
            return None
        return self._get_add_widget(form=form)
