from flask import request
from flask_appbuilder.api import expose, protect, safe
from marshmallow import validate

from app.api.base import DomainRestApi
from app.api.errors import domain_errors
from app.api.outlets import normalise_region
from app.api.sealed import SealedInterface
from app.extensions import db
from app.models import Customer
from app.models.choices import CUSTOMER_KINDS, CUSTOMER_TIERS
from app.security import REST_API_METHODS
from app.services.customers import lookup_customers

FIELDS = ["name", "kind", "phone", "email", "address", "province", "city", "tier"]


class CustomerApi(DomainRestApi):
    resource_name = "customers"
    class_permission_name = "Customer"
    method_permission_name = {**REST_API_METHODS, "lookup": "read"}
    datamodel = SealedInterface(Customer)
    list_columns = show_columns = ["id", *FIELDS]
    add_columns = edit_columns = FIELDS
    # name, phone and e-mail are sealed: searched by "equal to" on their blind index only
    search_columns = [f for f in FIELDS if f != "address"]
    order_columns = ["id", "province", "tier"]
    validators_columns = {
        "name": validate.Length(min=1, max=120),
        "kind": validate.OneOf(list(CUSTOMER_KINDS)),
        "tier": validate.OneOf(list(CUSTOMER_TIERS)),
        "email": validate.Email(error="is not a valid e-mail address"),
        "phone": validate.Regexp(r"^\+?[0-9][0-9 \-]{4,30}$", error="is not a valid phone number"),
    }

    def pre_add(self, item):
        """The region is stored as its code; the API takes the code or either name."""
        item.province = normalise_region(item.province, field="province")

    pre_update = pre_add

    @expose("/lookup", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def lookup(self):
        """Customers with exactly this phone (any spelling; a +86 prefix is dropped) or
        e-mail, found through the blind index (the table is never decrypted to search)."""
        found = lookup_customers(db.session, phone=request.args.get("phone"),
                                 email=request.args.get("email"))
        return self.response(200, count=len(found), ids=[c.id for c in found],
                             result=self.list_model_schema.dump(found, many=True))
