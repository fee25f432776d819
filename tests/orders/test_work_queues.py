"""What the people working an order see (issue 12, "Work queues" and raw codes): the provider holding
an order sees where, when and how to reach the person (and nobody else does); the coordinator
approving an order sees the money left, the plan and the dates; dates and days in words."""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.orders import amendments, lifecycle

from .support import fresh, order, read

ADDRESS = "14 Mill Lane, Aldermoor SK4 2AB"
PHONE = "07700 900123"
TUESDAYS_AND_THURSDAYS = {"days": ["tue", "thu"], "starts_on": "2026-11-17", "ends_on": "2026-11-26", "time": "10am to 1pm"}


@pytest.fixture
def at_home(holder):
    holder.address, holder.phone, holder.accessibility_needs = ADDRESS, PHONE, "Ring twice: I am hard of hearing"
    db.session.commit()
    return holder


# --- the provider -----------------------------------------------------------------------------

def test_the_provider_holding_a_new_order_sees_the_address_phone_and_time_in_the_inbox(browser, jo, at_home, budget, outing,
                                                                                       sessions, pat):
    order(jo, at_home, sessions, 1, outing, schedule=TUESDAYS_AND_THURSDAYS)
    browser.sign_in("pat@example.com")
    text = read(browser.get("/provider/orders"))
    assert f"Jo Holder {ADDRESS} Phone {PHONE}" in text
    assert "Every week on Tuesdays and Thursdays, 17 November 2026 to 26 November 2026, 10am to 1pm" in text


def test_the_provider_sees_what_they_need_to_deliver_on_the_order_page(browser, jo, at_home, budget, outing, sessions, pat):
    placed = order(jo, at_home, sessions, 2, outing, schedule={"once_on": "2026-12-01", "time": "mornings"})
    lifecycle.accept(pat, placed)
    browser.sign_in("pat@example.com")
    text = read(browser.get(f"/orders/{placed.id}"))
    assert f"To deliver it For Jo Holder Address {ADDRESS} Phone {PHONE} When Once, on Tuesday 1 December 2026, mornings" in text
    # Access needs and how Jo likes to be contacted are Jo's to share, order by order ("tell us once").
    assert "Ring twice: I am hard of hearing" not in text


def test_another_provider_never_sees_the_address(browser, make, aldermoor, jo, at_home, budget, outing, sessions, cheaper):
    order(jo, at_home, sessions, 1, outing)
    browser.sign_in("bea@example.com")  # Community Buddies: no order for Jo
    assert ADDRESS not in read(browser.get("/provider/orders"))


@pytest.mark.parametrize("ending", ["declined", "cancelled"])
def test_the_address_is_not_shown_once_the_order_is_over(browser, jo, at_home, budget, outing, sessions, pat, ending):
    placed = order(jo, at_home, sessions, 1, outing)
    if ending == "declined":
        lifecycle.decline(pat, placed, "Nobody free")
    else:
        lifecycle.cancel(jo, placed)
    browser.sign_in("pat@example.com")
    assert ADDRESS not in read(browser.get(f"/orders/{placed.id}"))
    assert ADDRESS not in read(browser.get("/provider/orders"))


def test_an_order_waiting_for_the_coordinator_does_not_show_the_provider_the_address(browser, jo, at_home, budget, outing,
                                                                                     gardening):
    placed = order(jo, at_home, gardening, 1, outing)
    assert placed.status == "awaiting_approval"
    browser.sign_in("pat@example.com")
    assert ADDRESS not in read(browser.get(f"/orders/{placed.id}"))


# --- the coordinator ----------------------------------------------------------------------------

def test_the_coordinator_approving_sees_the_money_left_the_plan_and_the_dates(browser, jo, holder, budget, outing, gardening):
    placed = order(jo, holder, gardening, 2, outing, schedule={"days": ["wed"], "starts_on": "2026-11-18",
                                                               "ends_on": "2026-12-02"})
    browser.sign_in("cath@example.com")
    text = read(browser.get(f"/orders/{placed.id}/approval"))
    # 3 Wednesdays of 2 hours at £20: £120 kept aside from the £1,000 for "Getting out and about".
    assert "Every week on Wednesdays, 18 November 2026 to 2 December 2026 (3 dates)." in text
    assert "Support plan version 1" in text and "The plan year runs from 1 April 2026 to 31 March 2027." in text
    assert "Getting out and about £1,000.00 £120.00 £880.00" in text
    assert "Keeping my home clean £500.00 £500.00" in text
    assert "Money left to spend in the whole budget, with this order's money kept aside: £1,380.00" in text


# --- words, not codes -------------------------------------------------------------------------

def test_dates_not_yet_accepted_read_requested_not_booked(browser, jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 1, outing)
    browser.sign_in("jo@example.com")
    text = read(browser.get(f"/orders/{placed.id}"))
    assert "Requested: waiting for the provider" in text and "Booked" not in text
    lifecycle.accept(pat, placed)
    assert "Booked" in read(browser.get(f"/orders/{placed.id}"))


def test_a_weekly_order_says_its_days_in_words(browser, jo, holder, budget, outing, sessions):
    placed = order(jo, holder, sessions, 1, outing, schedule={"days": ["mon"], "starts_on": "2026-11-16", "ends_on": None})
    browser.sign_in("jo@example.com")
    text = read(browser.get(f"/orders/{placed.id}"))
    assert "every week on Mondays" in text and "on mon" not in text


def test_a_proposed_change_tells_the_other_side_its_days_in_words(jo, holder, budget, outing, sessions, pat):
    placed = lifecycle.accept(pat, order(jo, holder, sessions, 1, outing, schedule={"days": ["tue"], "starts_on": "2026-11-17",
                                                                                      "ends_on": "2027-01-26"}))
    amendments.propose(pat, fresh(placed).lines[0], date(2026, 12, 1), ["mon", "wed"], 2)
    bodies = db.session.scalars(db.select(Notification.body).filter_by(user_id=jo.id)).all()
    assert "From 1 December 2026: on Mondays and Wednesdays, 2 each time." in bodies
