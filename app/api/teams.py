from marshmallow import ValidationError, validate

from app.api.base import DomainInterface as SQLAInterface
from app.api.base import DomainRestApi
from app.extensions import db
from app.models import Team
from app.models.choices import ASSIGNMENT_METHODS
from app.services.calendar import check_calendar
from app.services.errors import InvalidInput
from app.services.teams import DESCRIPTION_MAX, check_deletable


def valid_calendar(value) -> None:
    """A working calendar, or none for 24/7 (see services/calendar.py)."""
    try:
        check_calendar(value)
    except InvalidInput as exc:
        raise ValidationError(exc.message) from exc


class TeamApi(DomainRestApi):
    resource_name = "teams"
    class_permission_name = "Team"
    datamodel = SQLAInterface(Team)
    list_columns = show_columns = [
        "id", "name", "name_zh", "description", "lead.id", "lead.username", "members.id",
        "members.username", "assignment_method", "active", "calendar",
    ]
    add_columns = edit_columns = [
        "name", "name_zh", "description", "lead", "members", "assignment_method", "active",
        "calendar",
    ]
    search_columns = ["name", "assignment_method", "active"]
    order_columns = ["id", "name"]
    validators_columns = {
        "name": validate.Length(min=1, max=80),
        "name_zh": validate.Length(max=80),
        "assignment_method": validate.OneOf(list(ASSIGNMENT_METHODS)),
        "calendar": valid_calendar,
        "description": validate.Length(max=DESCRIPTION_MAX),
    }

    def pre_delete(self, item):
        check_deletable(db.session, item)
