"""The same submission twice (a double click, a retry after a time-out) places one order and
promises the money once."""
from __future__ import annotations

import pytest

from marketplace.budgets import ledger
from marketplace.errors import DomainError
from marketplace.orders import basket, placing

from .support import add_to_basket_page, checkout_page, key, order, orders_of, pot, read


def commitments(budget):
    return [e.amount_pence for e in ledger.entries_for(budget.id) if e.kind == "commitment"]


def test_posting_the_same_submission_twice_places_one_order(browser, holder, budget, outing, sessions):
    browser.sign_in("jo@example.com")
    add_to_basket_page(browser, holder, sessions, 2, outing)
    submission = key()
    first = checkout_page(browser, holder, submission)
    second = checkout_page(browser, holder, submission)
    assert (first.status_code, second.status_code) == (200, 200)
    (placed,) = orders_of(holder)
    assert f"Order {placed.id}" in read(first) and f"Order {placed.id}" in read(second)
    assert "Order placed" in read(second)


def test_posting_the_same_submission_twice_commits_the_money_once(browser, holder, budget, outing, sessions):
    browser.sign_in("jo@example.com")
    add_to_basket_page(browser, holder, sessions, 2, outing)
    submission = key()
    checkout_page(browser, holder, submission)
    checkout_page(browser, holder, submission)
    assert commitments(budget) == [8000]
    assert pot(budget, outing).committed == 8000


def test_placing_twice_with_the_same_key_returns_the_orders_already_placed(jo, holder, budget, outing, sessions):
    basket.add_to_basket(jo, holder, sessions, 2, outing.key)
    submission = key()
    first = placing.place(jo, holder, submission)
    basket.add_to_basket(jo, holder, sessions, 5, outing.key)  # something new in the basket meanwhile
    again = placing.place(jo, holder, submission)
    assert [o.id for o in again] == [o.id for o in first]
    assert commitments(budget) == [8000]
    assert len(basket.basket(jo, holder)) == 1  # the new item waits for its own submission


def test_a_basket_with_two_providers_places_one_order_each_and_a_retry_finds_both(jo, holder, budget, outing, sessions, cheaper):
    basket.add_to_basket(jo, holder, sessions, 2, outing.key)
    basket.add_to_basket(jo, holder, cheaper, 2, outing.key)
    submission = key()
    first = placing.place(jo, holder, submission)
    assert sorted(o.committed_pence for o in first) == [5000, 8000]
    assert [o.id for o in placing.place(jo, holder, submission)] == [o.id for o in first]
    assert sorted(commitments(budget)) == [5000, 8000]


def test_a_new_submission_after_the_order_is_placed_finds_the_basket_empty(jo, holder, budget, outing, sessions):
    basket.add_to_basket(jo, holder, sessions, 2, outing.key)
    placing.place(jo, holder, key())
    with pytest.raises(DomainError, match="The basket is empty."):
        placing.place(jo, holder, key())
    assert commitments(budget) == [8000]


def test_a_made_up_submission_key_never_shows_someone_elses_order(browser, make, aldermoor, holder, budget, outing, sessions):
    """The key is matched exactly and only among this buyer's orders for this holder: "%" and "_" are not wildcards."""
    ola = make.holder(aldermoor, user=make.user(email="ola@example.com", name="Ola Other"))
    ola_budget = make.budget(ola)
    ola_plan = make.plan_for_ordering(ola, ola_budget, [("Seeing friends", ["community"], 50000, ["social-support"])],
                                      through_service=False)
    order(ola.user, ola, sessions, 1, ola_plan.outcomes[0])
    browser.sign_in("jo@example.com")
    for made_up in ("%" * 16, "_" * 32):
        response = checkout_page(browser, holder, made_up)
        assert "Ola Other" not in read(response)
        assert "Order placed" not in read(response)
    assert orders_of(holder) == []


def test_someone_elses_submission_key_does_not_return_their_order(jo, broker, holder, budget, outing, sessions):
    basket.add_to_basket(jo, holder, sessions, 2, outing.key)
    submission = key()
    (jos,) = placing.place(jo, holder, submission)
    basket.add_to_basket(broker, holder, sessions, 1, outing.key)
    (bobs,) = placing.place(broker, holder, key())
    assert bobs.id != jos.id and bobs.placed_by_id == broker.id
    assert placing.orders_for_submission(submission, holder=holder, actor=broker) == []
