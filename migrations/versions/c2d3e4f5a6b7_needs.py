"""Needs that budget holders post, the replies of providers and personal assistants, and reports.

Revision ID: c2d3e4f5a6b7
Revises: b1c2d3e4f5a6
"""
import sqlalchemy as sa
from alembic import op

revision = 'c2d3e4f5a6b7'
down_revision = 'b1c2d3e4f5a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'needs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('council_id', sa.Integer(), sa.ForeignKey('councils.id'), nullable=False),
        sa.Column('holder_id', sa.Integer(), sa.ForeignKey('holders.id'), nullable=False),
        sa.Column('posted_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('times', sa.String(length=300), nullable=False),
        sa.Column('district', sa.String(length=8), nullable=False),
        sa.Column('languages', sa.String(length=200), nullable=True),
        sa.Column('category', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('status_reason', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
    )
    for column in ('council_id', 'holder_id', 'district', 'category', 'status', 'created_at'):
        op.create_index(f'ix_needs_{column}', 'needs', [column])
    op.create_table(
        'need_replies',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('need_id', sa.Integer(), sa.ForeignKey('needs.id'), nullable=False),
        sa.Column('organisation_id', sa.Integer(), sa.ForeignKey('organisations.id'), nullable=False),
        sa.Column('author_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('status_reason', sa.Text(), nullable=True),
        sa.Column('chosen_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.UniqueConstraint('need_id', 'organisation_id', name='uq_need_replies_need_organisation'),
    )
    op.create_index('ix_need_replies_need_id', 'need_replies', ['need_id'])
    op.create_index('ix_need_replies_organisation_id', 'need_replies', ['organisation_id'])
    op.create_table(
        'need_reports',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('need_id', sa.Integer(), sa.ForeignKey('needs.id'), nullable=False),
        sa.Column('reply_id', sa.Integer(), sa.ForeignKey('need_replies.id'), nullable=True),
        sa.Column('reporter_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('details', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
    )
    op.create_index('ix_need_reports_need_id', 'need_reports', ['need_id'])


def downgrade():
    op.drop_table('need_reports')
    op.drop_table('need_replies')
    op.drop_table('needs')
