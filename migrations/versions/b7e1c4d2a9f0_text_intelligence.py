"""text intelligence: model versions, knowledge base, reply templates, category source

Revision ID: b7e1c4d2a9f0
Revises: b7e2c4d9a1f0
Create Date: 2026-11-23 16:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c4d2a9f0'
down_revision = 'b7e2c4d9a1f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('text_model',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trained_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('examples', sa.Integer(), nullable=False),
    sa.Column('per_category', sa.JSON(), nullable=False),
    sa.Column('accuracy', sa.Float(), nullable=False),
    sa.Column('top3_accuracy', sa.Float(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('urgency_accuracy', sa.Float(), nullable=True),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('knowledge_article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('tags', sa.String(length=300), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category_source', sa.String(length=10), server_default='person', nullable=False))
        batch_op.add_column(sa.Column('predicted_category', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('prediction_confidence', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_column('prediction_confidence')
        batch_op.drop_column('predicted_category')
        batch_op.drop_column('category_source')

    op.drop_table('knowledge_article')
    op.drop_table('text_model')
