"""Hole 7: passwords follow the NCSC's guidance: at least 12 characters, none of the most common,
nothing made of the person's own email or name, and no composition rules."""
from __future__ import annotations

import pytest

from marketplace.accounts.passwords import common_passwords, password_problem
from marketplace.accounts.service import create_user
from marketplace.errors import DomainError


@pytest.mark.parametrize("password", ["password123456", "qwertyuiop", "qwertyuiop123", "123456789012", "iloveyou2026!",
                                      "sam@example.com", "SAM@EXAMPLE.COM", "aaaaaaaaaaaaaaaa", "Password1!"])
def test_common_short_or_personal_passwords_are_refused(ctx, password):
    with pytest.raises(DomainError):
        create_user("sam@example.com", "Sam Jones", password=password)


@pytest.mark.parametrize("password", ["purple tractor in the rain", "correct horse battery", "ohmyglitterkettle",
                                      "zebra-lantern-quiet"])
def test_long_uncommon_passwords_are_accepted_without_composition_rules(ctx, password):
    assert password_problem(password, email="sam@example.com", name="Sam Jones") is None


def test_the_list_of_common_passwords_ships_with_the_app():
    assert len(common_passwords()) > 20000 and "password" in common_passwords()


def test_a_password_longer_than_anyone_types_is_refused_before_it_is_hashed():
    assert "at most" in password_problem("x" * 100_000 + "Qz9!")


def test_the_registration_page_explains_the_length(client):
    assert "At least 12 characters" in client.get("/register").get_data(as_text=True)
