"""A budget holder signs in, sees their home page and signs out, in a real browser."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .. import factories

pytestmark = pytest.mark.browser


def test_holder_signs_in_sees_their_home_and_signs_out(app, page, check_accessibility):
    with app.app_context():
        council = factories.council("aldermoor")
        person = factories.user(email="sam@example.com", name="Sam Holder")
        factories.holder(council, user=person)

    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_accessibility(page)

    page.get_by_label("Email address", exact=True).fill("sam@example.com")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sam Holder")
    expect(page.get_by_role("heading", name="Your support")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_accessibility(page)
