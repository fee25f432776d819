"""Outgoing emails: written with the change they tell of, sent after commit, retried.

Revision ID: c3f19a7e5b42
Revises: b7e4c2a9d310
"""
import sqlalchemy as sa
from alembic import op

revision = 'c3f19a7e5b42'
down_revision = 'b7e4c2a9d310'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outgoing_emails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('to_address', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('failed_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_emails')),
    )
    with op.batch_alter_table('outgoing_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_emails_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_emails_sent_at'), ['sent_at'], unique=False)


def downgrade():
    op.drop_table('outgoing_emails')
