"""Fixtures: an app on a real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL
is set), migrated with Alembic once per run and emptied after every test."""
from __future__ import annotations

import os
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from catalogue.search import get_index
from marketplace import caching, clock
from marketplace.app import create_app
from marketplace.extensions import db, limiter

from . import factories
from .helpers import Browser

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def pytest_configure(config):
    """``STATE_TABLE_MUTANT`` breaks one state machine on purpose, for ``bench/state_table_mutants.py``:
    "-invoice:approved>paid" removes a move from the table; "*invoice" lets the machine move anywhere."""
    mutant = os.environ.get("STATE_TABLE_MUTANT")
    if not mutant:
        return
    from marketplace.states import machines

    by_name = {machine.name: machine for machine in machines()}
    if mutant.startswith("*"):
        by_name[mutant[1:]].check = lambda obj, to: None
    else:
        name, edge = mutant[1:].split(":")
        source, target = edge.split(">")
        table = by_name[name].table
        table[source] = table[source] - {target}


def is_postgres() -> bool:
    return bool(TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"))


class Database:
    """A fresh, private database for one test run: a new PostgreSQL schema, or a SQLite file."""

    def __init__(self, tmp_dir):
        if is_postgres():
            self.schema = f"test_{uuid.uuid4().hex[:12]}"
            self.admin_engine = create_engine(TEST_DATABASE_URL)
            with self.admin_engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            self.url = TEST_DATABASE_URL
            self.engine_options = {"connect_args": {"options": f"-csearch_path={self.schema}"}, "pool_pre_ping": True}
        else:
            self.schema = None
            self.url = f"sqlite:///{tmp_dir / 'test.db'}"
            self.engine_options = {}

    def drop(self) -> None:
        if self.schema:
            with self.admin_engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            self.admin_engine.dispose()


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context, as a real server does, even while a test
    holds one open for its factories: no ``g`` or database session leaks between requests."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(database: Database, tmp_dir, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database.url,
        "SQLALCHEMY_ENGINE_OPTIONS": database.engine_options,
        "SEARCH_INDEX_DIR": str(tmp_dir / "search-index"),
        "SERVER_NAME": "localhost",
        "PREFERRED_URL_SCHEME": "http",
        "SEARCH_SYNC_INTERVAL": None,  # no catch-up on requests: a test of a lagging index sees it lag
        "MAIL_RETRY_INTERVAL": None,  # the same for email waiting to be retried
    }
    config.update(overrides)
    app = create_app(config, env="testing")
    app.test_client_class = FreshContextClient
    if database.url.startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _fast_sqlite)
    return app


def _fast_sqlite(dbapi_connection, _record) -> None:
    """Tests need no crash safety: skipping the disk sync on every commit halves the suite's time."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    database = Database(tmp_path_factory.mktemp("db"))
    yield database
    database.drop()


@pytest.fixture(scope="session")
def app(database, tmp_path_factory):
    """The application, with the schema built by the real migrations (not create_all)."""
    from flask_migrate import upgrade

    app = make_app(database, tmp_path_factory.mktemp("app"))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_tables(app) -> None:
    """Delete every row, children first: what each test leaves is gone before the next."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def reset(app) -> None:
    """Empty every table, reset rate limits, the clock, the outbox, the search index and the cache."""
    clock.set_source(None)
    empty_tables(app)
    with app.app_context():
        limiter.reset()
        app.extensions["mail_outbox"] = []
        get_index(app.config["SEARCH_INDEX_DIR"]).clear()
        caching.clear()


@pytest.fixture(autouse=True)
def _clean(request):
    """After each test, ``reset``; except for the tests of a module that share data it loaded once
    (``shared_demo``, which resets after the module's last test)."""
    yield
    if "app" not in request.fixturenames or "shared_demo" in request.fixturenames:
        return
    reset(request.getfixturevalue("app"))


@pytest.fixture(scope="module")
def shared_demo(app):
    """The demo data, loaded once for the module's tests that ask for it (it takes a minute on
    PostgreSQL); they may add to it but not depend on each other's additions. Put tests that need
    an empty database in another module: this data stays until the module's last test is over."""
    from marketplace import demo

    with app.app_context():
        demo.load(echo=lambda *_: None)
        db.session.remove()
    yield
    reset(app)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def browser(app):
    """A test client that fills in CSRF tokens the way a person's browser would."""
    return Browser(app.test_client())


@pytest.fixture
def make(ctx):
    """Factories for domain objects (councils, users in roles, holders, organisations)."""
    return factories
