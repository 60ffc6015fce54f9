"""reply templates

Revision ID: c3d5e7f9a1b2
Revises: b7e1c0a9d2f4
Create Date: 2026-11-23 17:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c3d5e7f9a1b2'
down_revision = 'b7e1c0a9d2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reply_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=True),
    sa.Column('language', sa.String(length=24), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('reply_template')
