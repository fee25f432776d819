"""Community entries imported from other directories' Open Referral UK feeds remember where they
came from (the feed and the service's id there, unique together) and a digest of what was
imported, so that re-importing a feed updates its entries instead of duplicating them.

Revision ID: a9b8c7d6e5f4
Revises: f2a3b4c5d6e7
"""
import sqlalchemy as sa
from alembic import op

revision = 'a9b8c7d6e5f4'
down_revision = 'f2a3b4c5d6e7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('listings') as batch:
        batch.add_column(sa.Column('imported_from', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('imported_id', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('imported_digest', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_listings_imported_from_id', ['imported_from', 'imported_id'])


def downgrade():
    with op.batch_alter_table('listings') as batch:
        batch.drop_constraint('uq_listings_imported_from_id', type_='unique')
        batch.drop_column('imported_digest')
        batch.drop_column('imported_id')
        batch.drop_column('imported_from')
