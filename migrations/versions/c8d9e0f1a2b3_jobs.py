"""Jobs on a queue: what was started, by whom, its progress and result.

Revision ID: c8d9e0f1a2b3
Revises: b7c8d9e0f1a2
"""
import sqlalchemy as sa
from alembic import op

revision = 'c8d9e0f1a2b3'
down_revision = 'b7c8d9e0f1a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('parameters', sa.JSON(), nullable=False),
        sa.Column('started_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('council_id', sa.Integer(), sa.ForeignKey('councils.id'), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('chunks_total', sa.Integer(), nullable=False),
        sa.Column('chunks_done', sa.Integer(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('payload', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
    )
    op.create_index('ix_jobs_started_by_id', 'jobs', ['started_by_id'])
    op.create_index('ix_jobs_council_id', 'jobs', ['council_id'])
    op.create_index('ix_jobs_status', 'jobs', ['status'])


def downgrade():
    op.drop_index('ix_jobs_status', table_name='jobs')
    op.drop_index('ix_jobs_council_id', table_name='jobs')
    op.drop_index('ix_jobs_started_by_id', table_name='jobs')
    op.drop_table('jobs')
