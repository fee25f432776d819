"""A holder's "about me" shared with the provider of one order, and withdrawn when they choose.

Revision ID: d3e4f5a6b7c8
Revises: c2d3e4f5a6b7
"""
import sqlalchemy as sa
from alembic import op

revision = 'd3e4f5a6b7c8'
down_revision = 'c2d3e4f5a6b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'about_me_sharings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('shared_by_id', sa.Integer(), nullable=False),
        sa.Column('shared_at', sa.DateTime(), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name='fk_about_me_sharings_order_id_orders'),
        sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], name='fk_about_me_sharings_holder_id_holders'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name='fk_about_me_sharings_organisation_id_organisations'),
        sa.ForeignKeyConstraint(['shared_by_id'], ['users.id'], name='fk_about_me_sharings_shared_by_id_users'),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name='fk_about_me_sharings_withdrawn_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_about_me_sharings'),
    )
    with op.batch_alter_table('about_me_sharings') as batch_op:
        batch_op.create_index('ix_about_me_sharings_order_id', ['order_id'])
        batch_op.create_index('ix_about_me_sharings_holder_id', ['holder_id'])
        batch_op.create_index('ix_about_me_sharings_organisation_id', ['organisation_id'])


def downgrade():
    op.drop_table('about_me_sharings')
