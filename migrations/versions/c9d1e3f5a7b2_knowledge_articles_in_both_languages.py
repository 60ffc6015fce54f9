"""knowledge articles in both languages: title and body in Chinese and in English

Revision ID: c9d1e3f5a7b2
Revises: d2f8a6c4e1b3
Create Date: 2026-11-23 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9d1e3f5a7b2'
down_revision = 'd2f8a6c4e1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_zh', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('body_zh', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('title_en', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('body_en', sa.Text(), nullable=True))
    # an article keeps its text under the language it was written in
    op.execute("UPDATE knowledge_article SET title_zh = title, body_zh = body "
               "WHERE language = 'zh'")
    op.execute("UPDATE knowledge_article SET title_en = title, body_en = body "
               "WHERE language <> 'zh'")
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.drop_column('language')
        batch_op.drop_column('body')
        batch_op.drop_column('title')


def downgrade():
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))
    # one language survives: Chinese where the article has it
    op.execute("UPDATE knowledge_article SET title = title_zh, body = body_zh, language = 'zh' "
               "WHERE title_zh IS NOT NULL")
    op.execute("UPDATE knowledge_article SET title = title_en, body = body_en, language = 'en' "
               "WHERE title_zh IS NULL")
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.alter_column('title', existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column('body', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('language', existing_type=sa.String(length=5), nullable=False)
        batch_op.drop_column('body_en')
        batch_op.drop_column('title_en')
        batch_op.drop_column('body_zh')
        batch_op.drop_column('title_zh')
