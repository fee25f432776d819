"""Recurring orders: which dates a weekly schedule books, and how the plan year bounds it."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from marketplace.errors import DomainError
from marketplace.orders import basket, schedules
from marketplace.orders import quote as quoting

from ..plans.support import date_fields
from .support import add_to_basket_page, order, pot, read

PLAN_YEAR = SimpleNamespace(starts_on=date(2026, 4, 1), ends_on=date(2027, 3, 31))


# --- the dates --------------------------------------------------------------------------------

def test_occurrence_dates_are_every_chosen_weekday_from_the_start_to_the_end_inclusive():
    # Tuesday 1 December to Thursday 10 December 2026.
    assert schedules.occurrence_dates(["tue", "thu"], date(2026, 12, 1), date(2026, 12, 10)) == [
        date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 8), date(2026, 12, 10)]


def test_occurrence_dates_ignore_unknown_day_names():
    assert schedules.occurrence_dates(["sat", "someday"], date(2026, 12, 1), date(2026, 12, 13)) == [
        date(2026, 12, 5), date(2026, 12, 12)]


def test_occurrence_dates_are_empty_without_days_or_when_the_end_is_before_the_start():
    assert schedules.occurrence_dates([], date(2026, 12, 1), date(2026, 12, 31)) == []
    assert schedules.occurrence_dates(["mon"], date(2026, 12, 31), date(2026, 12, 1)) == []


def test_a_schedule_ending_after_the_plan_stops_at_the_plan_end_and_says_so():
    schedule = {"days": ["tue"], "starts_on": "2027-03-01", "ends_on": "2027-06-30"}
    assert schedules.schedule_window(schedule, PLAN_YEAR) == (date(2027, 3, 1), date(2027, 3, 31), True)


def test_a_schedule_without_an_end_runs_to_the_plan_end_without_being_cut_short():
    schedule = {"days": ["tue"], "starts_on": "2026-12-01", "ends_on": None}
    assert schedules.schedule_window(schedule, PLAN_YEAR) == (date(2026, 12, 1), date(2027, 3, 31), False)


def test_a_schedule_inside_the_plan_keeps_its_own_dates():
    schedule = {"days": ["tue"], "starts_on": "2026-12-01", "ends_on": "2027-01-31"}
    assert schedules.schedule_window(schedule, PLAN_YEAR) == (date(2026, 12, 1), date(2027, 1, 31), False)


def test_a_schedule_starting_before_the_plan_starts_with_the_plan():
    schedule = {"days": ["tue"], "starts_on": "2026-01-01", "ends_on": "2026-06-30"}
    assert schedules.schedule_window(schedule, PLAN_YEAR)[0] == date(2026, 4, 1)


# --- ordering a schedule across the plan end ---------------------------------------------------

ACROSS_THE_END = {"days": ["tue"], "starts_on": "2027-03-01", "ends_on": "2027-06-30"}
TUESDAYS_IN_MARCH_2027 = [date(2027, 3, 2), date(2027, 3, 9), date(2027, 3, 16), date(2027, 3, 23), date(2027, 3, 30)]


def test_a_schedule_beyond_the_plan_end_books_only_the_dates_inside_the_plan(jo, holder, budget, outing, sessions):
    placed = order(jo, holder, sessions, 1, outing, schedule=ACROSS_THE_END)
    assert placed.kind == "schedule"
    assert [o.on for o in placed.lines[0].occurrences] == TUESDAYS_IN_MARCH_2027


def test_a_schedule_beyond_the_plan_end_commits_only_what_falls_inside_the_plan(jo, holder, budget, outing, sessions):
    placed = order(jo, holder, sessions, 1, outing, schedule=ACROSS_THE_END)
    assert placed.committed_pence == 5 * 4000
    assert [o.amount_pence for o in placed.lines[0].occurrences] == [4000] * 5
    assert pot(budget, outing).committed == 20000


def test_the_basket_says_a_schedule_stops_at_the_end_of_the_plan_year(browser, holder, budget, outing, sessions):
    browser.sign_in("jo@example.com")
    response = add_to_basket_page(browser, holder, sessions, 1, outing, recurring="weekly", days=["tue"],
                                  starts_on=date_fields(date(2027, 3, 1)), ends_on=date_fields(date(2027, 6, 30)))
    assert response.status_code == 302
    text = read(browser.get(f"/holders/{holder.id}/basket"))
    assert "5 dates, 2 March 2027 to 30 March 2027 Stops at the end of the plan year." in text
    assert "£200.00" in text


def test_a_weekly_start_date_in_the_past_is_refused_not_moved_to_today(jo, holder, budget, outing, sessions):
    # Today is Monday 16 November 2026 (before: the schedule silently started today instead).
    with pytest.raises(DomainError, match=r"The start date \(1 November 2026\) has passed"):
        basket.add_to_basket(jo, holder, sessions, 1, outing.key,
                             {"days": ["mon", "wed"], "starts_on": "2026-11-01", "ends_on": "2026-11-25"})
    assert basket.basket(jo, holder) == []


def test_the_order_form_refuses_a_weekly_start_date_in_the_past_with_a_clear_error(browser, jo, holder, budget, outing, sessions):
    browser.sign_in("jo@example.com")
    response = add_to_basket_page(browser, holder, sessions, 1, outing, recurring="weekly", days=["mon"],
                                  starts_on=date_fields(date(2026, 11, 2)))
    assert response.status_code == 200
    assert "That start date has passed. Enter today, 16 November 2026, or a later date" in read(response)
    assert basket.basket(jo, holder) == []


def test_a_start_date_that_passes_while_waiting_in_the_basket_is_not_moved(frozen_clock, jo, holder, budget, outing, sessions):
    basket.add_to_basket(jo, holder, sessions, 1, outing.key, {"days": ["tue"], "starts_on": "2026-11-17", "ends_on": None})
    frozen_clock.advance(days=3)  # Thursday 19 November
    checked = quoting.quote(jo, holder)
    assert checked.problems == ["The start date for “Support worker for days out” has passed. "
                                "Remove it and add it again with a new date."]


def test_a_schedule_with_no_dates_in_the_plan_year_cannot_be_ordered(jo, holder, budget, outing, sessions):
    basket.add_to_basket(jo, holder, sessions, 1, outing.key,
                          {"days": ["tue"], "starts_on": "2027-04-01", "ends_on": "2027-06-30"})
    checked = quoting.quote(jo, holder)
    assert checked.problems == ["The schedule for “Support worker for days out” has no dates inside the plan year."]
    assert not checked.fits


def test_a_schedule_that_does_not_fit_says_how_many_dates_would(jo, holder, budget, outing, sessions):
    # Every Tuesday to the end of the plan: 20 dates at 2 sessions (£80) is £1,600 against £1,000.
    basket.add_to_basket(jo, holder, sessions, 2, outing.key, {"days": ["tue"], "starts_on": "2026-11-17", "ends_on": None})
    (shortfall,) = quoting.quote(jo, holder).shortfalls
    assert (shortfall.needed_pence, shortfall.shortfall_pence) == (160000, 60000)
    assert shortfall.fewer == ["12 of the 20 dates of “Support worker for days out” would fit."]
