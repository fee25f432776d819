"""Plan review requests: a holder asks for their plan to be looked at again, and the council answers.

Revision ID: e5b9c3d4f6a7
Revises: d4a8b1c2e3f5
"""
import sqlalchemy as sa
from alembic import op

revision = 'e5b9c3d4f6a7'
down_revision = 'd4a8b1c2e3f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plan_review_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('asked_by_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=True),
        sa.Column('expected_by', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], name=op.f('fk_plan_review_requests_holder_id_holders')),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_plan_review_requests_council_id_councils')),
        sa.ForeignKeyConstraint(['plan_id'], ['support_plans.id'], name=op.f('fk_plan_review_requests_plan_id_support_plans')),
        sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_plan_review_requests_asked_by_id_users')),
        sa.ForeignKeyConstraint(['contact_id'], ['users.id'], name=op.f('fk_plan_review_requests_contact_id_users')),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_plan_review_requests_answered_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_review_requests')),
    )
    with op.batch_alter_table('plan_review_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_review_requests_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_review_requests_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_review_requests_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('plan_review_requests')
