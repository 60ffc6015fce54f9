"""team names in Chinese

Revision ID: b7e1c0a9d2f4
Revises: 21da9dc198e3
Create Date: 2026-11-23 17:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e1c0a9d2f4'
down_revision = '21da9dc198e3'
branch_labels = None
depends_on = None

DEFAULT_NAMES = {"Intake & Triage": "受理分拣组", "Logistics Delivery": "物流派送组", "Claims & Compensation": "理赔组", "Customer Service Centre": "客服中心", "Finance": "财务组", "Legal & Compliance": "法务合规组", "Emergency Response": "应急处理组", "Follow-up & Callback": "回访组", "Management": "管理层"}


def upgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_zh', sa.String(length=80), nullable=True))
    team = sa.table('team', sa.column('name', sa.String), sa.column('name_zh', sa.String))
    for name, name_zh in DEFAULT_NAMES.items():
        op.execute(team.update().where(team.c.name == name).values(name_zh=name_zh))


def downgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('name_zh')
