"""The search outbox: listing changes the index has still to take in.

Revision ID: b7e4c2a9d310
Revises: 5d2a758f991f
"""
import sqlalchemy as sa
from alembic import op

revision = 'b7e4c2a9d310'
down_revision = '5d2a758f991f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('noted_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox')),
    )


def downgrade():
    op.drop_table('search_outbox')
