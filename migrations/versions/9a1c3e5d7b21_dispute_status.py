"""A dispute's state machine: ``status`` (open, answered, upheld, rejected) replaces ``resolution``.

Revision ID: 9a1c3e5d7b21
Revises: 6dda289a7b67
Create Date: 2026-11-30 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '9a1c3e5d7b21'
down_revision = '6dda289a7b67'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invoice_disputes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='open', nullable=False))
    op.execute("UPDATE invoice_disputes SET status = resolution WHERE resolution IS NOT NULL")
    op.execute("UPDATE invoice_disputes SET status = 'answered' WHERE resolution IS NULL AND provider_answer IS NOT NULL")
    with op.batch_alter_table('invoice_disputes', schema=None) as batch_op:
        batch_op.drop_column('resolution')


def downgrade():
    with op.batch_alter_table('invoice_disputes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolution', sa.String(length=20), nullable=True))
    op.execute("UPDATE invoice_disputes SET resolution = status WHERE status IN ('upheld', 'rejected')")
    with op.batch_alter_table('invoice_disputes', schema=None) as batch_op:
        batch_op.drop_column('status')
