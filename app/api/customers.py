from types import SimpleNamespace

from flask import request
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext
from marshmallow import validate

from app.api.base import DomainRestApi
from app.api.errors import domain_errors
from app.api.outlets import normalise_region
from app.api.sealed import SealedInterface
from app.api.visibility import VISIBLE_CUSTOMERS, current_actor
from app.extensions import db
from app.models import Customer
from app.models.choices import CUSTOMER_KINDS, CUSTOMER_TIERS
from app.security import REST_API_METHODS
from app.services.customers import lookup_customers
from app.services.errors import InvalidInput
from app.services.privacy import rights
from app.services.privacy.masking import masked_customer

FIELDS = ["name", "kind", "phone", "email", "address", "province", "city", "tier"]


def mask_row(row: dict) -> None:
    """A customer as the API shows it: personal fields masked (reveal shows them)."""
    if "name" in row or "phone" in row:
        item = SimpleNamespace(**{k: row.get(k) for k in ("name", "kind", "phone", "email",
                                                            "address")})
        row.update({k: v for k, v in masked_customer(item).items()
                    if k in row and row[k] is not None})


def reason_from_body() -> str:
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise InvalidInput(gettext("send a JSON object with the reason"), field="reason")
    reason = body.get("reason")
    if not isinstance(reason, str):
        raise InvalidInput(gettext("A reason is required"), field="reason")
    return reason


class CustomerApi(DomainRestApi):
    resource_name = "customers"
    class_permission_name = "Customer"
    # reveal is checked per customer and role, export and erase are the admin's (services)
    method_permission_name = {**REST_API_METHODS, "reveal": "read", "export": "read",
                              "erase": "read", "lookup": "read"}
    base_filters = VISIBLE_CUSTOMERS
    datamodel = SealedInterface(Customer)
    list_columns = show_columns = ["id", *FIELDS]
    add_columns = edit_columns = FIELDS
    # name, phone and e-mail are sealed: searched by "equal to" on their blind index only
    # (never by fragments, which would uncover masked values piece by piece)
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

    def pre_get(self, data: dict) -> None:
        mask_row(data["result"])

    def pre_get_list(self, data: dict) -> None:
        for row in data["result"]:
            mask_row(row)

    def pre_delete(self, item):
        rights.refuse_delete(db.session, item.id)

    @expose("/<pk>/reveal", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def reveal(self, pk):
        """The customer's name, phone, e-mail and address in full; `reason` is required
        and recorded in the access log."""
        result = rights.reveal(db.session, pk, current_actor(), reason_from_body(),
                               address=request.remote_addr)
        return self.response(200, result=result)

    @expose("/<pk>/export", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def export(self, pk):
        """Everything held about the person as JSON (admins); the reason is the `reason`
        query parameter or the X-Reason header, recorded in the access log."""
        reason = request.args.get("reason") or request.headers.get("X-Reason") or ""
        result = rights.export_person(db.session, pk, current_actor(), reason,
                                      address=request.remote_addr)
        return self.response(200, result=result)

    @expose("/<pk>/erase", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def erase(self, pk):
        """Replace the person's data with a marker (admins; `reason` required); refused
        with 409 while a complaint of theirs is open."""
        customer = rights.erase(db.session, pk, current_actor(), reason_from_body(),
                                address=request.remote_addr)
        return self.response(200, result={"id": customer.id, "erased": True})

    @expose("/lookup", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def lookup(self):
        """Customers with exactly this phone (any spelling; a +86 prefix is dropped) or
        e-mail, found through the blind index (the table is never decrypted to search);
        masked like every answer of this API."""
        found = lookup_customers(db.session, phone=request.args.get("phone"),
                                 email=request.args.get("email"))
        rows = self.list_model_schema.dump(found, many=True)
        for row in rows:
            mask_row(row)
        return self.response(200, count=len(found), ids=[c.id for c in found], result=rows)
