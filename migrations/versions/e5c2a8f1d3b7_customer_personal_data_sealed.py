"""customer personal data sealed at rest (AES-GCM) with a blind index

Widens name, phone, e-mail and address for their sealed form, adds the blind index
(keyed hashes of name, phone, e-mail; the phone's last four digits), drops the plaintext
indexes on name and phone, and seals the existing rows. The keys are the app's (PII_KEYS
and PII_INDEX_KEY, or the instance's development keys): Flask-Migrate runs this inside
the app context. Downgrade opens the values again.

Revision ID: e5c2a8f1d3b7
Revises: b7e1c4d2a9f0
Create Date: 2026-11-23 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5c2a8f1d3b7'
down_revision = 'b7e1c4d2a9f0'
branch_labels = None
depends_on = None

PLAIN = {'name': 120, 'phone': 32, 'email': 120, 'address': 255}
INDEXES = ('name_hash', 'phone_hash', 'email_hash', 'phone_last4')
BATCH = 1000


def sealed_length(length):
    return 16 + 1 + 4 * -(-(12 + 4 * length + 16) // 3)


def _rows(bind, customer):
    """Every customer row, in batches by id."""
    last = 0
    while True:
        rows = bind.execute(sa.select(customer).where(customer.c.id > last)
                            .order_by(customer.c.id).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _customer(*extra):
    return sa.table('customer', sa.column('id', sa.Integer),
                    *(sa.column(name, sa.String) for name in (*PLAIN, *extra)))


def _update(bind, customer, values):
    """One executemany per batch: {column: value, '_id': id} per row."""
    if values:
        columns = [name for name in values[0] if name != '_id']
        bind.execute(customer.update().where(customer.c.id == sa.bindparam('_id'))
                     .values({name: sa.bindparam(name) for name in columns}), values)


def upgrade():
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_name'))
        batch_op.drop_index(batch_op.f('ix_customer_phone'))
        for name, length in PLAIN.items():
            batch_op.alter_column(name, existing_type=sa.String(length=length),
                                  type_=sa.String(length=sealed_length(length)))
        for name in INDEXES:
            batch_op.add_column(sa.Column(name, sa.String(length=4 if name == 'phone_last4'
                                                          else 32), nullable=True))

    bind = op.get_bind()
    customer = _customer(*INDEXES)
    for rows in _rows(bind, customer):
        from app.services.privacy.blind_index import index_columns
        from app.services.privacy.crypto import keyring

        ring = keyring()
        sealed = []
        for row in rows:
            values = {name: None if getattr(row, name) is None else ring.seal(getattr(row, name))
                      for name in PLAIN}
            sealed.append({**values, **index_columns(row.name, row.phone, row.email),
                           '_id': row.id})
        _update(bind, customer, sealed)

    with op.batch_alter_table('customer', schema=None) as batch_op:
        for name in INDEXES:
            batch_op.create_index(batch_op.f(f'ix_customer_{name}'), [name], unique=False)


def downgrade():
    bind = op.get_bind()
    customer = _customer()
    for rows in _rows(bind, customer):
        from app.services.privacy.crypto import keyring

        ring = keyring()
        _update(bind, customer, [
            {**{name: None if getattr(row, name) is None else ring.open(getattr(row, name))
                for name in PLAIN}, '_id': row.id} for row in rows])

    with op.batch_alter_table('customer', schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(batch_op.f(f'ix_customer_{name}'))
            batch_op.drop_column(name)
        for name, length in PLAIN.items():
            batch_op.alter_column(name, existing_type=sa.String(length=sealed_length(length)),
                                  type_=sa.String(length=length))
        batch_op.create_index(batch_op.f('ix_customer_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_name'), ['name'], unique=False)
