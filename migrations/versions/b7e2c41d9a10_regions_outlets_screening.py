"""regions as GB/T 2260 codes, outlets, screening at intake

Region columns held free text (the demo's English province names, or anything typed);
they now hold the region's code. Known names (Chinese or English) are mapped to their
code; values that name no region of China are cleared (they could not be used by any
rule or report).

Revision ID: b7e2c41d9a10
Revises: 7b2e4d1c9a35
Create Date: 2026-11-23 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.reference.regions import region_code


# revision identifiers, used by Alembic.
revision = 'b7e2c41d9a10'
down_revision = '7b2e4d1c9a35'
branch_labels = None
depends_on = None

REGION_COLUMNS = (("complaint", "region"), ("complaint", "origin_region"),
                  ("complaint", "destination_region"), ("customer", "province"))


def _codes_for_regions():
    bind = op.get_bind()
    for table, column in REGION_COLUMNS:
        values = bind.execute(sa.text(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")).scalars().all()
        for value in values:
            code = region_code(value)
            if code != value:
                bind.execute(sa.text(f"UPDATE {table} SET {column} = :code WHERE {column} = :value"),
                             {"code": code, "value": value})


def upgrade():
    op.create_table('outlet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('outlet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outlet_region'), ['region'], unique=False)

    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.alter_column('customer_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('outlet_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('anonymous', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('late_registration', sa.Boolean(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('duplicate_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('completeness', sa.Float(), nullable=True))
        batch_op.create_index(batch_op.f('ix_complaint_outlet_id'), ['outlet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_duplicate_of_id'), ['duplicate_of_id'],
                              unique=False)
        batch_op.create_foreign_key('fk_complaint_outlet_id_outlet', 'outlet', ['outlet_id'], ['id'])
        batch_op.create_foreign_key('fk_complaint_duplicate_of_id_complaint', 'complaint',
                                    ['duplicate_of_id'], ['id'])
    _codes_for_regions()


def downgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_constraint('fk_complaint_duplicate_of_id_complaint', type_='foreignkey')
        batch_op.drop_constraint('fk_complaint_outlet_id_outlet', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_complaint_duplicate_of_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_outlet_id'))
        batch_op.drop_column('completeness')
        batch_op.drop_column('duplicate_of_id')
        batch_op.drop_column('late_registration')
        batch_op.drop_column('anonymous')
        batch_op.drop_column('outlet_id')
        batch_op.alter_column('customer_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('outlet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outlet_region'))
    op.drop_table('outlet')
