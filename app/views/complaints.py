from flask import abort, current_app, flash, g, redirect, request, send_file, session, url_for
from flask_appbuilder import action, expose, has_access
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import inspect as sa_inspect
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.validators import DataRequired, Length, Optional

from app.api.visibility import VISIBLE
from app.extensions import db
from app.intelligence.suggest import for_complaint
from app.models import Attachment, Complaint
from app.models.choices import (
    CATEGORIES,
    CHANNELS,
    IMPACTS,
    INTERNAL_ROOT_CAUSES,
    ROOT_CAUSES,
    SERVICE_TYPES,
)
from app.services.access import actor_for
from app.services.complaints import (
    CORRECTABLE,
    DESCRIPTION_MAX,
    EXPECTED_OUTCOME_MAX,
    check_edit,
    check_version,
)
from app.services.errors import DomainError
from app.services.lifecycle import perform
from app.services.reporting.kpis import list_caption
from app.services.screening import COMPLETENESS_LABELS
from app.services.timeline import record_event
from app.services.validation import whole_number
from app.views.base import DomainModelView
from app.views.capped_count import CappedCountInterface
from app.views.complaint_page import screening_of, transfer_targets
from app.views.fields import choice_field, optional_datetime_field, region_field
from app.views.intelligence import page_language
from app.views.kpi_filter import BEHIND_FIGURE
from app.views.registration import customer_search, register_from_form
from app.views.workspace import ACTION_LABELS, workspace_context

ROOT_CAUSE_GROUPS = (
    (_("Internal"), INTERNAL_ROOT_CAUSES),
    (_("External"), tuple(k for k in ROOT_CAUSES if k not in INTERNAL_ROOT_CAUSES)),
)

CATEGORY_SOURCES = {"person": _("set by a person"), "suggested": _("suggested by the model"),
                    "triage": _("none given: to triage")}
SATISFACTION = {5: _("very satisfied"), 4: _("satisfied"), 3: _("neutral"),
                2: _("dissatisfied"), 1: _("very dissatisfied")}
REFUSED_FORM = "pd_refused_action"


def page_suggestions(complaint) -> dict:
    """Similar resolved cases, articles and templates; a failing model never breaks the page."""
    try:
        return for_complaint(db.session, complaint, page_language())
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


