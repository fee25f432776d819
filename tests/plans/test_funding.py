"""Funding on schedule: the payment dates, the contribution alongside, pots, and a job that is safe to run twice."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from marketplace.budgets import ledger
from marketplace.budgets import service as budgets
from marketplace.budgets.models import LedgerEntry
from marketplace.extensions import db
from marketplace.plans import service as plans

# £3,900 a year: £2,600 to get out and about, £1,300 for the home (two to one).
OUTCOMES = [("Get out of the house twice a week and meet people", ["community"], 260000),
            ("Keep my flat clean and in order", ["habitable_home"], 130000)]
# Four-weekly from 1 April 2026: the first five payment dates.
APRIL_1, APRIL_29, MAY_27, JUNE_24, JULY_22 = (date(2026, 4, 1) + timedelta(weeks=4 * n) for n in range(5))


def fund(app, until: str):
    result = app.test_cli_runner().invoke(args=["budgets", "fund", "--until", until])
    db.session.expire_all()
    return result


def money_in(budget) -> list[LedgerEntry]:
    return [e for e in ledger.entries_for(budget.id) if e.kind in ("funding", "contribution")]


@pytest.fixture
def funded_budget(make, holder, coordinator):
    """Jo's budget with an approved £3,900 plan and a £390 contribution: £270 from the council and £30 from
    Jo every four weeks, each split two to one between the outcomes."""
    budget = make.budget(holder, contribution_pence=39000)
    make.approved_plan(holder, budget, OUTCOMES, decided_by=coordinator)
    return budget


# --- the schedule ---------------------------------------------------------------------

def test_a_four_weekly_budget_is_paid_thirteen_times_a_year_every_28_days(make, holder):
    budget = make.budget(holder, schedule="four_weekly")
    dates = budgets.payment_dates(budget)
    assert len(dates) == 13
    assert dates[:5] == [APRIL_1, APRIL_29, MAY_27, JUNE_24, JULY_22]
    assert {later - earlier for earlier, later in zip(dates, dates[1:])} == {timedelta(days=28)}
    assert dates[-1] == date(2027, 3, 3)


def test_a_monthly_budget_is_paid_on_the_same_day_each_month(make, holder):
    budget = make.budget(holder, schedule="monthly")
    assert budgets.payment_dates(budget) == [date(2026, m, 1) for m in range(4, 13)] + [date(2027, m, 1) for m in (1, 2, 3)]


def test_a_monthly_budget_starting_on_the_31st_is_paid_on_the_last_day_of_shorter_months(make, holder):
    budget = make.budget(holder, schedule="monthly", starts_on=date(2026, 1, 31))
    assert budgets.payment_dates(budget)[:4] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_a_one_off_budget_is_paid_once_on_the_first_day(make, holder):
    budget = make.budget(holder, schedule="one_off", approved_pence=120000)
    assert budgets.schedule(budget) == [budgets.Payment(date(2026, 4, 1), 120000, 0)]


def test_the_payments_add_up_to_the_approved_budget_to_the_penny(make, holder):
    budget = make.budget(holder, approved_pence=390007, contribution_pence=39005)
    payments = budgets.schedule(budget)
    assert sum(p.council_pence for p in payments) == 390007 - 39005
    assert sum(p.contribution_pence for p in payments) == 39005
    # The pennies left over by the division go on the last payment.
    assert len({p.council_pence for p in payments[:-1]}) == 1 and payments[-1].council_pence >= payments[0].council_pence


def test_the_contribution_is_due_on_the_same_dates_as_the_council_payments(make, holder):
    budget = make.budget(holder, approved_pence=390000, contribution_pence=39000)
    payments = budgets.schedule(budget)
    assert [p.due_on for p in payments] == budgets.payment_dates(budget)
    assert {(p.council_pence, p.contribution_pence) for p in payments} == {(27000, 3000)}


def test_the_next_payment_shows_the_council_share_and_the_contribution(make, holder):
    budget = make.budget(holder, approved_pence=390000, contribution_pence=39000)
    assert budgets.next_payment(budget, after=APRIL_1) == budgets.Payment(APRIL_29, 27000, 3000)


# --- the funding command -----------------------------------------------------------

def test_the_funding_command_posts_every_payment_due_by_the_date(app, funded_budget):
    result = fund(app, "2026-06-30")
    assert result.exit_code == 0, result.output
    # Four payment dates; funding and contribution, each in two pots.
    assert result.output.strip() == "Posted 16 funding entries due on or before 30 June 2026."
    assert sorted({e.effective_on for e in money_in(funded_budget)}) == [APRIL_1, APRIL_29, MAY_27, JUNE_24]


def test_running_the_funding_command_twice_posts_each_payment_once(app, funded_budget):
    fund(app, "2026-06-30")
    again = fund(app, "2026-06-30")
    assert again.output.strip() == "Posted 0 funding entries due on or before 30 June 2026."
    entries = money_in(funded_budget)
    assert len(entries) == 16
    assert Counter((e.kind, e.effective_on, e.pot) for e in entries).most_common(1)[0][1] == 1


def test_a_later_run_posts_only_the_payments_due_since(app, funded_budget):
    fund(app, "2026-06-30")
    later = fund(app, "2026-07-22")
    assert later.output.strip() == "Posted 4 funding entries due on or before 22 July 2026."
    per_date = Counter(e.effective_on for e in money_in(funded_budget))
    assert per_date == {day: 4 for day in (APRIL_1, APRIL_29, MAY_27, JUNE_24, JULY_22)}


def test_funding_is_posted_up_to_the_total_received(app, funded_budget):
    fund(app, "2026-06-30")
    received = ledger.balances(funded_budget.id).total
    assert (received.funded, received.available) == (4 * 30000, 4 * 30000)


def test_the_funding_command_refuses_a_date_it_cannot_read(app, funded_budget):
    result = fund(app, "30/06/2026")
    assert result.exit_code == 2
    assert "use the form YYYY-MM-DD" in result.output
    assert money_in(funded_budget) == []


def test_a_budget_without_an_approved_plan_is_not_funded(app, make, holder, coordinator):
    budget = make.budget(holder, approved_pence=390000)
    make.written_plan(holder, budget, OUTCOMES, by=coordinator, submit=True)
    assert fund(app, "2026-06-30").output.strip() == "Posted 0 funding entries due on or before 30 June 2026."
    assert money_in(budget) == []


def test_the_contribution_is_posted_alongside_the_council_payment(app, funded_budget):
    fund(app, "2026-04-01")
    entries = money_in(funded_budget)
    assert {(e.kind, e.effective_on) for e in entries} == {("funding", APRIL_1), ("contribution", APRIL_1)}
    assert sum(e.amount_pence for e in entries if e.kind == "contribution") == 3000
    assert sum(e.amount_pence for e in entries if e.kind == "funding") == 27000


def test_a_monthly_budget_is_funded_on_its_monthly_dates(app, make, holder, coordinator):
    budget = make.budget(holder, schedule="monthly")
    make.approved_plan(holder, budget, OUTCOMES, decided_by=coordinator)
    fund(app, "2026-06-30")
    assert sorted({e.effective_on for e in money_in(budget)}) == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    assert sum(e.amount_pence for e in money_in(budget) if e.effective_on == date(2026, 5, 1)) == 390000 // 12


# --- pots --------------------------------------------------------------------------------

def test_an_earmarked_council_splits_each_payment_between_the_outcomes_pro_rata(app, funded_budget):
    fund(app, "2026-04-01")
    plan = plans.approved_plan(funded_budget)
    out, home = (o.key for o in plan.outcomes)
    assert sorted((e.kind, e.pot, e.amount_pence) for e in money_in(funded_budget)) == sorted([
        ("funding", out, 18000), ("funding", home, 9000), ("contribution", out, 2000), ("contribution", home, 1000)])


def test_the_pennies_left_by_the_split_go_to_the_last_outcome(app, make, holder, coordinator):
    budget = make.budget(holder)
    thirds = [("Swim", ["community"], 100001), ("Garden", ["habitable_home"], 100001), ("Course", ["work_learning"], 100001)]
    plan = make.approved_plan(holder, budget, thirds, decided_by=coordinator)
    fund(app, "2026-04-01")
    first = budgets.schedule(budget)[0].council_pence  # 300003 / 13, rounded down: 23077
    shares = {e.pot: e.amount_pence for e in money_in(budget)}
    assert [shares[o.key] for o in plan.outcomes] == [7692, 7692, 7693]
    assert sum(shares.values()) == first


def test_a_global_council_pays_everything_into_the_one_pot(app, make, birchley):
    holder = make.holder(birchley)
    budget = make.budget(holder, contribution_pence=39000)
    make.approved_plan(holder, budget, OUTCOMES)
    fund(app, "2026-04-01")
    assert sorted((e.kind, e.pot, e.amount_pence) for e in money_in(budget)) == [
        ("contribution", None, 3000), ("funding", None, 27000)]


def test_a_global_council_budget_without_a_contribution_is_funded(app, make, birchley):
    holder = make.holder(birchley)
    budget = make.budget(holder, contribution_pence=0)
    make.approved_plan(holder, budget, OUTCOMES)
    result = fund(app, "2026-04-29")
    assert result.exit_code == 0, result.output
    assert [(e.kind, e.amount_pence) for e in money_in(budget)] == [("funding", 30000), ("funding", 30000)]


def test_a_payment_already_posted_is_not_posted_again_after_the_plan_changes(app, make, holder, budget, coordinator):
    make.approved_plan(holder, budget, OUTCOMES[:1], decided_by=coordinator)
    fund(app, "2026-04-29")
    before = ledger.balances(budget.id).total.funded
    # A new version adds an outcome (a new pot) and is approved.
    second = plans.new_version(coordinator, holder, budget)
    plans.add_outcome(coordinator, second, own_words="Keep my flat clean", codes=["habitable_home"], amount_pence=130000)
    plans.submit(coordinator, second)
    plans.decide(coordinator, second, "approved")
    assert fund(app, "2026-04-29").output.strip() == "Posted 0 funding entries due on or before 29 April 2026."
    assert ledger.balances(budget.id).total.funded == before
