"""access log: reveals, exports and erasures of customers' personal data

Revision ID: a1c3e5f7b9d0
Revises: b7e1c4d2a9f0
Create Date: 2026-11-23 20:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c3e5f7b9d0'
down_revision = 'b7e1c4d2a9f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=256), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('fields', sa.String(length=255), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_customer_at', ['customer_id', 'at'], unique=False)
        batch_op.create_index('ix_access_log_actor_at', ['actor_id', 'at'], unique=False)
        batch_op.create_index('ix_access_log_at', ['at'], unique=False)


def downgrade():
    op.drop_table('access_log')
