"""Life events recorded by staff: a stay in hospital, a move, a death.

Revision ID: f5a6b7c8d9e0
Revises: e4f5a6b7c8d9
"""
import sqlalchemy as sa
from alembic import op

revision = 'f5a6b7c8d9e0'
down_revision = 'e4f5a6b7c8d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'life_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('expected_return_on', sa.Date(), nullable=True),
        sa.Column('returned_on', sa.Date(), nullable=True),
        sa.Column('new_address', sa.Text(), nullable=True),
        sa.Column('new_postcode_district', sa.String(length=8), nullable=True),
        sa.Column('leaves_council', sa.Boolean(), nullable=False),
        sa.Column('address_applied', sa.Boolean(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['holder_id'], ['holders.id'], name='fk_life_events_holder_id_holders'),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name='fk_life_events_council_id_councils'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name='fk_life_events_recorded_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_life_events'),
    )
    with op.batch_alter_table('life_events') as batch_op:
        batch_op.create_index('ix_life_events_holder_id', ['holder_id'])
        batch_op.create_index('ix_life_events_council_id', ['council_id'])
    op.create_table(
        'life_event_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('life_event_id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('occurrence_id', sa.Integer(), nullable=False),
        sa.Column('effect', sa.String(length=20), nullable=False),
        sa.Column('amount_pence', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['life_event_id'], ['life_events.id'], name='fk_life_event_changes_life_event_id_life_events'),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name='fk_life_event_changes_order_id_orders'),
        sa.ForeignKeyConstraint(['occurrence_id'], ['occurrences.id'], name='fk_life_event_changes_occurrence_id_occurrences'),
        sa.PrimaryKeyConstraint('id', name='pk_life_event_changes'),
    )
    with op.batch_alter_table('life_event_changes') as batch_op:
        batch_op.create_index('ix_life_event_changes_life_event_id', ['life_event_id'])
        batch_op.create_index('ix_life_event_changes_order_id', ['order_id'])


def downgrade():
    op.drop_table('life_event_changes')
    op.drop_table('life_events')
