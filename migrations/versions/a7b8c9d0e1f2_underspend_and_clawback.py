"""Underspend: warnings sent before a council's rule bites, and clawback proposals a finance officer decides.

Revision ID: a7b8c9d0e1f2
Revises: f1a2b3c4d5e6
"""
import sqlalchemy as sa
from alembic import op

revision = 'a7b8c9d0e1f2'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'underspend_warnings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('budget_id', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('rule_kind', sa.String(length=60), nullable=False),
        sa.Column('warned_on', sa.Date(), nullable=False),
        sa.Column('bites_on', sa.Date(), nullable=False),
        sa.Column('threshold_pence', sa.Integer(), nullable=False),
        sa.Column('forecast_excess_pence', sa.Integer(), nullable=False),
        sa.Column('cleared_on', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['budget_id'], ['budget_periods.id'], name=op.f('fk_underspend_warnings_budget_id_budget_periods')),
        sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], name=op.f('fk_underspend_warnings_holder_id_holders')),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_underspend_warnings_council_id_councils')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_underspend_warnings')),
    )
    with op.batch_alter_table('underspend_warnings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_underspend_warnings_budget_id'), ['budget_id'], unique=False)

    op.create_table(
        'clawback_proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('budget_id', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('rule_kind', sa.String(length=60), nullable=False),
        sa.Column('rule_text', sa.Text(), nullable=False),
        sa.Column('period_key', sa.String(length=40), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('held_pence', sa.Integer(), nullable=False),
        sa.Column('expected_pence', sa.Integer(), nullable=False),
        sa.Column('threshold_pence', sa.Integer(), nullable=False),
        sa.Column('excess_pence', sa.Integer(), nullable=False),
        sa.Column('proposed_pence', sa.Integer(), nullable=False),
        sa.Column('amount_pence', sa.Integer(), nullable=True),
        sa.Column('payment_due_on', sa.Date(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('ledger_entry_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['budget_id'], ['budget_periods.id'], name=op.f('fk_clawback_proposals_budget_id_budget_periods')),
        sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], name=op.f('fk_clawback_proposals_holder_id_holders')),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_clawback_proposals_council_id_councils')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_clawback_proposals_decided_by_id_users')),
        sa.ForeignKeyConstraint(['ledger_entry_id'], ['ledger_entries.id'], name=op.f('fk_clawback_proposals_ledger_entry_id_ledger_entries')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_clawback_proposals')),
        sa.UniqueConstraint('budget_id', 'period_key', name='uq_clawback_proposals_budget_period'),
    )
    with op.batch_alter_table('clawback_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clawback_proposals_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clawback_proposals_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clawback_proposals_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('clawback_proposals')
    op.drop_table('underspend_warnings')
