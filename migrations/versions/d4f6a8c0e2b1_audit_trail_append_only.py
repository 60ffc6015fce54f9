"""audit trail; the audit trail and the access log are append-only

Revision ID: d4f6a8c0e2b1
Revises: d4e6f8a0b2c4
Create Date: 2026-11-23 20:30:00.000000

On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of both tables for every role,
the owner included, and the privileges to do so are revoked from PUBLIC and from the role
running the migration. On SQLite triggers refuse UPDATE and DELETE.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f6a8c0e2b1'
down_revision = 'd4e6f8a0b2c4'
branch_labels = None
depends_on = None

TABLES = ('audit_record', 'access_log')


def upgrade():
    op.create_table('audit_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=256), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_record', schema=None) as batch_op:
        batch_op.create_index('ix_audit_record_entity', ['entity', 'entity_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_record_actor_at', ['actor_name', 'at'], unique=False)
        batch_op.create_index('ix_audit_record_at', ['at'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute("""
            CREATE FUNCTION parceldesk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END $$""")
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION parceldesk_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION parceldesk_append_only()")
            op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC, CURRENT_USER")
    else:
        for table in TABLES:
            for verb in ('UPDATE', 'DELETE'):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
            op.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON {table} TO CURRENT_USER")
        op.execute("DROP FUNCTION parceldesk_append_only()")
    else:
        for table in TABLES:
            for verb in ('update', 'delete'):
                op.execute(f"DROP TRIGGER {table}_no_{verb}")
    op.drop_table('audit_record')
