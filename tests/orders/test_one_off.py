"""One-off purchases (issue 12, "One-off orders read as weekly"): judged against the council's one-off
limit, never described as weekly; given a date, not in the past; and the basket says what will happen
once, in plain words.

Aldermoor's coordinator lets through £250 a week and, as council_rules.json records it, £1,000 at once
(four weeks of the weekly limit: the reference data gives no one-off limit).
"""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.councils.models import Council
from marketplace.councils.service import reference_council_rules
from marketplace.errors import DomainError
from marketplace.orders import basket
from marketplace.orders import quote as quoting

from ..helpers import page_text
from ..plans.support import date_fields
from .support import add_to_basket_page, order, read

EQUIPMENT = "Getting about the house"


@pytest.fixture
def well_funded(make, aldermoor, coordinator):
    """Kim Holder, with £3,000 for equipment to get about the house."""
    person = make.user(email="kim@example.com", name="Kim Holder")
    holder = make.holder(aldermoor, user=person, named_contact_id=coordinator.id)
    budget = make.budget(holder)
    plan = make.plan_for_ordering(holder, budget, [(EQUIPMENT, ["home"], 300000, ["equipment"])], by=coordinator,
                                  through_service=False)
    return person, holder, plan.outcomes[0]


@pytest.fixture
def hoist(make, provider):
    return make.orderable(provider[0], title="Ceiling hoist", price_pence=126000, category="equipment", price_unit="item")


@pytest.fixture
def rail(make, provider):
    return make.orderable(provider[0], title="Grab rails, fitted", price_pence=90000, category="equipment", price_unit="item")


def test_every_reference_council_has_a_one_off_limit_of_four_weeks_of_its_weekly_limit():
    for rules in reference_council_rules():
        for rung in rules["approval_limits"]:
            weekly = rung["max_weekly_pence"]
            assert rung["max_one_off_pence"] == (None if weekly is None else 4 * weekly), rules["slug"]
        assert any("one-off" in a for a in rules["assumptions"]), rules["slug"]


def test_a_council_whose_data_gives_no_one_off_limit_gets_four_weeks_of_its_weekly_limit():
    council = Council(slug="x", name="X", approval_limits=[{"level": "care_coordinator", "max_weekly_pence": 30000}])
    assert (council.weekly_limit_pence, council.one_off_limit_pence) == (30000, 120000)
    assert Council(slug="y", name="Y", approval_limits=[{"level": "care_coordinator", "max_weekly_pence": None}]
                   ).one_off_limit_pence is None


def test_a_one_off_purchase_of_1260_pounds_is_judged_against_the_one_off_limit_not_called_weekly(well_funded, hoist):
    person, holder, outcome = well_funded
    placed = order(person, holder, hoist, 1, outcome)
    assert placed.status == "awaiting_approval"
    assert placed.approval_reasons == ["A one-off purchase of £1,260.00 is above the £1,000.00 that Aldermoor Council "
                                       "lets people spend at once without a check."]
    assert not any("a week" in reason for reason in placed.approval_reasons)


def test_a_one_off_purchase_above_the_weekly_limit_but_within_the_one_off_limit_goes_straight_to_the_provider(
        well_funded, rail):
    person, holder, outcome = well_funded
    placed = order(person, holder, rail, 1, outcome)  # £900: before, "£900.00 a week, above the £250.00 a week"
    assert (placed.status, placed.approval_reasons) == ("placed", [])


def test_weekly_support_and_a_one_off_purchase_in_one_basket_are_each_judged_against_their_own_limit(
        well_funded, make, provider, hoist):
    person, holder, outcome = well_funded
    lifts = make.orderable(provider[0], title="Help with lifting", price_pence=2000, category="equipment")
    basket.add_to_basket(person, holder, lifts, 5, outcome.key, {"days": ["tue"], "starts_on": "2026-11-17",
                                                                  "ends_on": "2026-11-24"})
    basket.add_to_basket(person, holder, hoist, 1, outcome.key, {"once_on": "2026-12-01"})
    reasons = quoting.quote(person, holder).approval_reasons
    assert reasons == ["A one-off purchase of £1,260.00 is above the £1,000.00 that Aldermoor Council lets people "
                       "spend at once without a check."]  # £100 a week is within £250 a week


# --- a date for a one-off ---------------------------------------------------------------------

