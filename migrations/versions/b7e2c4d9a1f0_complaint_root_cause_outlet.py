"""complaint root cause, index for the KPI figures, monthly reports, HTML mail, KPI roll-up

Revision ID: b7e2c4d9a1f0
Revises: b7e2c94d1f30
Create Date: 2026-11-23 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c4d9a1f0'
down_revision = 'b7e2c94d1f30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('root_cause', sa.String(length=20), nullable=True))
        batch_op.create_index('ix_complaint_team_received', ['team_id', 'received_at'],
                              unique=False)
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('attachment_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('attachment', sa.Text(), nullable=True))
    op.create_table(
        'monthly_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('queued_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('month', 'user_id', name='uq_monthly_report_month_user'),
    )

    op.create_table(
        'kpi_daily',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=False),
        sa.Column('sums', sa.JSON(), nullable=False),
        sa.Column('fr_hist', sa.JSON(), nullable=False),
        sa.Column('h_hist', sa.JSON(), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('day', 'team_id', 'assignee_id',
                            name='uq_kpi_daily_day_team_assignee'),
    )
    op.create_table(
        'kpi_rollup_day',
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('day'),
    )


def downgrade():
    op.drop_table('kpi_rollup_day')
    op.drop_table('kpi_daily')
    op.drop_table('monthly_report')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('attachment')
        batch_op.drop_column('attachment_name')
        batch_op.drop_column('html')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_team_received')
        batch_op.drop_column('root_cause')
