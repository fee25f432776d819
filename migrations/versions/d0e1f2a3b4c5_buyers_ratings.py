"""Buyers' ratings: reviews by people who had the support delivered, reports about them, the one
invitation to rate, and each listing's summary (derived from published reviews). The hand-filled
rating columns on listings go.

Revision ID: d0e1f2a3b4c5
Revises: c9d0e1f2a3b4
"""
import sqlalchemy as sa
from alembic import op

revision = 'd0e1f2a3b4c5'
down_revision = 'c9d0e1f2a3b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'listing_ratings',
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('distribution', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_ratings_listing_id_listings')),
        sa.PrimaryKeyConstraint('listing_id', name=op.f('pk_listing_ratings')),
    )
    op.create_table(
        'reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('author_kind', sa.String(length=20), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('aspects', sa.JSON(), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('status_reason', sa.Text(), nullable=True),
        sa.Column('redaction_note', sa.Text(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_reviews_order_id_orders')),
        sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_reviews_listing_id_listings')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_reviews_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], name=op.f('fk_reviews_holder_id_holders')),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_reviews_council_id_councils')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_reviews_author_id_users')),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_reviews_answered_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
        sa.UniqueConstraint('order_id', 'listing_id', name='uq_reviews_order_listing'),
    )
    for column in ('order_id', 'listing_id', 'organisation_id', 'holder_id', 'council_id', 'status'):
        op.create_index(op.f(f'ix_reviews_{column}'), 'reviews', [column], unique=False)
    op.create_table(
        'review_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('details', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_reports_review_id_reviews')),
        sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_review_reports_reporter_id_users')),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_review_reports_resolved_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_reports')),
    )
    op.create_index(op.f('ix_review_reports_review_id'), 'review_reports', ['review_id'], unique=False)
    op.create_table(
        'rating_invitations',
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_rating_invitations_order_id_orders')),
        sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_rating_invitations_listing_id_listings')),
        sa.PrimaryKeyConstraint('order_id', 'listing_id', name=op.f('pk_rating_invitations')),
    )
    with op.batch_alter_table('listings') as batch:
        batch.drop_column('rating_average')
        batch.drop_column('rating_count')


def downgrade():
    with op.batch_alter_table('listings') as batch:
        batch.add_column(sa.Column('rating_count', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('rating_average', sa.Double(), nullable=True))
    op.drop_table('rating_invitations')
    op.drop_index(op.f('ix_review_reports_review_id'), table_name='review_reports')
    op.drop_table('review_reports')
    for column in ('order_id', 'listing_id', 'organisation_id', 'holder_id', 'council_id', 'status'):
        op.drop_index(op.f(f'ix_reviews_{column}'), table_name='reviews')
    op.drop_table('reviews')
    op.drop_table('listing_ratings')
