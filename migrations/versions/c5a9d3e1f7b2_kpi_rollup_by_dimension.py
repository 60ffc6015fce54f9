"""KPI roll-up split by category, channel, region, outlet and level; histograms in steps

Revision ID: c5a9d3e1f7b2
Revises: d4f6a8c0e2b1
Create Date: 2026-11-23 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5a9d3e1f7b2'
down_revision = 'd4f6a8c0e2b1'
branch_labels = None
depends_on = None


def _clear():
    # the histograms change format: the kpi_rollup job recomputes every day on its next run
    op.execute("DELETE FROM kpi_daily")
    op.execute("DELETE FROM kpi_rollup_day")


def upgrade():
    _clear()
    with op.batch_alter_table('kpi_daily', schema=None) as batch_op:
        batch_op.drop_constraint('uq_kpi_daily_day_team_assignee', type_='unique')
        batch_op.add_column(sa.Column('dimension', sa.String(length=10), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('value', sa.String(length=60), server_default='',
                                      nullable=False))
        batch_op.create_unique_constraint(
            'uq_kpi_daily_day_dimension_team_assignee',
            ['day', 'dimension', 'value', 'team_id', 'assignee_id'])


def downgrade():
    _clear()
    with op.batch_alter_table('kpi_daily', schema=None) as batch_op:
        batch_op.drop_constraint('uq_kpi_daily_day_dimension_team_assignee', type_='unique')
        batch_op.drop_column('value')
        batch_op.drop_column('dimension')
        batch_op.create_unique_constraint('uq_kpi_daily_day_team_assignee',
                                          ['day', 'team_id', 'assignee_id'])
