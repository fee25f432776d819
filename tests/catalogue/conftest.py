"""Fixtures for the catalogue tests: the fixed catalogue, and people signed in to look at it."""
from __future__ import annotations

import pytest

from ..conftest import is_postgres
from .support import build_catalogue

SEARCH_BACKENDS = ["whoosh", "postgres"]


@pytest.fixture
def catalogue(make):
    """The fixed catalogue of ``support.build_catalogue`` (indexed by its one commit)."""
    return build_catalogue()


@pytest.fixture
def sign_in_as(make, browser):
    """``sign_in_as(role, council=None, organisation=None, **holder_fields)``: a new user in that role,
    signed in through the real sign-in form. A ``budget_holder`` also gets a holder record."""

    def sign_in(role, council=None, organisation=None, **holder_fields):
        if role == "budget_holder":
            person, _holder = make.holder_account(council, **holder_fields)
        else:
            person = make.user(role, council, organisation)
        browser.sign_in(person.email)
        return person

    return sign_in


@pytest.fixture(params=SEARCH_BACKENDS)
def search_backend(request, app):
    """Run a search test against each backend (use with ``pytest.mark.usefixtures``, so it is chosen before
    anything is written): Whoosh always, PostgreSQL full-text search when the test database is PostgreSQL."""
    if request.param == "postgres" and not is_postgres():
        pytest.skip("the PostgreSQL search backend needs a PostgreSQL test database (TEST_DATABASE_URL)")
    app.config["SEARCH_BACKEND"] = request.param
    yield request.param
    app.config["SEARCH_BACKEND"] = "whoosh"
