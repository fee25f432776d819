"""A budget holder orders support for an outcome in their plan, in a real browser, and every page
on the way passes the axe accessibility check."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from marketplace import clock

from .. import factories

pytestmark = pytest.mark.browser

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)  # inside the plan year, 1 April 2026 to 31 March 2027


@pytest.fixture
def market(app):
    """Sam Holder in Aldermoor with £1,000 for "Getting out and about"; a £40 session from Out and About Ltd."""
    with clock.frozen(NOW), app.app_context():
        council = factories.council("aldermoor")
        holder = factories.holder(council, user=factories.user(email="sam@example.com", name="Sam Holder"))
        budget = factories.budget(holder)
        factories.plan_for_ordering(holder, budget, [("Getting out and about", ["community"], 100000, ["social-support"])],
                                    through_service=False)
        organisation, _ = factories.provider(council, name="Out and About Ltd")
        listing = factories.orderable(organisation, title="Support worker for days out", price_pence=4000,
                                      category="social-support")
        return listing.id


def test_a_holder_orders_two_sessions_for_an_outcome_and_sees_the_order_placed(page, market, check_accessibility):
    with clock.frozen(NOW):
        page.goto("/sign-in")
        page.get_by_label("Email address", exact=True).fill("sam@example.com")
        page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sam Holder")

        page.goto(f"/catalogue/listings/{market}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Support worker for days out")
        page.get_by_role("button", name="Order this").or_(page.get_by_role("link", name="Order this")).click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Order: Support worker for days out")
        check_accessibility(page)
        page.get_by_label("How many?").fill("2")
        page.get_by_label("Getting out and about").check()
        page.get_by_label("Once", exact=True).check()
        page.get_by_role("button", name="Add to basket").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Basket")
        expect(page.get_by_role("row", name=re.compile("Support worker for days out"))).to_contain_text("£80.00")
        expect(page.get_by_role("row", name=re.compile("Total"))).to_contain_text("£80.00")
        check_accessibility(page)
        page.get_by_role("button", name="Place order").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Order placed")
        expect(page.get_by_text("Ordered by Sam Holder.")).to_be_visible()
        expect(page.get_by_role("listitem").filter(has_text="with Out and About Ltd")).to_contain_text(
            "£80.00. Waiting for the provider to accept.")
        check_accessibility(page)

        page.get_by_role("link", name="See the money left").click()
        expect(page.get_by_role("row", name=re.compile("Getting out and about"))).to_contain_text("£920.00")
