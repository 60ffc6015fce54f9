from flask_babel import lazy_gettext as _

from app.api.sealed import SealedInterface
from app.models import Customer
from app.models.choices import CUSTOMER_KINDS
from app.views.base import DomainModelView, RelatedComplaintsView, vocabulary_label
from app.views.fields import region_field


class CustomerComplaintsView(RelatedComplaintsView):
    """A customer's complaint history, shown as a related list."""

    list_columns = ["number", "received_at", "category", "level", "status", "team"]


class CustomerView(DomainModelView):
    datamodel = SealedInterface(Customer)
    class_permission_name = "Customer"
    list_title = _("Customers")
    show_title = _("Customer")
    add_title = _("Add customer")
    edit_title = _("Edit customer")
    list_columns = ["name", "kind", "phone", "province", "city", "tier"]
    # name, phone and e-mail are sealed: "equal to" on their blind index, no sorting
    search_columns = ["name", "kind", "phone", "email", "province", "city", "tier"]
    order_columns = ["kind", "province", "city", "tier"]
    add_columns = edit_columns = [
        "name", "kind", "phone", "email", "address", "province", "city", "tier",
    ]
    show_columns = add_columns + ["created_at"]
    formatters_columns = {**DomainModelView.formatters_columns,
                          "kind": vocabulary_label(CUSTOMER_KINDS)}
    add_form_extra_fields = edit_form_extra_fields = {"province": region_field(_("Region"))}
    base_order = ("id", "desc")
    related_views = [CustomerComplaintsView]

    def pre_add(self, item):
        item.province = item.province or None  # the select's empty choice

    pre_update = pre_add
