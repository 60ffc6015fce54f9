from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from app.api.sealed import SealedInterface
from app.api.visibility import VISIBLE_CUSTOMERS
from app.extensions import db
from app.models import Customer
from app.models.choices import CUSTOMER_KINDS
from app.services.access import actor_for
from app.services.privacy import rights
from app.services.privacy.access_log import record_access
from app.services.privacy.masking import mask_address, mask_email, mask_name, mask_phone
from app.views.base import DomainModelView, RelatedComplaintsView, vocabulary_label
from app.views.fields import region_field

PERSONAL = ("name", "phone", "email", "address")
EDIT_FORM_REASON = "Opened the edit form to correct the customer's data"


class CustomerComplaintsView(RelatedComplaintsView):
    """A customer's complaint history, shown as a related list."""

    list_columns = ["number", "received_at", "category", "level", "status", "team"]


class CustomerView(DomainModelView):
    """Customers with a complaint the user may see, their personal data masked; the show
    page has the reveal button for those who may use it. Personal data is corrected by an
    admin (the edit form shows it in full); a customer with complaints is never deleted."""

    datamodel = SealedInterface(Customer)
    class_permission_name = "Customer"
    base_filters = VISIBLE_CUSTOMERS
    list_title = _("Customers")
    show_title = _("Customer")
    add_title = _("Add customer")
    edit_title = _("Edit customer")
    show_template = "customer_show.html"
    list_columns = ["name", "kind", "phone", "province", "city", "tier"]
    # name, phone and e-mail are sealed: "equal to" on their blind index (never fragments,
    # which would uncover masked values piece by piece), no sorting
    search_columns = ["name", "kind", "phone", "email", "province", "city", "tier"]
    order_columns = ["kind", "province", "city", "tier"]
    add_columns = edit_columns = [
        "name", "kind", "phone", "email", "address", "province", "city", "tier",
    ]
    show_columns = add_columns + ["created_at"]
    formatters_columns = {**DomainModelView.formatters_columns,
                          "kind": vocabulary_label(CUSTOMER_KINDS),
                          "name": lambda v: mask_name(v, None), "phone": mask_phone,
                          "email": mask_email, "address": mask_address}
    add_form_extra_fields = edit_form_extra_fields = {"province": region_field(_("Region"))}
    base_order = ("id", "desc")
    related_views = [CustomerComplaintsView]

    def pre_add(self, item):
        item.province = item.province or None  # the select's empty choice

    pre_update = pre_add

    def pre_delete(self, item):
        rights.refuse_delete(db.session, item.id)

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        actor = actor_for(db.session, g.user)
        if not actor.is_admin:
            flash(gettext("Only an admin corrects a customer's personal data"), "danger")
            return redirect(url_for("CustomerView.show", pk=pk))
        customer = db.session.get(Customer, int(pk)) if str(pk).isdigit() else None
        if request.method == "GET" and customer is not None:
            # the form shows the values in full: that is a reveal, and it is logged as one
            record_access(db.session, actor=actor, action="reveal", customer_id=customer.id,
                          fields=PERSONAL, reason=EDIT_FORM_REASON,
                          address=request.remote_addr)
            db.session.commit()
        return super().edit(pk)


def may_reveal(customer_id) -> bool:
    """For the templates: whether the signed-in user sees the reveal button."""
    return rights.may_reveal(db.session, customer_id, actor_for(db.session, g.user))
