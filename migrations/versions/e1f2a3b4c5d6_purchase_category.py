"""What kind of thing a purchase outside the marketplace was (optional), so reports count it by category.

Revision ID: e1f2a3b4c5d6
Revises: d0e1f2a3b4c5
"""
import sqlalchemy as sa
from alembic import op

revision = 'e1f2a3b4c5d6'
down_revision = 'd0e1f2a3b4c5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outside_purchases') as batch:
        batch.add_column(sa.Column('category', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('outside_purchases') as batch:
        batch.drop_column('category')
