from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _
from wtforms.validators import Length

from app.extensions import db
from app.models import Team
from app.services.teams import DESCRIPTION_MAX, check_deletable
from app.views import calendar_fields
from app.views.base import DomainModelView, RelatedComplaintsView


class TeamComplaintsView(RelatedComplaintsView):
    """A team's complaints, shown as a related list."""

    list_columns = ["number", "received_at", "category", "level", "status", "assignee"]


class TeamView(DomainModelView):
    datamodel = SQLAInterface(Team)
    class_permission_name = "Team"
    list_title = _("Teams")
    show_title = _("Team")
    add_title = _("Add team")
    edit_title = _("Edit team")
    list_columns = ["name", "name_zh", "lead", "assignment_method", "active"]
    search_columns = ["name", "assignment_method", "active", "lead"]
    add_columns = edit_columns = [
        "name", "name_zh", "description", "lead", "members", "assignment_method", "active",
        *calendar_fields.FIELDS,
    ]
    add_form_extra_fields = edit_form_extra_fields = calendar_fields.CALENDAR_FIELDS
    show_columns = ["name", "name_zh", "description", "lead", "members", "assignment_method", "active",
                    "calendar"]
    label_columns = {**DomainModelView.label_columns, "calendar": _("Working calendar")}
    formatters_columns = {
        **DomainModelView.formatters_columns,
        "calendar": calendar_fields.describe,
        "members": lambda users: ", ".join(str(u) for u in users) or "—",
        "lead": lambda user: str(user) if user else "—",
    }
    base_order = ("name", "asc")
    related_views = [TeamComplaintsView]
    validators_columns = {"description": [Length(max=DESCRIPTION_MAX)]}

    def prefill_form(self, form, pk):
        calendar_fields.fill(form, self.datamodel.get(pk).calendar)

    def pre_add(self, item):
        item.calendar = calendar_fields.calendar_from(item)

    pre_update = pre_add

    def pre_delete(self, item):
        check_deletable(db.session, item)  # refused with the reason, shown on the page
