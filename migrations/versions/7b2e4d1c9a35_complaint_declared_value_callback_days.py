"""complaint declared value (CNY) and callback days

Revision ID: 7b2e4d1c9a35
Revises: 5e0b7c2d9a41
Create Date: 2026-11-23 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b2e4d1c9a35'
down_revision = '5e0b7c2d9a41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declared_value', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('callback_days', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_column('callback_days')
        batch_op.drop_column('declared_value')
