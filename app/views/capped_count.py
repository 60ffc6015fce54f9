"""Complaint lists count at most 10,000 rows.

Flask-AppBuilder counts every matching row for the pager ("Record Count"); over a team's
half a million complaints that count cost more than the rest of the page. The list
counts up to the cap and shows "10,000+" beyond it; filters narrow it down.
"""

from flask_appbuilder.models.sqla.interface import SQLAInterface

COUNT_CAP = 10_000


class AtLeast(int):
    """A count known only to be at least this: shown as "10,000+", computed with as an int
    (pages, page sizes)."""

    def __str__(self) -> str:
        return f"{int(self):,}+"


class CappedCountInterface(SQLAInterface):
    def query_count(self, query, filters=None, select_columns=None) -> int:
        inner = self._apply_inner_all(query, filters, select_columns=select_columns,
                                      aliases_mapping={})
        primary_key = getattr(self.obj, self.get_pk_name())
        count = inner.with_entities(primary_key).limit(COUNT_CAP + 1).count()
        return AtLeast(COUNT_CAP) if count > COUNT_CAP else count
