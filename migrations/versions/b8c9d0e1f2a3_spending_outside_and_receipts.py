"""Spending outside the marketplace: purchases a holder records themselves, and their receipts.

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
"""
import sqlalchemy as sa
from alembic import op

revision = 'b8c9d0e1f2a3'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outside_purchases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('budget_id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('bought_on', sa.Date(), nullable=False),
        sa.Column('amount_pence', sa.Integer(), nullable=False),
        sa.Column('outcome_key', sa.String(length=40), nullable=True),
        sa.Column('receipt_needed', sa.Boolean(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], name=op.f('fk_outside_purchases_holder_id_holders')),
        sa.ForeignKeyConstraint(['budget_id'], ['budget_periods.id'], name=op.f('fk_outside_purchases_budget_id_budget_periods')),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_outside_purchases_council_id_councils')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_outside_purchases_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outside_purchases')),
    )
    with op.batch_alter_table('outside_purchases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outside_purchases_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_purchases_budget_id'), ['budget_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_purchases_council_id'), ['council_id'], unique=False)
    op.create_table(
        'receipts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('purchase_id', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=30), nullable=False),
        sa.Column('stored_name', sa.String(length=40), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['purchase_id'], ['outside_purchases.id'], name=op.f('fk_receipts_purchase_id_outside_purchases')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_receipts_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts')),
        sa.UniqueConstraint('purchase_id', name=op.f('uq_receipts_purchase_id')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_receipts_stored_name')),
    )


def downgrade():
    op.drop_table('receipts')
    op.drop_table('outside_purchases')
