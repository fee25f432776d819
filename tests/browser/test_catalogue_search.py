"""A budget holder finds gardening help in a real browser, misspelt, at their council's price."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .. import factories
from ..catalogue.support import build_catalogue

pytestmark = pytest.mark.browser


def test_holder_searches_misspelt_gardening_sees_their_price_and_opens_the_listing(app, page, check_accessibility):
    with app.app_context():
        catalogue = build_catalogue()
        person, _holder = factories.holder_account(catalogue.aldermoor, name="Sam Holder", postcode_district="SK4")
        email = person.email

    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sam Holder")

    page.get_by_role("banner").get_by_role("link", name="Find support").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find support in Aldermoor Council")
    page.get_by_label("What are you looking for?").fill("gardning")
    page.get_by_role("button", name="Search", exact=True).click()

    expect(page.locator("#result-count")).to_have_text(re.compile(r"2 results for “gardning” serving SK4"))
    result = page.locator(".sm-result").filter(has=page.get_by_role("link", name="Gardening help", exact=True))
    expect(result).to_contain_text("£15.00 an hour")
    expect(result).to_contain_text("(Aldermoor Council's agreed rate for people it funds)")
    expect(page.locator(".sm-result").filter(has_text="Garden maintenance")).to_contain_text("£17.00 an hour (Public price)")
    check_accessibility(page)

    result.get_by_role("link", name="Gardening help", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gardening help")
    expect(page.get_by_text("Aldermoor Council's agreed rate for people it funds.")).to_be_visible()
    expect(page.locator(".sm-big-number")).to_have_text("£15.00")
    check_accessibility(page)

    page.get_by_role("banner").get_by_role("link", name="Find support").click()
    page.get_by_label("What are you looking for?").fill("allotment")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="We could not find that in SK4")).to_be_visible()
    expect(page.get_by_role("link", name="SK2: 1 result")).to_be_visible()
    expect(page.get_by_role("link", name="Heaton walking group")).to_be_visible()
    expect(page.get_by_role("heading", name="Tell us what you need")).to_be_visible()
    check_accessibility(page)
