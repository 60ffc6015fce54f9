"""Key rotation: re-seal every personal-data value under the newest key, in batches.

Procedure (README, Personal data at rest): put the new key first in PII_KEYS and keep the
old ones after it, restart every process (they now seal with the new key and still open
the old values), run `flask --app run pii rotate-key`, then drop the old key. Each batch
commits on its own and a row changed meanwhile is left alone (its new value is already
under the new key), so the desk keeps working throughout.
"""

from dataclasses import dataclass, field

from flask_appbuilder import Model
from sqlalchemy import and_, bindparam, column, not_, or_, select, table
from sqlalchemy.engine import Engine

from app.models.types import Sealed
from app.services.privacy.crypto import Keyring

PASSES = 3


@dataclass
class RotationReport:
    key_id: str
    values: dict[str, int] = field(default_factory=dict)  # "table.column" -> re-sealed
    rows: int = 0
    changed_meanwhile: int = 0


def sealed_columns() -> dict[str, list[str]]:
    """Every sealed column of the schema, by table."""
    found = {}
    for tbl in Model.metadata.sorted_tables:
        names = [c.name for c in tbl.columns if isinstance(c.type, Sealed)]
        if names:
            found[tbl.name] = names
    return found


def _stale(columns, prefix: str):
    return or_(*(and_(c.isnot(None), not_(c.startswith(prefix, autoescape=True)))
                 for c in columns))


def rotate(engine: Engine, ring: Keyring, batch: int = 500, echo=lambda _line: None
           ) -> RotationReport:
    report = RotationReport(key_id=ring.current_id)
    for table_name, names in sealed_columns().items():
        raw = table(table_name, column("id"), *(column(n) for n in names))  # no decryption
        for _pass in range(PASSES):  # again over rows changed meanwhile, if any
            skipped = report.changed_meanwhile
            _one_pass(engine, ring, raw, names, batch, report)
            echo(f"{table_name}: {report.rows} rows re-sealed so far")
            if report.changed_meanwhile == skipped:
                break
    return report


def _one_pass(engine, ring: Keyring, raw, names: list[str], batch: int,
              report: RotationReport) -> None:
    prefix = f"{ring.current_id}:"
    # Only a row still as it was read is written: a change made meanwhile is kept.
    unchanged = and_(raw.c.id == bindparam("_id"),
                     *(raw.c[n].is_not_distinct_from(bindparam(f"_old_{n}")) for n in names))
    update = raw.update().where(unchanged).values({n: bindparam(f"_new_{n}") for n in names})
    last = 0
    while True:
        with engine.begin() as conn:  # one commit per batch
            rows = conn.execute(select(raw).where(raw.c.id > last,
                                                  _stale([raw.c[n] for n in names], prefix))
                                .order_by(raw.c.id).limit(batch)).all()
            if not rows:
                return
            for row in rows:
                params, stale = {"_id": row.id}, []
                for n in names:
                    old = getattr(row, n)
                    params[f"_old_{n}"] = params[f"_new_{n}"] = old
                    if old is not None and not old.startswith(prefix):
                        params[f"_new_{n}"] = ring.seal(ring.open(old))
                        stale.append(f"{raw.name}.{n}")
                if conn.execute(update, params).rowcount != 1:
                    report.changed_meanwhile += 1
                    continue
                report.rows += 1
                for name in stale:
                    report.values[name] = report.values.get(name, 0) + 1
            last = rows[-1].id
