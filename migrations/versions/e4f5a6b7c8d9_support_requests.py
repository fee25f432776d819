"""Asking the council for support online: requests, their steps and timeline.

Revision ID: e4f5a6b7c8d9
Revises: d3e4f5a6b7c8
"""
import sqlalchemy as sa
from alembic import op

revision = 'e4f5a6b7c8d9'
down_revision = 'd3e4f5a6b7c8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'support_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('nonce', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=True),
        sa.Column('for_whom', sa.String(length=20), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('date_of_birth', sa.Date(), nullable=True),
        sa.Column('address', sa.Text(), nullable=True),
        sa.Column('postcode', sa.String(length=10), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('asker_name', sa.String(length=200), nullable=True),
        sa.Column('asker_email', sa.String(length=254), nullable=True),
        sa.Column('asker_phone', sa.String(length=40), nullable=True),
        sa.Column('asker_relationship', sa.String(length=100), nullable=True),
        sa.Column('consent', sa.String(length=20), nullable=True),
        sa.Column('consent_recorded_at', sa.DateTime(), nullable=True),
        sa.Column('preferred_contact', sa.String(length=10), nullable=True),
        sa.Column('access_needs', sa.JSON(), nullable=False),
        sa.Column('access_other', sa.Text(), nullable=True),
        sa.Column('situation', sa.Text(), nullable=True),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('waiting_on', sa.String(length=20), nullable=True),
        sa.Column('expected_by', sa.Date(), nullable=True),
        sa.Column('question', sa.Text(), nullable=True),
        sa.Column('assessment_on', sa.Date(), nullable=True),
        sa.Column('assessor_name', sa.String(length=200), nullable=True),
        sa.Column('close_reason', sa.String(length=20), nullable=True),
        sa.Column('close_note', sa.Text(), nullable=True),
        sa.Column('holder_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name='fk_support_requests_council_id_councils'),
        sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], name='fk_support_requests_holder_id_holders'),
        sa.PrimaryKeyConstraint('id', name='pk_support_requests'),
        sa.UniqueConstraint('reference', name='uq_support_requests_reference'),
        sa.UniqueConstraint('holder_id', name='uq_support_requests_holder_id'),
    )
    with op.batch_alter_table('support_requests') as batch:
        batch.create_index('ix_support_requests_council_id', ['council_id'])
        batch.create_index('ix_support_requests_status', ['status'])
        batch.create_index('ix_support_requests_submitted_at', ['submitted_at'])
    op.create_table(
        'support_request_steps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('said', sa.Text(), nullable=False),
        sa.Column('waiting_on', sa.String(length=20), nullable=True),
        sa.Column('expected_by', sa.Date(), nullable=True),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['support_requests.id'],
                                name='fk_support_request_steps_request_id_support_requests'),
        sa.ForeignKeyConstraint(['by_id'], ['users.id'], name='fk_support_request_steps_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_support_request_steps'),
    )
    with op.batch_alter_table('support_request_steps') as batch:
        batch.create_index('ix_support_request_steps_request_id', ['request_id'])


def downgrade():
    op.drop_table('support_request_steps')
    op.drop_table('support_requests')
