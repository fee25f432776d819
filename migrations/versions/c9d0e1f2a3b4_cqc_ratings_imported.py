"""CQC ratings come from the CQC's care directory, not from the provider: the inspection date and
the CQC's page for the location, and when the rating was imported.

Revision ID: c9d0e1f2a3b4
Revises: b8c9d0e1f2a3
"""
import sqlalchemy as sa
from alembic import op

revision = 'c9d0e1f2a3b4'
down_revision = 'b8c9d0e1f2a3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('cqc_checked_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('cqc_url', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('cqc_imported_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('organisations') as batch:
        batch.drop_column('cqc_imported_at')
        batch.drop_column('cqc_url')
        batch.drop_column('cqc_checked_on')
