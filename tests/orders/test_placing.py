"""Placing an order against the plan and the money left: what fits, what does not, and who ordered it."""
from __future__ import annotations

import pytest

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.orders import basket, placing
from marketplace.orders import quote as quoting

from .conftest import OUT_AND_ABOUT
from .support import add_to_basket_page, basket_items, checkout_page, key, orders_of, pot, read


def order_ten_sessions(browser, holder, sessions, outing):
    browser.sign_in("jo@example.com")
    assert add_to_basket_page(browser, holder, sessions, 10, outing).status_code == 302
    return checkout_page(browser, holder)


# --- what fits ----------------------------------------------------------------------

def test_ordering_ten_sessions_at_40_pounds_shows_600_pounds_left_for_that_outcome(browser, holder, budget, outing, sessions):
    response = order_ten_sessions(browser, holder, sessions, outing)
    assert response.status_code == 200
    assert "Order placed" in read(response)
    text = read(browser.get(f"/holders/{holder.id}/money"))
    # In your words, set aside for the year, left now, promised.
    assert f"{OUT_AND_ABOUT} £1,000.00 £600.00 £400.00" in text


def test_ordering_ten_sessions_at_40_pounds_commits_400_pounds_from_that_outcomes_pot(browser, holder, budget, outing, home,
                                                                                       sessions):
    order_ten_sessions(browser, holder, sessions, outing)
    money = pot(budget, outing)
    assert (money.available, money.committed) == (60000, 40000)
    assert (pot(budget, home).available, pot(budget, home).committed) == (50000, 0)


def test_the_order_keeps_the_price_quantity_and_outcome_it_was_placed_with(browser, holder, budget, outing, sessions):
    order_ten_sessions(browser, holder, sessions, outing)
    (order,) = orders_of(holder)
    (line,) = order.lines
    assert (order.kind, order.committed_pence, order.placed_by_id) == ("purchase", 40000, holder.user_id)
    assert (line.unit_price_pence, line.price_source, line.quantity_centi) == (4000, "public", 1000)
    assert (line.outcome_key, line.outcome_words) == (outing.key, OUT_AND_ABOUT)
    assert basket_items(holder) == []


def test_the_councils_agreed_rate_is_the_price_ordered_at(browser, make, aldermoor, holder, budget, outing, sessions):
    make.agreed_price(sessions, aldermoor, 3500)
    order_ten_sessions(browser, holder, sessions, outing)
    (order,) = orders_of(holder)
    assert (order.lines[0].unit_price_pence, order.lines[0].price_source, order.committed_pence) == (3500, "council", 35000)
    assert pot(budget, outing).available == 65000


def test_an_order_using_all_the_money_left_fits(browser, holder, budget, outing, sessions):
    browser.sign_in("jo@example.com")
    add_to_basket_page(browser, holder, sessions, 25, outing)
    assert checkout_page(browser, holder).status_code == 200
    assert pot(budget, outing).available == 0


def test_the_order_form_posted_without_a_quantity_shows_the_error_again(browser, holder, budget, outing, sessions):
    browser.sign_in("jo@example.com")
    response = add_to_basket_page(browser, holder, sessions, "", outing)  # no date boxes either, as a script might send
    assert response.status_code == 200
    assert "Enter how many you need" in read(response)
    assert basket_items(holder) == []


# --- what does not fit ---------------------------------------------------------------

def refused_checkout(browser, holder, sessions, outing, quantity=30):
    """30 sessions at £40 (£1,200) with £1,000 left for the outcome."""
    browser.sign_in("jo@example.com")
    add_to_basket_page(browser, holder, sessions, quantity, outing)
    return checkout_page(browser, holder)


def test_an_order_that_does_not_fit_is_refused_with_409(browser, holder, budget, outing, sessions):
    assert refused_checkout(browser, holder, sessions, outing).status_code == 409


def test_the_refusal_names_the_shortfall(browser, holder, budget, outing, sessions):
    text = read(refused_checkout(browser, holder, sessions, outing))
    assert "This does not fit the money left" in text
    assert f"For “{OUT_AND_ABOUT}” there is £1,000.00 left. This order needs £1,200.00: £200.00 more." in text


