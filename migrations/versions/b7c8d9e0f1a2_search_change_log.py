"""Search past one machine: the change record every node's index follows, and PostgreSQL full-text search.

The outbox (rows deleted once applied, so only one index could follow it) becomes an append-only
log with an autoincrement sequence; rows still waiting in the outbox are carried over. The search
documents and the shared position are for SEARCH_BACKEND=postgres. PostgreSQL-only DDL (pg_trgm,
the generated tsvector, the GIN indexes) is skipped on SQLite, where only Whoosh is offered.

Revision ID: b7c8d9e0f1a2
Revises: a6b7c8d9e0f1
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'b7c8d9e0f1a2'
down_revision = 'a6b7c8d9e0f1'
branch_labels = None
depends_on = None

WEIGHTS = (("title_words", "A"), ("tags_words", "B"), ("org_words", "C"), ("body_words", "D"))


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        'search_changes_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('noted_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_changes_log')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_search_changes_log_noted_at'), 'search_changes_log', ['noted_at'])
    op.execute("INSERT INTO search_changes_log (listing_id, organisation_id, noted_at) "
               "SELECT listing_id, organisation_id, noted_at FROM search_outbox ORDER BY id")
    op.drop_table('search_outbox')
    words = "title_words || ' ' || tags_words"  # titles and tags only: short strings keep pg_trgm fast
    vector = " || ".join(f"setweight(to_tsvector('simple'::regconfig, {column}), '{weight}')"
                         for column, weight in WEIGHTS)
    op.create_table(
        'search_documents',
        sa.Column('listing_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('doc', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
        sa.Column('title_words', sa.Text(), nullable=False),
        sa.Column('tags_words', sa.Text(), nullable=False),
        sa.Column('org_words', sa.Text(), nullable=False),
        sa.Column('body_words', sa.Text(), nullable=False),
        sa.Column('words', sa.Text(), sa.Computed(words, persisted=True), nullable=True),
        # The tsvector is PostgreSQL's; on SQLite (where this table is not used) a plain column stands in.
        (sa.Column('tsv', postgresql.TSVECTOR(), sa.Computed(vector, persisted=True), nullable=True) if postgres
         else sa.Column('tsv', sa.Text(), nullable=True)),
        sa.PrimaryKeyConstraint('listing_id', name=op.f('pk_search_documents')),
    )
    op.create_table(
        'search_positions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('state', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_search_positions')),
    )
    if not postgres:  # plain indexes, so the schema matches the models; no GIN or trigrams on SQLite
        for name, column in (("tsv", "tsv"), ("doc", "doc"), ("words_trgm", "words")):
            op.create_index(f"ix_search_documents_{name}", "search_documents", [column])
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    trgm = op.get_bind().execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'")).scalar_one()
    op.execute("CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)")
    op.execute("CREATE INDEX ix_search_documents_doc ON search_documents USING gin (doc)")
    op.execute(f'CREATE INDEX ix_search_documents_words_trgm ON search_documents USING gin (words "{trgm}".gin_trgm_ops)')


def downgrade():
    op.drop_table('search_positions')
    op.drop_table('search_documents')
    op.create_table(
        'search_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('noted_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox')),
    )
    op.drop_index(op.f('ix_search_changes_log_noted_at'), table_name='search_changes_log')
    op.drop_table('search_changes_log')
