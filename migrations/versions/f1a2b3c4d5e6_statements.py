"""Monthly statements: issued figures, lines and outcome pots, fixed once issued.

Revision ID: f1a2b3c4d5e6
Revises: e5b9c3d4f6a7
"""
import sqlalchemy as sa
from alembic import op

revision = 'f1a2b3c4d5e6'
down_revision = 'e5b9c3d4f6a7'
branch_labels = None
depends_on = None

FIGURES = ('opening_pence', 'money_in_pence', 'money_out_pence', 'closing_pence', 'funding_pence', 'contribution_pence',
           'paid_pence', 'external_spend_pence', 'credit_pence', 'clawback_pence', 'adjustment_pence', 'late_pence',
           'committed_pence')


def upgrade():
    op.create_table(
        'statements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('budget_id', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('through_entry_id', sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in FIGURES],
        sa.Column('underspend_sentence', sa.Text(), nullable=True),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['budget_id'], ['budget_periods.id'], name=op.f('fk_statements_budget_id_budget_periods')),
        sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], name=op.f('fk_statements_holder_id_holders')),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_statements_council_id_councils')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_statements')),
        sa.UniqueConstraint('budget_id', 'month', name='uq_statements_budget_month'),
    )
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statements_budget_id'), ['budget_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statements_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statements_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statements_month'), ['month'], unique=False)

    op.create_table(
        'statement_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('section', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('label', sa.String(length=300), nullable=False),
        sa.Column('provider', sa.String(length=200), nullable=True),
        sa.Column('category', sa.String(length=120), nullable=True),
        sa.Column('outcome', sa.String(length=300), nullable=True),
        sa.Column('dated_on', sa.Date(), nullable=True),
        sa.Column('amount_pence', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['statement_id'], ['statements.id'], name=op.f('fk_statement_lines_statement_id_statements')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_lines')),
    )
    with op.batch_alter_table('statement_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_lines_statement_id'), ['statement_id'], unique=False)

    op.create_table(
        'statement_pots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('pot', sa.String(length=40), nullable=True),
        sa.Column('label', sa.String(length=300), nullable=False),
        sa.Column('opening_pence', sa.Integer(), nullable=False),
        sa.Column('money_in_pence', sa.Integer(), nullable=False),
        sa.Column('money_out_pence', sa.Integer(), nullable=False),
        sa.Column('closing_pence', sa.Integer(), nullable=False),
        sa.Column('committed_pence', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['statement_id'], ['statements.id'], name=op.f('fk_statement_pots_statement_id_statements')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_pots')),
    )
    with op.batch_alter_table('statement_pots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_pots_statement_id'), ['statement_id'], unique=False)


def downgrade():
    op.drop_table('statement_pots')
    op.drop_table('statement_lines')
    op.drop_table('statements')
