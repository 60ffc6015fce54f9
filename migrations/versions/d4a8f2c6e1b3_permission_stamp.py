"""permission stamp: a version counter that invalidates cached role permissions

Revision ID: d4a8f2c6e1b3
Revises: c9d1e3f5a7b2
Create Date: 2026-11-23 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a8f2c6e1b3'
down_revision = 'c9d1e3f5a7b2'
branch_labels = None
depends_on = None


def upgrade():
    stamp = op.create_table('permission_stamp',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(stamp, [{'id': 1, 'version': 0}])


def downgrade():
    op.drop_table('permission_stamp')
