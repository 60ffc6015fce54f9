from flask import flash, g
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _

from app.extensions import db
from app.models import Attachment, Complaint, ComplaintEvent
from app.models.choices import CATEGORIES, CHANNELS, IMPACTS, SERVICE_TYPES
from app.services.complaints import decisions_of
from app.services.errors import DomainError
from app.services.intake import register_complaint
from app.timeutil import office_zone
from app.views.base import DomainModelView
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


KIND_LABELS = {"grading": _("Level"), "routing": _("Team"), "sla": _("Deadlines")}


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


class ComplaintView(DomainModelView):
    datamodel = SQLAInterface(Complaint)
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
        "category": choice_field(_("Category"), CATEGORIES),
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
    description_columns = {
        "received_at": _("Office time; leave empty for now. Letters and phone logs may be back-dated."),
    }

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """FAB's show page plus the "why this team / level / deadline" panel."""
        widgets = self._show(pk)
        complaint = self.datamodel.get(pk, self._base_filters)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views,
            decisions=decisions_of(complaint) if complaint else [],
            kind_labels=KIND_LABELS,
        )

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
