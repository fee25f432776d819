"""What the holder sees of their money: left overall and per outcome, already promised, the next payment in."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from marketplace import clock
from marketplace.budgets import ledger
from marketplace.extensions import db
from marketplace.plans import funding
from marketplace.plans import service as plans
from marketplace.plans.money import money_summary

from .support import fresh, read

OUTCOMES = [("Get out of the house twice a week and meet people", ["community"], 260000),
            ("Keep my flat clean and in order", ["habitable_home"], 130000)]
MAY_10 = datetime(2026, 5, 10, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def spending(make, holder, coordinator):
    """Jo on 10 May 2026: paid in on 1 and 29 April (£300 each, £30 of it Jo's own), £50 promised to a provider
    for getting out. Left: £350 to get out, £200 for the home."""
    with clock.frozen(MAY_10):
        budget = make.budget(holder, contribution_pence=39000)
        plan = make.approved_plan(holder, budget, OUTCOMES, decided_by=coordinator)
        funding.fund_until(clock.today())
        ledger.commit(budget, 5000, outcome_key=plan.outcomes[0].key)
        db.session.commit()
    return budget


def page(browser, url, on=MAY_10) -> str:
    with clock.frozen(on):
        response = browser.get(url)
    assert response.status_code == 200
    return read(response)


def test_the_money_page_shows_the_money_left_to_spend_of_what_was_received(browser, spending, holder):
    browser.sign_in("jo@example.com")
    text = page(browser, f"/holders/{holder.id}/money")
    assert "Left to spend now £550.00 of the £600.00 received so far. £3,300.00 more is still to come this year" in text
    assert "Money left to spend" not in text


def test_the_money_page_shows_the_money_already_promised(browser, spending, holder):
    browser.sign_in("jo@example.com")
    assert "Promised to providers £50.00 for support you have ordered and not yet paid for" in page(browser, f"/holders/{holder.id}/money")


def test_the_money_page_shows_the_next_payment_as_an_amount_and_a_date(browser, spending, holder):
    browser.sign_in("jo@example.com")
    text = page(browser, f"/holders/{holder.id}/money")
    assert "Next payment £300.00 paid in on Wednesday 27 May 2026, including your own contribution of £30.00" in text
    assert "Next payment in" not in text


def test_the_money_page_shows_how_the_figures_add_up(browser, spending, holder):
    """£3,900 for the year = £600 received + £3,300 to come; £600 - £0 spent - £50 promised = £550 left."""
    browser.sign_in("jo@example.com")
    text = page(browser, f"/holders/{holder.id}/money")
    assert ("How your money adds up Budget for the year £3,900.00 Still to come this year £3,300.00 "
            "Received so far £600.00 Spent − £0.00 Promised to providers − £50.00 Left to spend now £550.00") in text


def test_a_correction_shows_in_the_sum_so_it_still_adds_up(browser, spending, holder, coordinator):
    ledger.adjust(spending, -2500, pot=plans.approved_plan(spending).outcomes[1].key, actor=coordinator, memo="Paid twice by mistake")
    db.session.commit()
    browser.sign_in("jo@example.com")
    text = page(browser, f"/holders/{holder.id}/money")
    assert ("Received so far £600.00 Taken off by corrections or returned to the council − £25.00 Spent − £0.00 "
            "Promised to providers − £50.00 Left to spend now £525.00") in text


def test_the_money_page_shows_what_is_left_for_each_outcome(browser, spending, holder):
    browser.sign_in("jo@example.com")
    text = page(browser, f"/holders/{holder.id}/money")
    # In your words, set aside for the year, left now, promised.
    assert f"{OUTCOMES[0][0]} £2,600.00 £350.00 £50.00" in text
    assert f"{OUTCOMES[1][0]} £1,300.00 £200.00 £0.00" in text


def test_the_holders_home_page_shows_the_same_money(browser, spending):
    browser.sign_in("jo@example.com")
    text = page(browser, "/")
    assert "Left to spend now £550.00 of the £600.00 received so far" in text
    assert "Promised to providers £50.00" in text
    assert "Next payment £300.00 paid in on Wednesday 27 May 2026" in text
    assert f"{OUTCOMES[0][0]} £2,600.00 £350.00 £50.00" in text


def test_after_the_last_payment_the_page_says_no_more_are_due(browser, spending, holder):
    browser.sign_in("jo@example.com")
    text = page(browser, f"/holders/{holder.id}/money", on=datetime(2027, 3, 10, tzinfo=timezone.utc))
    assert "No more payments this plan year." in text


def test_before_a_plan_is_approved_the_page_says_money_follows_approval(browser, make, holder, budget, coordinator):
    make.written_plan(holder, budget, OUTCOMES, by=coordinator, submit=True)
    browser.sign_in("jo@example.com")
    text = read(browser.get(f"/holders/{holder.id}/money"))
    assert "Money is paid in once the support plan is approved." in text
    assert "Left to spend now" not in text


def test_a_global_council_lists_the_outcomes_without_separate_pots(browser, make, birchley):
    holder = make.holder(birchley, user=make.user(email="gil@example.com"))
    with clock.frozen(MAY_10):
        budget = make.budget(holder)
        make.approved_plan(holder, budget, OUTCOMES)
        funding.fund_until(clock.today())
    browser.sign_in("gil@example.com")
    text = page(browser, f"/holders/{holder.id}/money")
    assert "Left to spend now £600.00" in text
    assert "Your council lets you use the money for any outcome in your plan:" in text
    assert f"{OUTCOMES[0][0]} (£2,600.00 planned for the year)" in text
    assert "Set aside for the year" not in text


def test_the_summary_adds_up_the_outcomes_to_the_total(spending):
    summary = money_summary(spending)
    assert (summary.left, summary.promised, summary.received) == (55000, 5000, 60000)
    assert sum(o.left for o in summary.outcomes) == summary.left
    assert [o.set_aside for o in summary.outcomes] == [260000, 130000]


def test_the_summary_follows_the_newest_approved_plan(make, holder, coordinator, spending):
    second = plans.new_version(coordinator, holder, spending)
    plans.add_outcome(coordinator, second, own_words="Do a course", codes=["work_learning"], amount_pence=52000)
    plans.submit(coordinator, second)
    plans.decide(coordinator, second, "approved")
    assert [o.words for o in money_summary(spending).outcomes] == [OUTCOMES[0][0], OUTCOMES[1][0], "Do a course"]
    assert fresh(spending).approved_annual_budget_pence == 442000


def test_the_statement_says_what_each_payment_in_is_for(browser, spending, holder):
    """Each payment in is shared between the two outcomes' pots, from the council and from Jo: four lines a date."""
    browser.sign_in("jo@example.com")
    text = page(browser, f"/budgets/{spending.id}/ledger")
    for who in ("Council funding", "Your own contribution"):
        for words, _codes, _amount in OUTCOMES:
            assert f"1 Apr 2026 {who}, set aside for “{words}”" in text
    assert "Promised to a provider, for “Get out of the house twice a week and meet people” £50.00" in text
    assert "Money received from the council" not in text
    assert "Received so far: £600.00. Spent: £0.00. Promised to providers: £50.00. Left to spend now: £550.00." in text


def test_in_a_global_council_the_statement_says_the_money_is_for_anything_in_the_plan(browser, make, birchley):
    holder = make.holder(birchley, user=make.user(email="gil@example.com"))
    with clock.frozen(MAY_10):
        budget = make.budget(holder)
        make.approved_plan(holder, budget, OUTCOMES)
        funding.fund_until(clock.today())
    browser.sign_in("gil@example.com")
    text = page(browser, f"/budgets/{budget.id}/ledger")
    assert "1 Apr 2026 Council funding, for anything in your plan £300.00" in text
