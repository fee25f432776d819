"""A crisis plan's pre-agreed actions, started in one step.

Revision ID: a6b7c8d9e0f1
Revises: f5a6b7c8d9e0
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'a6b7c8d9e0f1'
down_revision = 'f5a6b7c8d9e0'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
