"""FAB's data access for models with sealed (encrypted) columns.

SQL cannot compare, search or sort ciphertext: "equal to" on a sealed column compares its
blind index instead, and a sealed column without one cannot be searched at all.
"""

from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_babel import lazy_gettext

from app.api.base import DomainInterface
from app.models import Customer
from app.models.types import Sealed
from app.services.privacy import blind_index

# sealed column -> (its blind-index column, how a typed value is hashed)
BLIND_INDEX = {
    (Customer, "name"): (Customer.name_hash, blind_index.name_index),
    (Customer, "phone"): (Customer.phone_hash, blind_index.phone_index),
    (Customer, "email"): (Customer.email_hash, blind_index.email_index),
}


class FilterSealedEqual(BaseFilter):
    name = lazy_gettext("Equal to")
    # FAB maps an operator name to one filter class for every API: "eq" stays FAB's own
    arg_name = "blind_eq"

    def apply(self, query, value):
        column, hashed = BLIND_INDEX[(self.model, self.column_name)]
        return query.filter(column == hashed(str(value)))


class SealedFilterConverter(SQLAFilterConverter):
    conversion_table = (("is_indexed_sealed", [FilterSealedEqual]),
                        ("is_sealed", []),
                        *SQLAFilterConverter.conversion_table)


class SealedInterface(DomainInterface):
    filter_converter_class = SealedFilterConverter

    def is_sealed(self, col_name: str) -> bool:
        column = self.list_columns.get(col_name)
        return column is not None and isinstance(column.type, Sealed)

    def is_indexed_sealed(self, col_name: str) -> bool:
        return self.is_sealed(col_name) and (self.obj, col_name) in BLIND_INDEX

    def get_order_columns_list(self, list_columns=None) -> list[str]:
        return [c for c in super().get_order_columns_list(list_columns)
                if not self.is_sealed(c)]
