"""A crisis plan's pre-agreed actions, started in one step.

Revision ID: a6b7c8d9e0f1
Revises: f5a6b7c8d9e0
"""
import sqlalchemy as sa
from alembic import op

revision = 'a6b7c8d9e0f1'
down_revision = 'f5a6b7c8d9e0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'crisis_plans',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('support_plans.id'), nullable=False),
        sa.Column('holder_id', sa.Integer(), sa.ForeignKey('holders.id'), nullable=False),
        sa.Column('council_id', sa.Integer(), sa.ForeignKey('councils.id'), nullable=False),
        sa.Column('contingency_pence', sa.Integer(), nullable=False),
        sa.Column('agreed_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.UniqueConstraint('plan_id', name='uq_crisis_plans_plan_id'),
    )
    op.create_index('ix_crisis_plans_holder_id', 'crisis_plans', ['holder_id'])
    op.create_index('ix_crisis_plans_council_id', 'crisis_plans', ['council_id'])
    op.create_table(
        'crisis_actions',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('plan_id', sa.Integer(), sa.ForeignKey('support_plans.id'), nullable=False),
        sa.Column('holder_id', sa.Integer(), sa.ForeignKey('holders.id'), nullable=False),
        sa.Column('council_id', sa.Integer(), sa.ForeignKey('councils.id'), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('parameters', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('agreed_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('agreed_at', sa.DateTime(), nullable=False),
        sa.Column('removed_at', sa.DateTime(), nullable=True),
    )
    for column in ('plan_id', 'holder_id', 'council_id'):
        op.create_index(f'ix_crisis_actions_{column}', 'crisis_actions', [column])
    op.create_table(
        'crisis_runs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('action_id', sa.Integer(), sa.ForeignKey('crisis_actions.id'), nullable=False),
        sa.Column('holder_id', sa.Integer(), sa.ForeignKey('holders.id'), nullable=False),
        sa.Column('council_id', sa.Integer(), sa.ForeignKey('councils.id'), nullable=False),
        sa.Column('budget_id', sa.Integer(), sa.ForeignKey('budget_periods.id'), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('start_key', sa.String(length=64), nullable=False),
        sa.Column('started_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('ended_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('from_option', sa.String(length=30), nullable=True),
        sa.Column('committed_pence', sa.Integer(), nullable=False),
        sa.Column('occurrence_ids', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.UniqueConstraint('start_key', name='uq_crisis_runs_start_key'),
    )
    for column in ('action_id', 'holder_id', 'council_id', 'budget_id', 'status', 'ends_on'):
        op.create_index(f'ix_crisis_runs_{column}', 'crisis_runs', [column])


def downgrade():
    op.drop_table('crisis_runs')
    op.drop_table('crisis_actions')
    op.drop_table('crisis_plans')
