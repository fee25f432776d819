"""Councils' agreed rates are private: only people in that council see them, and they sort by them."""
from __future__ import annotations

import pytest

from marketplace.pricing import service as pricing

from ..helpers import page_text
from .support import result_titles, results_by_title

AGREED = "Aldermoor Council's agreed rate for people it funds"


@pytest.fixture
def counselling_agreed(make, catalogue):
    """Aldermoor agrees £35 for the online counselling that Aldermoor and Birchley both approved (public £40)."""
    make.agreed_price(catalogue.counselling, catalogue.aldermoor, 3500)
    return catalogue.counselling


@pytest.mark.parametrize("role", ["budget_holder", "care_coordinator", "commissioner"])
def test_person_in_the_council_sees_its_agreed_rate_with_where_it_comes_from(catalogue, counselling_agreed, sign_in_as,
                                                                            browser, role):
    sign_in_as(role, catalogue.aldermoor)

    results = results_by_title(browser.get("/catalogue?q=counselling"))
    page = page_text(browser.get(f"/catalogue/listings/{counselling_agreed.id}"))

    assert f"£35.00 a session ({AGREED})" in results["Online counselling"]
    assert f"£35.00 a session {AGREED}. The public price is £40.00 a session." in page


def test_person_in_another_council_sees_the_public_price(catalogue, counselling_agreed, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.birchley, postcode_district="BL1")

    results = results_by_title(browser.get("/catalogue?q=counselling"))
    page = page_text(browser.get(f"/catalogue/listings/{counselling_agreed.id}"))

    assert "£40.00 a session (Public price)" in results["Online counselling"]
    assert "£40.00 a session Public price." in page
    assert "£35.00" not in page and "agreed rate" not in page


def test_a_provider_working_in_the_council_sees_the_public_price(make, catalogue, counselling_agreed, browser):
    """A provider's pages are in Aldermoor's view (its organisation is approved there), but Aldermoor
    does not fund it: the agreed rate is not for it to see."""
    _organisation, provider = make.provider(catalogue.aldermoor)
    browser.sign_in(provider.email)

    results = results_by_title(browser.get("/catalogue?q=counselling"))
    page = page_text(browser.get(f"/catalogue/listings/{counselling_agreed.id}"))

    assert "£40.00 a session (Public price)" in results["Online counselling"]
    assert "£35.00" not in page and "agreed rate" not in page


@pytest.mark.parametrize("query", ["", "&council=aldermoor"])
def test_anonymous_visitor_sees_the_public_price_even_in_the_councils_catalogue(catalogue, counselling_agreed, client, query):
    results = results_by_title(client.get(f"/catalogue?q=counselling{query}"))
    page = page_text(client.get(f"/catalogue/listings/{counselling_agreed.id}?{query.lstrip('&')}"))

    assert "£40.00 a session (Public price)" in results["Online counselling"]
    assert "£40.00 a session Public price." in page
    assert "£35.00" not in page and "agreed rate" not in page


def test_ended_agreed_rate_no_longer_applies(make, catalogue, sign_in_as, browser):
    commissioner = make.user("commissioner", catalogue.aldermoor)
    pricing.end_council_price(commissioner, catalogue.gardening_help, catalogue.aldermoor)
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")

    results = results_by_title(browser.get("/catalogue?q=gardening"))

    assert "£18.00 an hour (Public price)" in results["Gardening help"]


def test_price_sort_uses_the_agreed_rate_for_a_person_in_that_council(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")

    titles = result_titles(browser.get("/catalogue?sort=price&area=SK4"))

    # Gardening help is £18 to the public but £15 to Aldermoor, so it comes before £16 domestic help.
    assert titles == ["Heaton walking group", "Fitness classes for beginners", "Accessible taxi service",
                      "Personal assistant: Amira, cooking and driving", "Gardening help", "Domestic help at home",
                      "Garden maintenance", "Online counselling"]


def test_price_sort_uses_the_public_price_for_a_person_in_another_council(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.birchley, postcode_district="BL1")

    titles = result_titles(browser.get("/catalogue?sort=price&area="))

    assert titles == ["Garden tidy-ups", "Online counselling"]


def test_price_sort_uses_the_public_price_for_an_anonymous_visitor(catalogue, client):
    titles = result_titles(client.get("/catalogue?sort=price&area=SK4"))

    assert titles.index("Domestic help at home") < titles.index("Gardening help")


def test_price_filter_uses_the_agreed_rate_for_a_person_in_that_council(catalogue, sign_in_as, browser):
    sign_in_as("budget_holder", catalogue.aldermoor, postcode_district="SK4")

    titles = result_titles(browser.get("/catalogue?q=garden&price_min=14&price_max=15"))

    assert titles == ["Gardening help"]


def test_price_sort_uses_the_public_price_for_an_anonymous_visitor_who_chose_a_council(catalogue, client):
    titles = result_titles(client.get("/catalogue?sort=price&council=aldermoor&area=SK4"))

    assert titles.index("Domestic help at home") < titles.index("Gardening help")


def test_price_filter_uses_the_public_price_for_an_anonymous_visitor_who_chose_a_council(catalogue, client):
    titles = result_titles(client.get("/catalogue?q=garden&price_min=14&price_max=15&council=aldermoor"))

    assert titles == []
