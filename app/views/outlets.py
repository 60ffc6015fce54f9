from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _

from app.models import Outlet
from app.views.base import DomainModelView
from app.views.fields import region_field


class OutletView(DomainModelView):
    """Outlets (网点): admins add and change them, everyone else reads them."""

    datamodel = SQLAInterface(Outlet)
    class_permission_name = "Outlet"
    list_title = _("Outlets")
    show_title = _("Outlet")
    add_title = _("Add outlet")
    edit_title = _("Edit outlet")
    list_columns = show_columns = ["code", "name", "region", "active"]
    add_columns = edit_columns = ["code", "name", "region", "active"]
    search_columns = ["code", "name", "region", "active"]
    add_form_extra_fields = edit_form_extra_fields = {"region": region_field(_("Region"),
                                                                               required=True)}
    base_order = ("code", "asc")
