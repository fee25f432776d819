"""Switching who holds the money, without a new assessment: the balance carries over exactly."""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.budgets import ledger
from marketplace.budgets import service as budgets
from marketplace.budgets.models import DeploymentChange
from marketplace.errors import DomainError
from marketplace.extensions import db

from .support import date_fields, fresh, read


@pytest.fixture
def money_moving(budget):
    """Jo's budget with money received, some promised and some spent, in two outcomes."""
    ledger.receive(budget, "funding", 60000, pot="swim")
    ledger.receive(budget, "funding", 30000, pot="home")
    ledger.commit(budget, 12000, outcome_key="swim")
    ledger.pay(budget, 5000, outcome_key="home")
    db.session.commit()
    return budget


def snapshot(budget):
    return ledger.balances(budget.id), [e.id for e in ledger.entries_for(budget.id)]


def switch(browser, budget, to_option="managed_account", on=date(2026, 9, 1), reason="While I am unwell", manager="Brightside"):
    return browser.submit(f"/budgets/{budget.id}/deployment", {
        "to_option": to_option, "effective_on": date_fields(on), "budget_manager_name": manager, "reason": reason})


def test_switching_keeps_the_balance_exactly_and_adds_no_ledger_entries(money_moving, coordinator):
    before = snapshot(money_moving)
    budgets.switch_deployment(coordinator, money_moving, "managed_account", date(2026, 9, 1), "While I am unwell", "Brightside")
    assert snapshot(money_moving) == before


def test_switching_records_the_change_and_its_date(money_moving, coordinator):
    budgets.switch_deployment(coordinator, money_moving, "managed_account", date(2026, 9, 1), "While I am unwell", "Brightside")
    (change,) = db.session.scalars(db.select(DeploymentChange).filter_by(budget_id=money_moving.id)).all()
    assert (change.from_option, change.to_option, change.effective_on, change.reason, change.recorded_by_id) == (
        "direct_payment", "managed_account", date(2026, 9, 1), "While I am unwell", coordinator.id)
    assert fresh(money_moving).deployment_label == "Managed account with Brightside"


def test_the_holder_switches_on_the_deployment_page(browser, money_moving, holder):
    before = snapshot(money_moving)
    browser.sign_in("jo@example.com")
    response = switch(browser, money_moving)
    assert response.status_code == 302
    budget = fresh(money_moving)
    assert budget.deployment_option == "managed_account"
    assert [(c.to_option, c.effective_on, c.recorded_by_id) for c in budget.deployment_changes] == [
        ("managed_account", date(2026, 9, 1), holder.user_id)]
    assert snapshot(budget) == before


def test_the_money_page_shows_the_new_holder_of_the_money_and_when_it_changed(browser, money_moving):
    browser.sign_in("jo@example.com")
    switch(browser, money_moving)
    text = read(browser.get(f"/holders/{money_moving.holder_id}/money"))
    assert "Who holds the money Managed account with Brightside" in text
    assert "Changed who holds the money, by Jo Holder" in text


def test_switching_back_while_well_again_is_another_change(money_moving, coordinator):
    budgets.switch_deployment(coordinator, money_moving, "managed_account", date(2026, 9, 1))
    budgets.switch_deployment(coordinator, money_moving, "direct_payment", date(2026, 11, 1))
    assert [(c.from_option, c.to_option) for c in fresh(money_moving).deployment_changes] == [
        ("direct_payment", "managed_account"), ("managed_account", "direct_payment")]


def test_switching_to_the_current_option_is_refused(money_moving, coordinator):
    with pytest.raises(DomainError, match="already held that way"):
        budgets.switch_deployment(coordinator, money_moving, "direct_payment", date(2026, 9, 1))


def test_a_switch_must_start_within_the_plan_year(browser, money_moving):
    browser.sign_in("jo@example.com")
    response = switch(browser, money_moving, on=date(2027, 4, 1))
    assert response.status_code == 200
    assert "The change must start within the plan period." in read(response)
    assert fresh(money_moving).deployment_option == "direct_payment"


def test_an_unknown_option_is_refused(money_moving, coordinator):
    with pytest.raises(DomainError, match="Choose who will hold the money"):
        budgets.switch_deployment(coordinator, money_moving, "under_the_mattress", date(2026, 9, 1))
