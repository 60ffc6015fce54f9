"""outbox claims (several senders) and the scheduler's heartbeat

Revision ID: b7e2c94d1f30
Revises: b7e2c41d9a10
Create Date: 2026-11-23 16:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c94d1f30'
down_revision = 'b7e2c41d9a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))

    with op.batch_alter_table('scheduler_lease', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('scheduler_lease', schema=None) as batch_op:
        batch_op.drop_column('renewed_at')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
