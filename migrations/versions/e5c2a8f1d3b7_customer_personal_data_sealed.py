"""personal data sealed at rest (AES-GCM) with a blind index for customers

Widens the customer's name, phone, e-mail and address and the outbox's recipient and
subject for their sealed form, adds the customer's blind index (keyed hashes of name,
phone, e-mail; the phone's last four digits), drops the plaintext indexes on name and
phone, and seals the existing rows (the outbox's bodies too: a customer's mail names
them). The keys are the app's (PII_KEYS and PII_INDEX_KEY, or the instance's development
keys): Flask-Migrate runs this inside the app context. Downgrade opens the values again.

Revision ID: e5c2a8f1d3b7
Revises: d4a8f2c6e1b3
Create Date: 2026-11-23 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5c2a8f1d3b7'
down_revision = 'd4a8f2c6e1b3'
branch_labels = None
depends_on = None

# table -> sealed column -> its plaintext length (None: Text, unchanged)
SEALED = {
    'customer': {'name': 120, 'phone': 32, 'email': 120, 'address': 255},
    'notification': {'recipient': 255, 'subject': 200, 'body': None, 'html': None},
}
INDEXES = ('name_hash', 'phone_hash', 'email_hash', 'phone_last4')
BATCH = 1000


def sealed_length(length):
    return 16 + 1 + 4 * -(-(12 + 4 * length + 16) // 3)


def _table(name, *extra):
    return sa.table(name, sa.column('id', sa.Integer),
                    *(sa.column(c, sa.String) for c in (*SEALED[name], *extra)))


def _batches(bind, tbl):
    last = 0
    while True:
        rows = bind.execute(sa.select(tbl).where(tbl.c.id > last)
                            .order_by(tbl.c.id).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _update(bind, tbl, values):
    """One executemany per batch: {column: value, '_id': id} per row."""
    if values:
        columns = [name for name in values[0] if name != '_id']
        bind.execute(tbl.update().where(tbl.c.id == sa.bindparam('_id'))
                     .values({name: sa.bindparam(name) for name in columns}), values)


def _convert(table_name, change, extra=lambda row: {}):
    bind = op.get_bind()
    tbl = _table(table_name, *(INDEXES if table_name == 'customer' else ()))
    for rows in _batches(bind, tbl):
        _update(bind, tbl, [
            {**{c: None if getattr(row, c) is None else change(getattr(row, c))
                for c in SEALED[table_name]}, **extra(row), '_id': row.id} for row in rows])


def _widen(table_name, sealed):
    with op.batch_alter_table(table_name, schema=None) as batch_op:
        for name, length in SEALED[table_name].items():
            if length is not None:
                old, new = sa.String(length=length), sa.String(length=sealed_length(length))
                batch_op.alter_column(name, existing_type=new if not sealed else old,
                                      type_=old if not sealed else new)


def upgrade():
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_name'))
        batch_op.drop_index(batch_op.f('ix_customer_phone'))
        for name in INDEXES:
            batch_op.add_column(sa.Column(name, sa.String(length=4 if name == 'phone_last4'
                                                          else 32), nullable=True))
    for table_name in SEALED:
        _widen(table_name, sealed=True)

    from app.services.privacy.blind_index import index_columns
    from app.services.privacy.crypto import keyring

    def seal(value):
        return keyring().seal(value)

    _convert('customer', seal, lambda row: index_columns(row.name, row.phone, row.email))
    _convert('notification', seal)

    with op.batch_alter_table('customer', schema=None) as batch_op:
        for name in INDEXES:
            batch_op.create_index(batch_op.f(f'ix_customer_{name}'), [name], unique=False)


def downgrade():
    from app.services.privacy.crypto import keyring

    def unseal(value):
        return keyring().open(value)

    for table_name in SEALED:
        _convert(table_name, unseal)
        _widen(table_name, sealed=False)
    with op.batch_alter_table('customer', schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(batch_op.f(f'ix_customer_{name}'))
            batch_op.drop_column(name)
        batch_op.create_index(batch_op.f('ix_customer_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_name'), ['name'], unique=False)
