"""A broker orders for two different people in their caseload, in a real browser (issue 12, "Broker
ordering for someone else fails"): from the caseload's "Find support" through search, the listing
and the order form for one person, then from a listing for the other, choosing who it is for first.
Every page: one h1, no serious or critical axe violations, no horizontal scrolling at 320 px. The
same order form works with JavaScript off."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from marketplace import clock
from marketplace.accounts import roles as R

from .. import factories
from .conftest import CHROMIUM_PATH, DEFAULT_TIMEOUT_MS  # noqa: F401  (the same browser set-up)

pytestmark = pytest.mark.browser

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)  # Monday 16 November 2026
PHONE_WIDTH = 320


@pytest.fixture
def caseload(app):
    """Bob Broker acts for Jo Holder (£1,000 for "Getting out and about") and Sam Second (£800 for
    "Going swimming again"); Out and About Ltd sells a £40 support-worker session in SK4."""
    with clock.frozen(NOW), app.app_context():
        council = factories.council("aldermoor")
        broker = factories.user(R.BROKER, council, email="bob@example.com", name="Bob Broker")
        for name, email, outcome, pence in (("Jo Holder", "jo@example.com", "Getting out and about", 100000),
                                            ("Sam Second", "sam@example.com", "Going swimming again", 80000)):
            holder = factories.holder(council, user=factories.user(email=email, name=name), postcode_district="SK4")
            factories.plan_for_ordering(holder, factories.budget(holder), [(outcome, ["community"], pence, ["social-support"])],
                                        through_service=False)
            factories.delegation(holder, broker, ["order"], kind="broker")
        organisation, _ = factories.provider(council, name="Out and About Ltd")
        listing = factories.orderable(organisation, title="Support worker for days out", price_pence=4000,
                                      category="social-support", summary="A support worker to go out with you.")
        return listing.id


def checked(page, check_accessibility) -> None:
    """The page has one h1, passes axe, and does not scroll sideways at 320 px."""
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_count(1)
    check_accessibility(page)
    size = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        page.set_viewport_size(size)
    assert width <= PHONE_WIDTH, f"{page.url} is {width} px wide at {PHONE_WIDTH} px"


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign in")


def person(page, name: str):
    return page.get_by_test_id("caseload-person").filter(has=page.get_by_role("heading", name=name))


def test_a_broker_orders_for_two_different_people_in_their_caseload(page, caseload, check_accessibility):
    with clock.frozen(NOW):
        sign_in(page, "bob@example.com")
        page.goto("/caseload")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
        expect(person(page, "Sam Second")).to_contain_text(re.compile(r"Money left to spend\s*£800.00"))
        expect(person(page, "Jo Holder")).to_contain_text(re.compile(r"Money left to spend\s*£1,000.00"))
        checked(page, check_accessibility)

        # Sam: from the caseload, through search, the listing and the order form, still for Sam.
        page.get_by_role("link", name="Find support for Sam Second").click()
        page.get_by_label("What are you looking for?").fill("support worker")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.locator("#result-count")).to_contain_text("support worker")
        checked(page, check_accessibility)
        page.get_by_role("link", name="Support worker for days out", exact=True).click()
        expect(page.get_by_test_id("shopping-for")).to_have_text("You are finding support for Sam Second.")
        checked(page, check_accessibility)
        page.get_by_role("button", name="Order this for Sam Second").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Order: Support worker for days out")
        expect(page.get_by_test_id("ordering-for")).to_contain_text("For Sam Second.")
        expect(page.get_by_label("Getting out and about")).to_have_count(0)  # Jo's outcome is never offered
        checked(page, check_accessibility)
        page.get_by_label("How many?").fill("2")
        page.get_by_label("Going swimming again").check()
        page.get_by_label("Once", exact=True).check()
        page.get_by_role("button", name="Add to basket").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Basket")
        expect(page.get_by_text("For Sam Second", exact=True)).to_be_visible()
        expect(page.get_by_role("row", name=re.compile("Support worker for days out"))).to_contain_text("Going swimming again")
        expect(page.get_by_text("“Support worker for days out” is in the basket.")).to_be_visible()
        checked(page, check_accessibility)
        page.get_by_role("button", name="Place order").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Order placed")
        expect(page.get_by_text("Ordered by Bob Broker for Sam Second.")).to_be_visible()
        checked(page, check_accessibility)

        # Jo: from the listing, choosing who it is for first; every Tuesday for four weeks.
        page.goto(f"/catalogue/listings/{caseload}")
        page.get_by_role("button", name="Order this").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Who is it for?")
        checked(page, check_accessibility)
        page.get_by_label("Jo Holder").check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_test_id("ordering-for")).to_contain_text("For Jo Holder.")
        expect(page.get_by_label("Going swimming again")).to_have_count(0)
        page.get_by_label("Getting out and about").check()
        page.get_by_label("Every week, on the days I choose").check()
        page.get_by_label("Tuesday").check()
        until = page.get_by_role("group", name="Until (optional)")
        until.get_by_label("Day").fill("8")
        until.get_by_label("Month").fill("12")
        until.get_by_label("Year").fill("2026")
        page.get_by_label("What time? (optional)").fill("10am to 1pm")
        checked(page, check_accessibility)
        page.get_by_role("button", name="Add to basket").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Basket")
        expect(page.get_by_text("For Jo Holder", exact=True)).to_be_visible()
        expect(page.get_by_role("row", name=re.compile("Support worker for days out"))).to_contain_text(
            "Every week on Tuesdays: 4 dates, 17 November 2026 to 8 December 2026")
        page.get_by_role("button", name="Place order").click()
        expect(page.get_by_text("Ordered by Bob Broker for Jo Holder.")).to_be_visible()

        page.goto("/caseload")
        expect(person(page, "Sam Second")).to_contain_text(re.compile(r"Money left to spend\s*£720.00"))
        expect(person(page, "Sam Second")).to_contain_text("1 order waiting for the provider to accept")
        expect(person(page, "Jo Holder")).to_contain_text(re.compile(r"Money left to spend\s*£840.00"))
        expect(person(page, "Jo Holder")).to_contain_text("1 order waiting for the provider to accept")
        checked(page, check_accessibility)


def test_the_broker_chooses_who_it_is_for_and_orders_with_javascript_off(chromium, live_server, caseload):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        with clock.frozen(NOW):
            sign_in(page, "bob@example.com")
            page.goto(f"/orders/new?listing={caseload}")
            page.get_by_role("button", name="Continue").click()
            expect(page.get_by_text("Choose who it is for").first).to_be_visible()
            page.get_by_label("Sam Second").check()
            page.get_by_role("button", name="Continue").click()
            page.get_by_label("Going swimming again").check()
            page.get_by_role("button", name="Add to basket").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Basket")
            expect(page.get_by_role("row", name=re.compile("Support worker for days out"))).to_contain_text(
                "Once, on Monday 16 November 2026")
    finally:
        context.close()
