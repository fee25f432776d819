"""Bounded work per page (issue 11, "each database round trip 0.3 s slower"): a search results page
and a basket with a shortfall make the same number of database round trips whatever the number
of results, basket lines or suggested alternatives, so a slow database slows a page by a fixed
amount instead of timing it out.

Statements are counted with a ``before_cursor_execute`` listener on the app's engine during one
request. Each test warms up with one request first (the first search opens the index; the first
sign-in page is not what is measured), then compares a small market with a large one.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from marketplace import caching, clock
from marketplace.extensions import db
from marketplace.orders import basket

from ..helpers import page_text
from ..performance.counting import counted_statements

AGREED = "Aldermoor Council's agreed rate for people it funds"
# Ceilings with room to spare (today: 13 statements for a holder's search page, 5 for an anonymous one,
# 18 for the basket); a query per result or suggestion would pass them.
SEARCH_CEILING = 20
BASKET_CEILING = 30


def statements_for(app, client, url: str) -> tuple[int, object]:
    """(statements sent, response) for one GET."""
    with counted_statements(app) as seen:
        response = client.get(url)
    assert response.status_code == 200, page_text(response)[:400]
    return len(seen), response


# --- the search results page -------------------------------------------------------


def add_gardening_listings(make, council, count: int, start: int = 0) -> None:
    """``count`` gardening listings in SK4, each from its own approved organisation, half of them
    with an agreed rate in ``council`` (£12 against a public £18), and one in three a community
    resource the council runs (free)."""
    for n in range(start, start + count):
        if n % 3 == 2:
            make.listing(None, council=council, title=f"Gardening club {n}", category="gardening", price_pence=None,
                         summary="Grow things together.", commit=False)
            continue
        organisation = make.organisation(name=f"Gardener {n}", approved_in=(council,))
        listing = make.listing(organisation, title=f"Gardening help {n}", category="gardening", price_pence=1800,
                               summary="Mowing and weeding.", commit=False)
        if n % 2 == 0:
            make.agreed_price(listing, council, 1200, commit=False)
    db.session.commit()


def search_statements(app, client, make, council, query: str) -> tuple[int, int, object]:
    """(statements for 3 results, statements for 20 results, the 20-result page), each page worked out
    afresh (the cache emptied first: a kept page of results loads no listings at all)."""
    add_gardening_listings(make, council, 3)
    statements_for(app, client, f"/catalogue?q=gardening{query}")
    with app.app_context():
        caching.clear()
    few, page = statements_for(app, client, f"/catalogue?q=gardening{query}")
    assert page_text(page).count("Mowing and weeding.") + page_text(page).count("Grow things together.") == 3
    add_gardening_listings(make, council, 17, start=3)
    with app.app_context():
        caching.clear()
    many, page = statements_for(app, client, f"/catalogue?q=gardening{query}")
    assert page_text(page).count("Mowing and weeding.") + page_text(page).count("Grow things together.") == 20
    return few, many, page


def test_a_holders_search_page_makes_as_many_round_trips_for_20_results_as_for_3(app, make, browser):
    council = make.council("aldermoor")
    person, _holder = make.holder_account(council, postcode_district="SK4")
    browser.sign_in(person.email)

    few, many, page = search_statements(app, browser, make, council, "")

    assert few == many, f"{few} statements for 3 results, {many} for 20"
    assert many <= SEARCH_CEILING
    text = page_text(page)
    assert text.count(f"£12.00 an hour ({AGREED})") == 7  # the agreed rate, to the holder it funds
    assert text.count("£18.00 an hour (Public price)") == 7


def test_an_anonymous_search_page_makes_as_many_round_trips_for_20_results_as_for_3(app, make, client):
    council = make.council("aldermoor")

    few, many, page = search_statements(app, client, make, council, "&council=aldermoor")

    assert few == many, f"{few} statements for 3 results, {many} for 20"
    assert many <= SEARCH_CEILING
    text = page_text(page)
    assert "£12.00" not in text and "agreed rate" not in text  # agreed rates are not for the public
    assert text.count("£18.00 an hour (Public price)") == 14


# --- the basket with a shortfall --------------------------------------------------

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
OUT_AND_ABOUT = "Getting out and about"
OUTCOMES = [(OUT_AND_ABOUT, ["community"], 100000, ["social-support", "sports"])]


@pytest.fixture
def frozen_clock():
    with clock.frozen(NOW) as frozen:
        yield frozen


@pytest.fixture
def shopper(make, frozen_clock):
    """Jo, an Aldermoor holder with £1,000 for "Getting out and about", signed in: (council, user, holder, outcome)."""
    council = make.council("aldermoor")
    person, holder = make.holder_account(council, name="Jo Holder")
    budget = make.budget(holder)
    plan = make.plan_for_ordering(holder, budget, OUTCOMES, through_service=False)
    return council, person, holder, plan.outcomes[0]


def add_cheaper(make, council, count: int, start: int = 0) -> None:
    """``count`` cheaper support-worker sessions (£30 public), each from its own approved provider; half
    have an agreed Aldermoor rate of £20."""
    for n in range(start, start + count):
        organisation = make.organisation(name=f"Buddies {n}", approved_in=(council,))
        listing = make.listing(organisation, title=f"Buddy outings {n}", category="social-support", price_pence=3000 + n,
                               price_unit="session", commit=False)
        if n % 2 == 0:
            make.agreed_price(listing, council, 2000 + n, commit=False)
    db.session.commit()


def fill_basket(make, shopper, lines: int) -> None:
    """``lines`` support-worker sessions at £40, 30 of each: more than the £1,000 left."""
    council, person, holder, outcome = shopper
    for n in range(lines):
        organisation = make.organisation(name=f"Out and About {n}", approved_in=(council,))
        listing = make.listing(organisation, title=f"Support worker {n}", category="social-support", price_pence=4000,
                               price_unit="session")
        basket.add_to_basket(person, holder, listing, 30, outcome.key)


def test_a_basket_with_a_shortfall_makes_as_many_round_trips_for_many_suggestions_as_for_few(app, make, browser, shopper):
    council, person, holder, _outcome = shopper
    fill_basket(make, shopper, 1)
    add_cheaper(make, council, 1)
    browser.sign_in(person.email)
    url = f"/holders/{holder.id}/basket"
    statements_for(app, browser, url)
    few, page = statements_for(app, browser, url)
    assert page_text(page).count("choose something cheaper") == 1

    add_cheaper(make, council, 15, start=1)
    many, page = statements_for(app, browser, url)

    assert few == many, f"{few} statements for one candidate, {many} for 16"
    assert many <= BASKET_CEILING
    text = page_text(page)
    assert "This does not fit the money left" in text
    assert text.count("choose something cheaper") == 3
    # The cheapest, at the agreed rates the holder's council pays.
    assert "Buddy outings 0 from Buddies 0, £20.00" in text and "Buddy outings 2 from Buddies 2, £20.02" in text


def test_a_basket_with_a_shortfall_makes_as_many_round_trips_for_five_lines_as_for_one(app, make, browser, shopper):
    council, person, holder, _outcome = shopper
    add_cheaper(make, council, 4)
    fill_basket(make, shopper, 1)
    browser.sign_in(person.email)
    url = f"/holders/{holder.id}/basket"
    statements_for(app, browser, url)
    few, page = statements_for(app, browser, url)
    assert page_text(page).count("choose something cheaper") == 3

    fill_basket(make, shopper, 4)
    many, page = statements_for(app, browser, url)

    assert few == many, f"{few} statements for one line, {many} for five"
    assert many <= BASKET_CEILING
    assert page_text(page).count("choose something cheaper") == 15
