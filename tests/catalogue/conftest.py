"""Fixtures for the catalogue tests: the fixed catalogue, and people signed in to look at it."""
from __future__ import annotations

import pytest

from .support import build_catalogue


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
