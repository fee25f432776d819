"""The council's list of budget holders (issue 12: "'See budget holders' lists 179 people with no
search"): found by name or case reference, 25 to a page."""
from __future__ import annotations

import pytest

from marketplace.accounts import roles as R

from .helpers import page_text


@pytest.fixture
def council_with_people(make):
    aldermoor = make.council("aldermoor")
    make.user(R.CARE_COORDINATOR, aldermoor, email="cath@example.com")
    for n in range(60):
        make.holder(aldermoor, name=f"Person {n:02d}")
    jo = make.holder(aldermoor, name="Jo Holder")
    make.holder(make.council("birchley"), name="Jo Elsewhere")
    return jo


def test_the_list_shows_25_people_a_page_with_a_way_to_the_next(browser, council_with_people):
    browser.sign_in("cath@example.com", "correct horse battery")
    response = browser.get("/holders")
    text = page_text(response)
    assert "61 people, page 1 of 3." in text
    assert text.count("No email") == 25
    assert 'href="/holders?page=2"' in response.get_data(as_text=True)
    last = page_text(browser.get("/holders?page=3"))
    assert "page 3 of 3" in last and last.count("No email") == 11


def test_a_search_by_name_finds_the_person_in_this_council_only(browser, council_with_people):
    browser.sign_in("cath@example.com", "correct horse battery")
    text = page_text(browser.get("/holders?q=jo"))
    assert "1 person found for “jo”" in text
    assert "Jo Holder" in text and "Jo Elsewhere" not in text and "Person 01" not in text


def test_a_search_by_case_reference_finds_the_person(browser, council_with_people):
    browser.sign_in("cath@example.com", "correct horse battery")
    text = page_text(browser.get("/holders", query_string={"q": council_with_people.reference.lower()}))
    assert "1 person found" in text and "Jo Holder" in text


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "x" * 5000])
def test_a_search_for_odd_characters_finds_nobody_and_does_not_fail(browser, council_with_people, query):
    browser.sign_in("cath@example.com", "correct horse battery")
    response = browser.get("/holders", query_string={"q": query})
    assert response.status_code == 200
    assert "0 people found" in page_text(response)


def test_a_page_past_the_end_shows_the_last_page(browser, council_with_people):
    browser.sign_in("cath@example.com", "correct horse battery")
    assert "page 3 of 3" in page_text(browser.get("/holders?page=99"))