def form_to_action(form) -> dict:
    """HTML form fields to an action body: numbers and yes/no as JSON would carry them."""
    body = {}
    for key, value in form.items():
        if key == "csrf_token" or value == "":
            continue
        if key in ("version", "user", "satisfaction", "team"):
            number = whole_number(value)
            body[key] = value if number is None else number
        elif key == "reached":
            body[key] = value == "yes"
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
    datamodel = CappedCountInterface(Complaint)
    base_filters = VISIBLE + BEHIND_FIGURE
    list_template = "complaint_list.html"
    class_permission_name = "Complaint"
    list_title = _("Complaints")
    show_title = _("Complaint")
    add_title = _("Register complaint")
    edit_title = _("Edit complaint")
    list_columns = [
        "number", "received_at", "customer", "channel", "category", "level", "status", "team",
    ]
    # no "customer": its filter would list every customer
    search_columns = [
        "number", "channel", "category", "level", "status", "team", "region",
        "waybill_no", "received_at", "service_type", "impact",
    ]
    add_columns = [
        "customer", "channel", "received_at", "waybill_no", "service_type", "origin_region",
        "destination_region", "region", "outlet", "category", "description",
        "expected_outcome", "impact", "urgency", "declared_value", "team", "anonymous",
    ]
    add_form_extra_fields = {
        "received_at": optional_datetime_field(_("Received at")),
        "channel": choice_field(_("Channel"), CHANNELS),
        "category": SelectField(
            _("Category"), choices=[("", _("(none: let the model suggest, or triage)"))]
            + list(CATEGORIES.items()), validators=[Optional()], widget=Select2Widget()),
        "service_type": choice_field(_("Service type"), SERVICE_TYPES, default="standard"),
        "impact": choice_field(_("Impact"), IMPACTS, default="individual"),
        "origin_region": region_field(_("Origin region")),
        "destination_region": region_field(_("Destination region")),
        "region": region_field(_("Region")),
        "anonymous": BooleanField(_("Anonymous (no customer to name)")),
    }
    # per role: services.complaints.editable_fields; the form names the version it edits
    edit_columns = [*CORRECTABLE, "seen_version"]
    edit_form_extra_fields = {
        "seen_version": HiddenField(),
        "category": choice_field(_("Category"), CATEGORIES),
        "impact": choice_field(_("Impact"), IMPACTS),
    }
    validators_columns = {
        "description": [DataRequired(), Length(max=DESCRIPTION_MAX)],
        "expected_outcome": [Length(max=EXPECTED_OUTCOME_MAX)],
    }
    show_fieldsets = [
        (_("Complaint"), {"fields": [
            "number", "customer", "channel", "received_at", "waybill_no", "service_type",
            "origin_region", "destination_region", "region", "outlet", "category",
            "description", "expected_outcome", "declared_value", "impact", "urgency", "level",
            "status", "team", "assignee", "operator", "is_repeat", "anonymous",
            "late_registration", "tags",
        ]}),
        (_("Service level"), {"fields": [
            "first_response_due_at", "resolution_due_at", "callback_due_at",
            "first_responded_at", "resolved_at", "closed_at", "satisfaction", "root_cause",
        ]}),
    ]
    base_order = ("received_at", "desc")
    description_columns = {
        "category": _("Leave empty to take the model's confident suggestion (marked as "
                      "suggested until a person confirms it); otherwise it goes to triage."),
        "received_at": _("Office time; leave empty for now. Letters and phone logs may be back-dated."),
        "declared_value": _("The parcel's declared (insured) value in CNY, if any."),
    }

    @expose("/list/")
    @has_access
    def list(self):
        """FAB's list, headed by what a figure's link filtered it to."""
        widgets = self._list()
        return self.render_template(self.list_template, title=self.list_title, widgets=widgets,
                                    figure_caption=list_caption(request.args))

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """The complaint workspace (our own page, not FAB's show scaffolding)."""
        complaint = self.datamodel.get(pk, self._base_filters)
        if complaint is None:
            abort(404)
        actor = actor_for(db.session, g.user)
        locale = get_locale()
        context = workspace_context(db.session, complaint, actor, g.user,
                                    show_technical=actor.is_admin,
                                    language=locale.language if locale else "en")
        return self.render_template(
            "complaint_workspace.html", title=f"{complaint.number}", csrf=generate_csrf(),
            teams=transfer_targets(db.session, complaint, g.user),
            screening=screening_of(complaint), missing_labels=COMPLETENESS_LABELS,
            root_causes=ROOT_CAUSES, root_cause_groups=ROOT_CAUSE_GROUPS,
            intel=page_suggestions(complaint), category_sources=CATEGORY_SOURCES,
            satisfaction_labels=SATISFACTION,
            **refused_form_helpers(session.pop(REFUSED_FORM, None)), **context)

    @expose("/show/<int:pk>/evidence/<int:attachment_id>", methods=["GET"])
    @has_access
    def evidence(self, pk, attachment_id):
        """An evidence file, for those who may see its complaint."""
        complaint = self.datamodel.get(pk, self._base_filters)
        attachment = db.session.get(Attachment, attachment_id)
        if complaint is None or attachment is None or attachment.complaint_id != complaint.id:
            abort(404)
        from app.services.attachments import attachment_path

        return send_file(attachment_path(current_app.instance_path, attachment),
                         mimetype=attachment.content_type, download_name=attachment.filename,
                         as_attachment=not attachment.content_type.startswith("image/"))

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        """Registration: our own page (customer search, vocabularies, no level or team);
        the CSRF token is checked before this view (app/forgery.py)."""
        return register_from_form(self)

    @expose("/customers", methods=["GET"])
    @has_access
    def customers(self):
        """Customers matching what is typed in the registration form (JSON)."""
        return customer_search()

    @expose("/act/<pk>/<name>", methods=["POST"])
    @has_access
    def act(self, pk, name):
        """The page's action buttons: the same service as the API."""
        try:  # the CSRF token was checked before this view (app/forgery.py)
            actor = actor_for(db.session, g.user)
            if name == "attach":
                _attach_from_form(pk, actor)
            else:
                perform(db.session, pk, name, form_to_action(request.form), actor)
            flash(_("Done: %(action)s", action=ACTION_LABELS.get(name, name)), "success")
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

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        """FAB's edit form, refused (with the reason) to those who may not edit it."""
        complaint = self.datamodel.get(pk, self._base_filters)
        if complaint is None:
            abort(404)
        try:
            check_edit(actor_for(db.session, g.user), complaint, ())
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for(".show", pk=pk))
        return super().edit(pk)

    def prefill_form(self, form, pk):
        form.seen_version.data = self.datamodel.get(pk).version

    def pre_update(self, item):
        """Only the editable fields, at the version the form showed, and the change on the
        timeline as over the API."""
        state = sa_inspect(item)
        diff = {}
        for name in CORRECTABLE:
            history = state.attrs[name].history
            if history.has_changes():
                diff[name] = [(history.deleted or [None])[0], (history.added or [None])[0]]
        try:
            with db.session.no_autoflush:  # a flush would move the version being checked
                seen = request.form.get("seen_version", "")
                check_version(item, int(seen) if seen.isdigit() and len(seen) < 10 else None)
                check_edit(actor_for(db.session, g.user), item, diff)
        except DomainError:
            db.session.rollback()  # nothing of the refused form stays in the session
            raise
        if diff:
            record_event(db.session, item, "edited", actor_id=g.user.id, details=diff)

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
