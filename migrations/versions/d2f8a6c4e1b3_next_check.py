"""the escalation sweep's next check per complaint, and per escalation rule set version

Revision ID: d2f8a6c4e1b3
Revises: c5a9d3e1f7b2
Create Date: 2026-11-23 20:30:00.000000

Existing complaints keep NULL: until the sweep has looked at every open complaint under
the current escalation version (rule_set_version.checks_derived_at, NULL here too), a pass
evaluates them all, in batches, and sets each one's moment.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2f8a6c4e1b3'
down_revision = 'c5a9d3e1f7b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_check_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_complaint_next_check', ['is_open', 'next_check_at', 'id'],
                              unique=False)
    with op.batch_alter_table('rule_set_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checks_derived_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('rule_set_version', schema=None) as batch_op:
        batch_op.drop_column('checks_derived_at')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_next_check')
        batch_op.drop_column('next_check_at')
