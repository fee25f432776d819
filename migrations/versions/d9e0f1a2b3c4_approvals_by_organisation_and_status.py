"""Organisations' approvals by organisation and status: every search page asks which of its hits
are public now (``Listing.public_condition``), an index-only look-up per hit with this index.

Revision ID: d9e0f1a2b3c4
Revises: c8d9e0f1a2b3
"""
from alembic import op

revision = 'd9e0f1a2b3c4'
down_revision = 'c8d9e0f1a2b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_organisation_approvals_organisation_id_status', 'organisation_approvals',
                    ['organisation_id', 'status'])


def downgrade():
    op.drop_index('ix_organisation_approvals_organisation_id_status', table_name='organisation_approvals')