def test_the_refusal_suggests_ordering_fewer_sessions_that_would_fit(browser, holder, budget, outing, sessions):
    text = read(refused_checkout(browser, holder, sessions, outing))
    assert "order less: 25 sessions of “Support worker for days out” would fit (£1,000.00)." in text


def test_the_refusal_suggests_a_cheaper_listing_in_the_same_category(browser, holder, budget, outing, sessions, cheaper):
    text = read(refused_checkout(browser, holder, sessions, outing))
    assert "choose something cheaper: Buddy outings from Community Buddies, £25.00" in text


def test_the_refusal_suggests_asking_for_a_review_of_the_plan(browser, holder, budget, outing, sessions):
    response = refused_checkout(browser, holder, sessions, outing)
    assert "ask for a review of the plan if the plan no longer meets the need" in read(response)
    assert f'href="/holders/{holder.id}/money"' in response.get_data(as_text=True)


def test_a_refused_order_commits_nothing_and_leaves_the_basket_as_it_was(browser, holder, budget, outing, sessions):
    refused_checkout(browser, holder, sessions, outing)
    assert orders_of(holder) == []
    money = pot(budget, outing)
    assert (money.available, money.committed) == (100000, 0)
    assert [item.quantity_centi for item in basket_items(holder)] == [3000]


def test_the_basket_shows_the_shortfall_before_checkout_and_offers_no_place_order_button(browser, holder, budget, outing,
                                                                                          sessions):
    browser.sign_in("jo@example.com")
    add_to_basket_page(browser, holder, sessions, 30, outing)
    response = browser.get(f"/holders/{holder.id}/basket")
    assert "£200.00 more" in read(response)
    assert "Place order" not in read(response)


def test_money_promised_by_an_earlier_order_counts_against_the_next(browser, holder, budget, outing, sessions):
    browser.sign_in("jo@example.com")
    add_to_basket_page(browser, holder, sessions, 20, outing)
    assert checkout_page(browser, holder).status_code == 200
    add_to_basket_page(browser, holder, sessions, 6, outing)
    response = checkout_page(browser, holder)
    assert response.status_code == 409
    assert "there is £200.00 left. This order needs £240.00: £40.00 more." in read(response)
    assert len(orders_of(holder)) == 1


# --- who ordered it ----------------------------------------------------------------------

def test_a_brokers_order_shows_it_was_ordered_by_the_broker_for_the_holder(browser, holder, budget, outing, sessions, broker):
    browser.sign_in("bob@example.com")
    add_to_basket_page(browser, holder, sessions, 2, outing)
    assert checkout_page(browser, holder).status_code == 200
    (order,) = orders_of(holder)
    assert order.placed_by_id == broker.id
    assert "Ordered by Bob Broker for Jo Holder" in read(browser.get(f"/orders/{order.id}"))


def test_the_holder_sees_who_ordered_for_them(browser, holder, budget, outing, sessions, broker):
    browser.sign_in("bob@example.com")
    add_to_basket_page(browser, holder, sessions, 2, outing)
    checkout_page(browser, holder)
    (order,) = orders_of(holder)
    browser.sign_out()
    browser.sign_in("jo@example.com")
    assert "Ordered by Bob Broker for Jo Holder" in read(browser.get(f"/orders/{order.id}"))


def test_the_holders_own_order_says_they_ordered_it(browser, holder, budget, outing, sessions):
    order_ten_sessions(browser, holder, sessions, outing)
    (order,) = orders_of(holder)
    text = read(browser.get(f"/orders/{order.id}"))
    assert "Ordered by Jo Holder, on" in text
    assert "Ordered by Jo Holder for" not in text


def test_support_from_a_provider_the_council_has_since_suspended_cannot_be_checked_out(jo, holder, budget, outing, sessions,
                                                                                       provider):
    basket.add_to_basket(jo, holder, sessions, 2, outing.key)
    provider[0].approvals[0].status = "suspended"
    db.session.commit()
    assert quoting.quote(jo, holder).problems == [
        "“Support worker for days out” is no longer available from a provider your council approves. Remove it from the basket."]
    with pytest.raises(DomainError, match="no longer available"):
        placing.place(jo, holder, key())
    db.session.rollback()
    assert orders_of(holder) == []
    assert pot(budget, outing).committed == 0
