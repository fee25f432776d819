"""A budget holder searches the catalogue in their own area and sees what they would pay."""
from __future__ import annotations

from ..helpers import page_text
from .support import result_titles, results_by_title


def test_holder_searching_a_misspelt_need_finds_gardening_in_their_area_at_their_councils_price(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")

    response = browser.get("/catalogue?q=gardning+help")

    assert response.status_code == 200
    # Gardening listings serving SK4 from providers Aldermoor approved; not the allotment in SK2,
    # Birchley's provider, the provider Aldermoor has not approved yet, or a draft.
    assert set(result_titles(response)) == {"Gardening help", "Garden maintenance"}
    results = results_by_title(response)
    assert "£15.00 an hour (Aldermoor Council's agreed rate for people it funds)" in results["Gardening help"]
    assert "£17.00 an hour (Public price)" in results["Garden maintenance"]
    text = page_text(response)
    assert "2 results for “gardning help” serving SK4" in text
    assert "We also looked for words close to what you typed: garden" in text


def test_holder_sees_their_councils_agreed_rate_and_the_public_price_on_the_listing_page(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")

    text = page_text(browser.get(f"/catalogue/listings/{catalogue.gardening_help.id}"))

    assert "£15.00 an hour" in text
    assert "Aldermoor Council's agreed rate for people it funds. The public price is £18.00 an hour." in text


def test_holder_can_widen_the_search_beyond_their_own_district(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")

    response = browser.get("/catalogue?q=gardning&area=")

    assert set(result_titles(response)) == {"Gardening help", "Garden maintenance", "Allotment gardening sessions"}


def test_results_show_each_listings_rating_and_how_many_rated_it(catalogue, client):
    results = results_by_title(client.get("/catalogue?council=aldermoor&q=garden"))
    results.update(results_by_title(client.get("/catalogue?council=aldermoor&q=domestic")))

    assert "rated 4.5 out of 5 by 6 buyers" in results["Gardening help"]
    assert "rated 4.0 out of 5 by 1 buyer" in results["Domestic help at home"]
    assert "rated" not in results["Garden maintenance"]
