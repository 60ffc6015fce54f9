from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _

from app.api.visibility import VISIBLE
from app.models import Complaint, Customer
from app.views.base import DomainModelView


class CustomerComplaintsView(DomainModelView):
    """A customer's complaint history, shown as a related list."""

    datamodel = SQLAInterface(Complaint)
    class_permission_name = "Complaint"
    base_filters = VISIBLE
    list_columns = ["number", "received_at", "category", "level", "status", "team"]
    base_order = ("received_at", "desc")
    include_route_methods = {"list", "show"}


class CustomerView(DomainModelView):
    datamodel = SQLAInterface(Customer)
    class_permission_name = "Customer"
    list_title = _("Customers")
    show_title = _("Customer")
    add_title = _("Add customer")
    edit_title = _("Edit customer")
    list_columns = ["name", "kind", "phone", "province", "city", "tier"]
    search_columns = ["name", "kind", "phone", "email", "province", "city", "tier"]
    add_columns = edit_columns = [
        "name", "kind", "phone", "email", "address", "province", "city", "tier",
    ]
    show_columns = add_columns + ["created_at"]
    base_order = ("name", "asc")
    related_views = [CustomerComplaintsView]
