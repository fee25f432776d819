"""The Alembic migrations build exactly the schema the models describe, and take it down again.

These run on databases of their own (a new PostgreSQL schema, or a new SQLite file), starting empty."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import Column, Integer, MetaData, inspect, text

from marketplace.app import ROOT
from marketplace.extensions import db

from .conftest import Database, make_app


def fresh_app(tmp_path):
    """An app on a brand-new, empty database, and a function that throws both away."""
    database = Database(tmp_path)
    app = make_app(database, tmp_path)

    def drop():
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        database.drop()

    return app, drop


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """Upgraded once from empty to head; the tests on it only read. Yields inside its app context."""
    app, drop = fresh_app(tmp_path_factory.mktemp("migrated"))
    with app.app_context():
        assert tables() == set(), "the database should start empty"
        upgrade()
    yield app
    drop()


@pytest.fixture
def in_migrated(migrated):
    with migrated.app_context():
        yield
        db.session.remove()


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()  # raises if there are several heads


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def schema_drift(metadata=None) -> list:
    """What autogenerate would write: differences between the database and ``metadata`` (the models')."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, metadata if metadata is not None else db.metadata)


def test_the_migrations_have_a_single_head():
    assert head_revision()


def test_upgrading_an_empty_database_reaches_the_head_revision(in_migrated):
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()


def test_upgrading_creates_every_table_the_models_declare(in_migrated):
    assert tables() == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}


def test_the_migrated_schema_matches_the_models_exactly(in_migrated):
    """Fails when someone changes a model without writing the migration (or the reverse)."""
    assert schema_drift() == []


def test_the_drift_check_notices_a_model_change_without_a_migration(in_migrated):
    """The check above means something: a column added to a model alone shows up."""
    changed = MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["councils"].append_column(Column("stray_column", Integer, nullable=True))
    assert [(d[0], d[2], d[3].name) for d in schema_drift(changed)] == [("add_column", "councils", "stray_column")]


def test_downgrading_to_base_leaves_only_the_version_table(tmp_path):
    app, drop = fresh_app(tmp_path)
    try:
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            assert tables() == {"alembic_version"}
    finally:
        drop()
