"""Review dates follow each council's review schedule."""
from __future__ import annotations

from datetime import date

from marketplace.budgets import service as budgets

from .support import read


def test_aldermoor_reviews_after_six_weeks_then_every_year(make, holder):
    budget = make.budget(holder, starts_on=date(2026, 4, 1))
    assert budgets.review_dates(budget) == [date(2026, 5, 13), date(2027, 4, 1)]


def test_a_longer_plan_period_has_a_review_every_year(make, holder):
    budget = make.budget(holder, starts_on=date(2026, 4, 1), ends_on=date(2028, 3, 31))
    assert budgets.review_dates(budget) == [date(2026, 5, 13), date(2027, 4, 1), date(2028, 4, 1)]


def test_dunmere_reviews_after_three_months_then_every_year(make):
    holder = make.holder(make.council("dunmere"))
    budget = make.budget(holder, starts_on=date(2026, 4, 1))
    assert budgets.review_dates(budget) == [date(2026, 7, 1), date(2027, 4, 1)]


def test_coldwater_reviews_once_a_year_with_no_early_review(make, coldwater):
    holder = make.holder(coldwater)
    budget = make.budget(holder, starts_on=date(2026, 4, 1))
    assert budgets.review_dates(budget) == [date(2027, 4, 1)]


def test_the_money_page_lists_the_review_dates(browser, holder, budget):
    browser.sign_in("jo@example.com")
    assert "Reviews 13 May 2026, 1 April 2027" in read(browser.get(f"/holders/{holder.id}/money"))
