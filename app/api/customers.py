from marshmallow import validate

from app.api.base import DomainInterface as SQLAInterface
from app.api.base import DomainRestApi
from app.api.outlets import normalise_region
from app.models import Customer
from app.models.choices import CUSTOMER_KINDS, CUSTOMER_TIERS

FIELDS = ["name", "kind", "phone", "email", "address", "province", "city", "tier"]


class CustomerApi(DomainRestApi):
    resource_name = "customers"
    class_permission_name = "Customer"
    datamodel = SQLAInterface(Customer)
    list_columns = show_columns = ["id", *FIELDS]
    add_columns = edit_columns = FIELDS
    search_columns = FIELDS
    order_columns = ["id", "name", "province", "tier"]
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
