"""A broker's caseload and ordering for the people in it (issue 12, "Broker ordering for someone else
fails"): each person's money left and what waits, in a fixed number of queries; "Find support" keeps
who it is for through search, the listing and the order form; the order form offers the outcomes of
the person chosen."""
from __future__ import annotations

import pytest

from marketplace.accounts import roles as R
from marketplace.orders import basket, delivery, lifecycle

from ..faults.test_bounded_queries import statements_for
from ..helpers import page_text
from .support import add_to_basket_page, order, read

SWIMMING = "Going swimming again"


@pytest.fixture
def sam(make, aldermoor, broker, coordinator):
    """Sam Second, also in Bob's caseload, with £800 for "Going swimming again"."""
    holder = make.holder(aldermoor, user=make.user(email="sam@example.com", name="Sam Second"),
                         named_contact_id=coordinator.id)
    budget = make.budget(holder)
    plan = make.plan_for_ordering(holder, budget, [(SWIMMING, ["community"], 80000, ["social-support"])], by=coordinator,
                                  through_service=False)
    make.delegation(holder, broker, ["order"], kind="broker")
    return holder, plan.outcomes[0]


def test_the_order_form_asks_who_it_is_for_first_when_there_is_more_than_one_person(browser, broker, holder, plan, sam,
                                                                                      sessions):
    browser.sign_in("bob@example.com")
    text = read(browser.get(f"/orders/new?listing={sessions.id}"))
    assert "Who is it for?" in text and "Jo Holder" in text and "Sam Second" in text
    assert "Which outcome" not in text  # no outcomes until the person is chosen


def test_choosing_the_second_person_offers_their_outcomes_and_adds_to_their_basket(browser, broker, holder, plan, outing, sam,
                                                                                   sessions):
    second, swimming = sam
    browser.sign_in("bob@example.com")
    text = read(browser.get(f"/orders/new?listing={sessions.id}&holder={second.id}"))
    assert SWIMMING in text and "Getting out and about" not in text
    response = add_to_basket_page(browser, second, sessions, 2, swimming)
    assert response.status_code == 302, page_text(response)[:300]
    assert [(i.holder_id, i.outcome_key) for i in basket.basket(broker, second)] == [(second.id, swimming.key)]
    assert basket.basket(broker, holder) == []


def test_an_outcome_of_the_first_person_is_not_accepted_for_the_second(browser, broker, holder, plan, outing, sam, sessions):
    second, _ = sam
    browser.sign_in("bob@example.com")
    response = add_to_basket_page(browser, second, sessions, 2, outing)
    assert response.status_code == 200
    assert basket.basket(broker, second) == []


def test_choosing_nobody_says_to_choose(browser, broker, holder, plan, sam, sessions):
    browser.sign_in("bob@example.com")
    text = read(browser.get(f"/orders/new?listing={sessions.id}&step=who"))
    assert "There is a problem Choose who it is for" in text


def test_find_support_on_the_caseload_keeps_who_it_is_for_to_the_order_form(browser, broker, holder, plan, sam, sessions):
    second, _ = sam
    browser.sign_in("bob@example.com")
    caseload = browser.get("/caseload").get_data(as_text=True)
    assert f'href="/catalogue?for={second.id}"' in caseload
    listing = read(browser.get(f"/catalogue/listings/{sessions.id}?for={second.id}"))
    assert "You are finding support for Sam Second." in listing
    html = browser.get(f"/catalogue/listings/{sessions.id}?for={second.id}").get_data(as_text=True)
    assert f"/orders/new?listing={sessions.id}&amp;holder={second.id}" in html
    assert "For Sam Second." in read(browser.get(f"/orders/new?listing={sessions.id}&holder={second.id}"))


def test_someone_not_in_the_caseload_is_not_carried(browser, make, aldermoor, broker, holder, plan, sessions):
    stranger = make.holder(aldermoor, name="Stella Stranger")
    browser.sign_in("bob@example.com")
    text = read(browser.get(f"/catalogue/listings/{sessions.id}?for={stranger.id}"))
    assert "Stella Stranger" not in text


def test_the_caseload_shows_each_persons_money_left_and_what_waits(browser, make, broker, jo, holder, plan, outing, sam,
                                                                   sessions, gardening, pat, coordinator):
    order(broker, holder, gardening, 2, outing)  # £40, waits for the coordinator
    placed = order(broker, holder, sessions, 3, outing)  # £120, waits for the provider
    accepted = order(broker, holder, sessions, 1, outing)  # £40, accepted and delivered
    lifecycle.accept(pat, accepted)
    delivery.record_delivery(pat, accepted.lines[0].occurrences[0])
    make.bare_invoice(placed)
    browser.sign_in("bob@example.com")
    cards = browser.get("/caseload")
    text = read(cards)
    # Jo: £1,500 received less £200 promised; Sam: £800 received, nothing promised.
    assert "Jo Holder Find support for Jo Holder Basket for Jo Holder Orders for Jo Holder Money left to spend £1,300.00" in text
    assert ("Waiting 1 delivery to confirm 1 invoice to approve 1 order waiting for the care coordinator "
            "1 order waiting for the provider to accept") in text
    assert "Sam Second Find support for Sam Second Basket for Sam Second Orders for Sam Second Money left to spend £800.00" in text
    assert "Waiting Nothing" in text


def test_the_caseload_takes_the_same_number_of_queries_for_two_people_or_six(app, browser, make, aldermoor, broker, holder,
                                                                            plan, sam, coordinator):
    browser.sign_in("bob@example.com")
    statements_for(app, browser.client, "/caseload")  # warm up
    few, _ = statements_for(app, browser.client, "/caseload")
    for n in range(4):
        other = make.holder(aldermoor, name=f"Person {n}")
        make.plan_for_ordering(other, make.budget(other), [(SWIMMING, ["community"], 10000, ["social-support"])],
                               by=coordinator, through_service=False)
        make.delegation(other, broker, ["order"], kind="broker")
    many, response = statements_for(app, browser.client, "/caseload")
    assert "6 people" in read(response)
    assert many == few, (few, many)


def test_a_broker_role_in_another_council_does_not_see_this_caseload(browser, make, holder, plan):
    make.user(R.BROKER, make.council("birchley"), email="bea.broker@example.com")
    browser.sign_in("bea.broker@example.com")
    assert "Jo Holder" not in read(browser.get("/caseload"))
