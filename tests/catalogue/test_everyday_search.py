"""Searches typed the way people talk ("someone to help me get out of the house") find what they mean,
precise searches stay precise, and a search that finds nothing shows no empty filter headings and
says where it looked. A small catalogue shaped like the demo's, through /catalogue."""
from __future__ import annotations

import re
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

from marketplace.extensions import db

from .. import factories
from ..helpers import page_text
from .support import result_titles

pytestmark = pytest.mark.usefixtures("search_backend")  # every test against each search backend

TITLES = {
    "trips": "Supported day trips",
    "cinema": "Cinema and meal out with support",
    "befriending": "Befriending and social support",
    "around_house": "Help around the house and garden",
    "cleaning": "Home cleaning help",
    "care": "Personal care at home",
    "swim": "Swim sessions for adults",
    "pa": "Personal assistant: Amira, cooking and driving",
    "counselling": "Counselling",
}


@pytest.fixture
def market(make):
    """Aldermoor with nine listings like the demo's, all serving SK4, indexed by one commit."""
    council = factories.council("aldermoor")
    organisation, _ = factories.provider(council, name="Aldermoor Care and Leisure")

    def listing(key, category, summary, outcomes, **fields):
        return factories.listing(organisation, title=TITLES[key], category=category, summary=summary,
                                 outcomes=outcomes, commit=False, **fields)

    listing("trips", "days-out", "Day trips to the coast, the countryside and places of interest, with support.",
            ["community", "relationships"], delivery_modes=["venue"])
    listing("cinema", "leisure", "Someone to go with you to the cinema and for a meal.", ["community", "relationships"],
            delivery_modes=["venue"])
    listing("befriending", "social-support", "Someone to go with you to groups and activities until you feel confident.",
            ["relationships", "community"])
    listing("around_house", "domestic-help", "Help with housework, shopping and light garden jobs.",
            ["habitable_home", "nutrition"])
    listing("cleaning", "domestic-help", "A regular cleaner to keep your home clean and tidy.", ["habitable_home"])
    listing("care", "personal-care", "Help with washing, dressing and medication, from a regulated care provider.",
            ["hygiene", "clothing"])
    listing("swim", "sports", "Quiet pool sessions with a patient coach.", ["community"], delivery_modes=["venue"])
    listing("pa", "personal-assistant", "Amira can help with cooking, driving and shopping.", ["nutrition"], kind="person")
    listing("counselling", "wellness", "Talking therapy with a qualified counsellor.", ["relationships"],
            delivery_modes=["online"])
    db.session.commit()
    return SimpleNamespace(council=council)


def _titles(client, **params) -> set[str]:
    return set(result_titles(client.get(f"/catalogue?{urlencode({'council': 'aldermoor', **params})}")))


def _expect(*keys) -> set[str]:
    return {TITLES[k] for k in keys}


# --- plain language finds what it means --------------------------------------------------------

def test_someone_to_help_me_get_out_of_the_house_finds_trips_outings_and_company(market, client):
    # Before: "get", "out" and "house" each had to match, and no listing says all three: 0 results.
    assert _titles(client, q="someone to help me get out of the house") == _expect("trips", "cinema", "befriending")


@pytest.mark.parametrize("text", ["get out of the house", "help me go out", "I would like to get out more",
                                  "going out", "someone to take me out"])
def test_other_ways_of_saying_going_out_find_the_same_listings(market, client, text):
    assert _titles(client, q=text) >= _expect("trips", "cinema")
    assert not _titles(client, q=text) & _expect("cleaning", "care", "around_house")


@pytest.mark.parametrize("text", ["meet people", "make friends", "I am lonely", "someone to talk to"])
def test_wanting_company_finds_befriending(market, client, text):
    found = _titles(client, q=text)

    assert TITLES["befriending"] in found
    assert not found & _expect("cleaning", "care", "trips", "swim")


@pytest.mark.parametrize("text, expected", [
    ("go swimming", ("swim",)),                    # before: "go" had to match too: 0 results
    ("cook my meals", ("pa",)),                    # before: "meals" had to match too: 0 results
    ("get dressed", ("care",)),
])
def test_verbs_and_everyday_words_around_a_need_do_not_hide_it(market, client, text, expected):
    assert _titles(client, q=text) == _expect(*expected)


def test_my_house_finds_listings_that_say_home(market, client):
    found = _titles(client, q="clean my house")

    # Before: only the listing whose title says "house"; "Home cleaning help" was missed.
    assert _expect("cleaning", "around_house") <= found
    assert not found & _expect("trips", "cinema", "befriending", "swim")


# --- precise searches are not made worse -----------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("day trips", ("trips",)),
    ("cinema", ("cinema",)),
    ("befriending", ("befriending",)),
    ("help around the house", ("around_house",)),
    ("swimming", ("swim",)),
    ("counselling", ("counselling",)),
    ("cooking driving", ("pa",)),
    ("cinema swimming", ()),
])
def test_precise_searches_find_exactly_what_they_name(market, client, text, expected):
    assert _titles(client, q=text) == _expect(*expected)


def test_a_search_for_going_out_puts_outings_before_listings_that_only_mention_the_outcome(market, client):
    titles = result_titles(client.get("/catalogue?council=aldermoor&q=someone+to+help+me+get+out+of+the+house"))

    assert set(titles[:2]) == _expect("trips", "cinema")


# --- a search that finds nothing -------------------------------------------------------------------

def _legends(response) -> list[str]:
    return re.findall(r'<legend class="govuk-fieldset__legend[^"]*">([^<]*)</legend>', response.get_data(as_text=True))


def test_a_search_that_finds_nothing_shows_no_empty_filter_headings(market, client):
    response = client.get("/catalogue?council=aldermoor&q=trampolining")

    assert "0 results" in page_text(response)
    # Before: Category, Helps with, Where, Day of the week, Accessibility, Language and Type, each with nothing under it.
    assert _legends(response) == ["Price"]


def test_filters_show_only_headings_with_something_to_tick(market, client):
    legends = _legends(client.get("/catalogue?council=aldermoor&q=cinema"))

    assert {"Category", "Helps with", "Where", "Price"} <= set(legends)
    assert "Language" not in legends and "Accessibility" not in legends and "Day of the week" not in legends


def test_a_ticked_filter_stays_on_the_page_when_nothing_matches_so_it_can_be_unticked(market, client):
    response = client.get("/catalogue?council=aldermoor&q=cinema&category=gardening")

    assert "Category" in _legends(response)
    assert 'value="gardening" checked' in response.get_data(as_text=True)


def test_community_groups_offered_after_nothing_is_found_say_where_they_are_not_near_you(market, client):
    factories.listing(None, council=market.council, title="Aldermoor walking group", summary="A gentle walk.",
                      areas=["SK4"], price_pence=None)

    text = page_text(client.get("/catalogue?council=aldermoor&q=trampolining"))
    # Before: "Free community groups near you" though nobody said where they are.
    assert "near you" not in text
    assert "Free community groups in Aldermoor Council" in text
    assert "Aldermoor walking group" in text

    text = page_text(client.get("/catalogue?council=aldermoor&q=trampolining&area=SK4"))
    assert "Free community groups serving SK4" in text


def test_results_come_before_the_filters_with_a_link_to_them(market, client):
    html = client.get("/catalogue?council=aldermoor&q=cinema").get_data(as_text=True)

    assert html.index('class="sm-result"') < html.index('aria-label="Filters"')
    assert re.search(r'<a class="govuk-link sm-filter-link" href="#filters">Filter results</a>', html)
    assert 'id="filters"' in html
