"""The provider accepts or declines a placed order; a decline gives every penny back."""
from __future__ import annotations

import pytest

from marketplace.budgets import ledger
from marketplace.errors import DomainError, InvalidTransition
from marketplace.orders import lifecycle

from .support import fresh, order, pot, read

WEEKLY = {"days": ["tue", "thu"], "starts_on": "2026-11-17", "ends_on": "2026-12-10"}  # 8 dates


def test_the_provider_accepts_a_placed_order_on_its_page(browser, jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    browser.sign_in("pat@example.com")
    response = browser.submit(f"/orders/{placed.id}/accept", form_url=f"/orders/{placed.id}")
    assert response.status_code == 302
    placed = fresh(placed)
    assert placed.status == "accepted" and placed.accepted_at is not None
    assert pot(budget, outing).committed == 8000


def test_the_provider_declines_with_a_reason_and_the_budget_is_back_exactly_as_before(browser, jo, holder, budget, outing,
                                                                                      home, sessions, pat):
    before = ledger.balances(budget.id)
    placed = order(jo, holder, sessions, 1, outing, schedule=WEEKLY)
    assert pot(budget, outing).committed == 32000
    browser.sign_in("pat@example.com")
    unsaid = browser.submit(f"/orders/{placed.id}/decline", {"reason": "We have no worker free on Thursdays."})
    assert unsaid.status_code == 200 and "Choose why you are declining" in unsaid.get_data(as_text=True)
    assert "We have no worker free on Thursdays." in unsaid.get_data(as_text=True)  # kept, to send again
    response = browser.submit(f"/orders/{placed.id}/decline", {"kind": "capacity", "reason": "We have no worker free on Thursdays."})
    assert response.status_code == 302
    after = ledger.balances(budget.id)
    assert after.pot(outing.key) == before.pot(outing.key)
    assert after.pot(home.key) == before.pot(home.key)
    assert after.total == before.total
    placed = fresh(placed)
    assert (placed.status, placed.decision_reason, placed.decline_kind) == ("declined", "We have no worker free on Thursdays.",
                                                                          "capacity")
    assert {o.status for o in placed.lines[0].occurrences} == {"cancelled"}


def test_a_decline_is_recorded_in_the_ledger_as_a_release_of_the_whole_commitment(jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 1, outing, schedule=WEEKLY)
    lifecycle.decline(pat, placed, "Fully booked.")
    moves = [(e.kind, e.amount_pence, e.cause_id) for e in ledger.entries_for(budget.id) if e.kind in ("commitment", "release")]
    assert moves == [("commitment", 32000, placed.id), ("release", 32000, placed.id)]


def test_the_buyer_reads_the_providers_reason(browser, jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    lifecycle.decline(pat, placed, "Fully booked until January.")
    browser.sign_in("jo@example.com")
    text = read(browser.get(f"/orders/{placed.id}"))
    assert f"Order {placed.id}: declined by the provider" in text
    assert "The reason given: Fully booked until January." in text


def test_a_decline_needs_a_reason(jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    with pytest.raises(DomainError, match="Give a reason"):
        lifecycle.decline(pat, placed, "   ")
    assert fresh(placed).status == "placed"
    assert pot(budget, outing).committed == 8000


def test_a_declined_order_cannot_then_be_accepted(jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    lifecycle.decline(pat, placed, "Fully booked.")
    with pytest.raises(InvalidTransition):
        lifecycle.accept(pat, placed)


def test_an_accepted_order_cannot_then_be_declined(jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    lifecycle.accept(pat, placed)
    with pytest.raises(InvalidTransition):
        lifecycle.decline(pat, placed, "Changed our minds.")
    assert pot(budget, outing).committed == 8000


def test_an_order_waiting_for_the_coordinator_cannot_be_accepted_yet(jo, holder, budget, outing, gardening, pat):
    placed = order(jo, holder, gardening, 2, outing)
    with pytest.raises(InvalidTransition):
        lifecycle.accept(pat, placed)
