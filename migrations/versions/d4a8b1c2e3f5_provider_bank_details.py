"""Providers' bank details: where an invoice is paid by bank transfer and what a payment run exports.

Revision ID: d4a8b1c2e3f5
Revises: c3f19a7e5b42
"""
import sqlalchemy as sa
from alembic import op

revision = 'd4a8b1c2e3f5'
down_revision = 'c3f19a7e5b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'provider_bank_details',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('account_name', sa.String(length=70), nullable=False),
        sa.Column('sort_code', sa.String(length=6), nullable=False),
        sa.Column('account_number', sa.String(length=8), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_provider_bank_details_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_provider_bank_details_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_bank_details')),
        sa.UniqueConstraint('organisation_id', name=op.f('uq_provider_bank_details_organisation_id')),
    )


def downgrade():
    op.drop_table('provider_bank_details')
