"""Why a provider declined an order, as one of a few kinds (capacity, area, needs, other), so the
commissioners' unmet-demand report can count declines without showing anyone's words.

Revision ID: f2a3b4c5d6e7
Revises: e1f2a3b4c5d6
"""
import sqlalchemy as sa
from alembic import op

revision = 'f2a3b4c5d6e7'
down_revision = 'e1f2a3b4c5d6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('decline_kind', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('decline_kind')
