"""What every page of ours shares: permission names and labels."""

from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _

from app.api.visibility import VISIBLE
from app.models import Complaint
from app.models.choices import VOCABULARIES
from app.security import MODEL_VIEW_METHODS
from app.timeutil import to_office
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
        "active": yes_no, "enabled": yes_no, "anonymous": yes_no, "late_registration": yes_no,
    }
    page_size = 25


class RelatedComplaintsView(DomainModelView):
    """Complaints listed under another record (a customer's history, a team's work);
    subclasses choose the columns. Visibility rules apply as in the main list."""

    datamodel = SQLAInterface(Complaint)
    class_permission_name = "Complaint"
    list_title = _("Complaints")
    base_filters = VISIBLE
    base_order = ("received_at", "desc")
    include_route_methods = {"list", "show"}
