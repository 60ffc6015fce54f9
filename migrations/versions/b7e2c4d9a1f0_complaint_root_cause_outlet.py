"""complaint root cause and outlet, index for the KPI figures

Revision ID: b7e2c4d9a1f0
Revises: 21da9dc198e3
Create Date: 2026-11-23 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c4d9a1f0'
down_revision = '21da9dc198e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('root_cause', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('outlet', sa.String(length=60), nullable=True))
        batch_op.create_index('ix_complaint_team_received', ['team_id', 'received_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_team_received')
        batch_op.drop_column('outlet')
        batch_op.drop_column('root_cause')
