from marshmallow import validate

from app.api.base import DomainInterface as SQLAInterface
from app.api.base import DomainRestApi
from app.models import Team
from app.models.choices import ASSIGNMENT_METHODS


class TeamApi(DomainRestApi):
    resource_name = "teams"
    class_permission_name = "Team"
    datamodel = SQLAInterface(Team)
    list_columns = show_columns = [
        "id", "name", "description", "lead.id", "lead.username", "members.id",
        "members.username", "assignment_method", "active",
    ]
    add_columns = edit_columns = [
        "name", "description", "lead", "members", "assignment_method", "active",
    ]
    search_columns = ["name", "assignment_method", "active"]
    order_columns = ["id", "name"]
    validators_columns = {
        "name": validate.Length(min=1, max=80),
        "assignment_method": validate.OneOf(list(ASSIGNMENT_METHODS)),
    }
