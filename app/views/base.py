"""What every page of ours shares: permission names and labels."""

from flask import flash, redirect, request
from flask_appbuilder import ModelView, expose
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.const import FLAMSG_ERR_SEC_ACCESS_DENIED
from flask_babel import lazy_gettext as _

from app.api.visibility import VISIBLE
from app.models import Complaint
from app.models.choices import LEVELS, VOCABULARIES
from app.security import MODEL_VIEW_METHODS
from app.services.privacy.masking import mask_text
from app.timeutil import to_office
from app.views.capped_count import CappedCountInterface
from app.views.labels import LABELS

TIME_COLUMNS = (
    "received_at", "first_response_due_at", "resolution_due_at", "callback_due_at",
    "first_responded_at", "resolved_at", "closed_at", "created_at", "at", "uploaded_at",
)


def office_time(value):
    """Stored in UTC, shown in the office's time zone."""
    return to_office(value).strftime("%Y-%m-%d %H:%M") if value else ""


def yes_no(value) -> str:
    return str(_("Yes") if value else _("No"))


def vocabulary_label(labels: dict):
    """A formatter showing a code's label (codes it does not know are shown as they are)."""
    return lambda code: "" if code is None else str(labels.get(code, code))


class DomainModelView(ModelView):
    method_permission_name = MODEL_VIEW_METHODS
    label_columns = LABELS
    formatters_columns = {
        **{name: office_time for name in TIME_COLUMNS},
        **{name: vocabulary_label(labels) for name, labels in VOCABULARIES.items()},
        "active": yes_no, "enabled": yes_no, "level": vocabulary_label(LEVELS),
        "anonymous": yes_no, "late_registration": yes_no,
        # personal data is masked on every page (services/privacy/masking.py)
        "description": mask_text, "expected_outcome": mask_text,
    }
    page_size = 25
    # FAB's /download/<file> serves its upload folder to any reader; we store no files there
    exclude_route_methods = {"download"}

    # FAB answers list actions on GET at /action/<name>/<pk> and reads the chosen rows
    # without the view's base filters; here actions are POST only (the CSRF token is
    # checked before the view, app/forgery.py) and act only on rows the user may see.
    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name, pk):
        return self._run_action(name, [pk], single=True)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        return self._run_action(request.form.get("action", ""), request.form.getlist("rowid"))

    def _run_action(self, name, pks, single=False):
        if name not in self.actions or not self.appbuilder.sm.has_access(
                self.get_action_permission_name(name), self.class_permission_name):
            flash(as_unicode(FLAMSG_ERR_SEC_ACCESS_DENIED), "danger")
            return redirect(self.get_redirect())
        items = [self.datamodel.get(pk, self._base_filters) for pk in pks
                 if str(pk).isdigit() and int(pk) < 2**63]
        items = [item for item in items if item is not None]
        if single and not items:
            flash(str(_("No such record")), "danger")
            return redirect(self.get_redirect())
        return self.actions[name].func(items[0] if single else items)


class RelatedComplaintsView(DomainModelView):
    """Complaints listed under another record (a customer's history, a team's work);
    subclasses choose the columns. Visibility rules apply as in the main list."""

    datamodel = CappedCountInterface(Complaint)
    show_title = _("Complaint")
    class_permission_name = "Complaint"
    list_title = _("Complaints")
    base_filters = VISIBLE
    # not FAB's default (every column): a "repeat of" filter would list every complaint
    search_columns = ["number", "channel", "category", "level", "status", "received_at"]
    base_order = ("received_at", "desc")
    include_route_methods = {"list", "show"}
