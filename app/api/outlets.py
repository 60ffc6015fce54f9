from flask_babel import gettext
from marshmallow import validate

from app.api.base import DomainInterface as SQLAInterface
from app.api.base import DomainRestApi
from app.models import Outlet
from app.reference.regions import region_code, unknown_region
from app.services.errors import InvalidInput


class OutletApi(DomainRestApi):
    """Outlets (网点): admins add and change them; everyone else reads them."""

    resource_name = "outlets"
    class_permission_name = "Outlet"
    datamodel = SQLAInterface(Outlet)
    list_columns = show_columns = ["id", "code", "name", "region", "active"]
    add_columns = edit_columns = ["code", "name", "region", "active"]
    search_columns = ["code", "name", "region", "active"]
    order_columns = ["id", "code", "name", "region"]
    validators_columns = {
        "code": validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9\-_]{0,19}$",
                                error="is 1-20 letters, digits, '-' or '_'"),
        "name": validate.Length(min=1, max=120),
    }

    def pre_add(self, item):
        item.region = normalise_region(item.region, required=True)

    pre_update = pre_add


def normalise_region(value, *, field="region", required=False):
    """The code of the region given by code or name; refused with a "did you mean"."""
    if value in (None, ""):
        if required:
            raise InvalidInput(gettext("%(field)s is required", field=field), field=field)
        return None
    code = region_code(value)
    if code is None:
        raise InvalidInput(f"{field}: {unknown_region(value)}", field=field)
    return code
