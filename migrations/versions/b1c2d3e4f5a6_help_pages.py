"""Help pages: every saved version of a council's help text for a topic, standard or easy read.

Revision ID: b1c2d3e4f5a6
Revises: a9b8c7d6e5f4
"""
import sqlalchemy as sa
from alembic import op

revision = 'b1c2d3e4f5a6'
down_revision = 'a9b8c7d6e5f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'help_page_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=40), nullable=False),
        sa.Column('reading', sa.String(length=20), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('restored_from_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_help_page_versions_council_id_councils')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_help_page_versions_author_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_help_page_versions')),
    )
    with op.batch_alter_table('help_page_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_page_versions_council_id'), ['council_id'], unique=False)


def downgrade():
    with op.batch_alter_table('help_page_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_page_versions_council_id'))
    op.drop_table('help_page_versions')