def test_a_one_off_order_is_booked_for_the_date_it_is_wanted(browser, jo, holder, budget, outing, sessions):
    browser.sign_in("jo@example.com")
    response = add_to_basket_page(browser, holder, sessions, 2, outing, once_on=date_fields(date(2026, 12, 1)),
                                  time="10am to 1pm")
    assert response.status_code == 302
    (item,) = basket.basket(jo, holder)
    assert (item.wanted_on, item.time_text, item.is_weekly) == (date(2026, 12, 1), "10am to 1pm", False)
    text = read(browser.get(f"/holders/{holder.id}/basket"))
    assert "Once, on Tuesday 1 December 2026" in text and "10am to 1pm" in text
    placed = order(jo, holder, sessions, 1, outing, schedule={"once_on": "2026-12-03"})  # placed with the first
    assert [[o.on for o in line.occurrences] for line in placed.lines] == [[date(2026, 12, 1)], [date(2026, 12, 3)]]
    text = read(browser.get(f"/orders/{placed.id}"))
    assert "wanted on Tuesday 1 December 2026, 10am to 1pm" in text and "wanted on Thursday 3 December 2026" in text


def test_a_one_off_date_in_the_past_is_refused(browser, jo, holder, budget, outing, sessions):
    browser.sign_in("jo@example.com")
    response = add_to_basket_page(browser, holder, sessions, 2, outing, once_on=date_fields(date(2026, 11, 10)))
    assert response.status_code == 200
    assert "That date has passed. Enter today, 16 November 2026, or a later date" in read(response)
    with pytest.raises(DomainError, match="has passed"):
        basket.add_to_basket(jo, holder, sessions, 1, outing.key, {"once_on": "2026-11-10"})
    assert basket.basket(jo, holder) == []


def test_the_order_form_asks_when_a_one_off_is_wanted(browser, jo, holder, budget, outing, sessions):
    browser.sign_in("jo@example.com")
    response = add_to_basket_page(browser, holder, sessions, 2, outing, once_on=["", "", ""])
    assert "Enter the date you want it" in read(response)
    assert basket.basket(jo, holder) == []


def test_a_one_off_wanted_after_the_plan_year_cannot_be_ordered(jo, holder, budget, outing, sessions):
    basket.add_to_basket(jo, holder, sessions, 1, outing.key, {"once_on": "2027-05-01"})
    assert quoting.quote(jo, holder).problems == [
        "“Support worker for days out” is wanted on 1 May 2027, outside the plan year (1 April 2026 to 31 March 2027)."]


# --- one message for one outcome ----------------------------------------------------------------

def _messages(text: str) -> list[str]:
    found = [m for m in ("Success", "This does not fit the money left", "Your care coordinator will check",
                         "goes straight to the provider") if m in text]
    return found


def test_adding_what_fits_says_so_once(browser, jo, holder, budget, outing, sessions):
    browser.sign_in("jo@example.com")
    add_to_basket_page(browser, holder, sessions, 2, outing)
    text = page_text(browser.get(f"/holders/{holder.id}/basket"))
    assert _messages(text) == ["Success", "goes straight to the provider"]
    assert "“Support worker for days out” is in the basket." in text


def test_adding_what_needs_a_check_says_only_that_the_coordinator_will_check_and_why(browser, jo, holder, budget, outing,
                                                                                     gardening):
    browser.sign_in("jo@example.com")
    add_to_basket_page(browser, holder, gardening, 2, outing)
    text = read(browser.get(f"/holders/{holder.id}/basket"))
    assert _messages(text) == ["Your care coordinator will check"]
    assert "Gardening is not one of the kinds of support the plan foresees for “Getting out and about”." in text


def test_adding_what_does_not_fit_says_only_that_and_what_would(browser, jo, holder, budget, outing, gardening):
    # 60 hours of gardening: £1,200 against £1,000 left, and outside the plan: before, the page showed a green
    # "Success" banner, the red box and "your coordinator will check" at once.
    browser.sign_in("jo@example.com")
    add_to_basket_page(browser, holder, gardening, 60, outing)
    text = read(browser.get(f"/holders/{holder.id}/basket"))
    assert _messages(text) == ["This does not fit the money left"]
    assert "50 hours of “Garden tidy-up” would fit (£1,000.00)." in text
