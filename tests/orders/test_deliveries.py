"""After the provider accepts: recording delivery (timesheets re-price it), the buyer's confirmation
or dispute, and deliveries left unconfirmed for more than 14 days.

The usual order here: 3 hours of a £20-an-hour support worker today, accepted by Out and About Ltd.
"""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.budgets.ledger import InsufficientFunds
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.orders import delivery, lifecycle, queries

from .support import fresh, order, pot, read


@pytest.fixture
def hourly(make, provider):
    return make.orderable(provider[0], title="Support worker by the hour", price_pence=2000, category="social-support",
                          price_unit="hour")


@pytest.fixture
def booked(jo, pat, holder, budget, outing, hourly):
    """The occurrence of an accepted order for 3 hours today (£60)."""
    placed = order(jo, holder, hourly, 3, outing)
    lifecycle.accept(pat, placed)
    (occurrence,) = placed.lines[0].occurrences
    return occurrence


def occurrence_of(booked):
    return fresh(booked)


# --- recording delivery ---------------------------------------------------------------------------

def test_a_delivery_as_booked_keeps_the_amount_committed(pat, budget, outing, booked):
    delivery.record_delivery(pat, booked)
    occurrence = occurrence_of(booked)
    assert (occurrence.status, occurrence.delivered_quantity_centi, occurrence.amount_pence) == ("delivered", 300, 6000)
    assert pot(budget, outing).committed == 6000


def test_a_timesheet_with_fewer_hours_releases_the_difference(pat, budget, outing, booked):
    delivery.record_delivery(pat, booked, 2, "Left early: not feeling well.")
    assert occurrence_of(booked).amount_pence == 4000
    money = pot(budget, outing)
    assert (money.available, money.committed) == (96000, 4000)


def test_a_timesheet_with_more_hours_commits_the_extra(pat, budget, outing, booked):
    delivery.record_delivery(pat, booked, "4.5")
    assert occurrence_of(booked).amount_pence == 9000
    money = pot(budget, outing)
    assert (money.available, money.committed) == (91000, 9000)


def test_extra_hours_the_money_left_cannot_cover_are_refused(pat, budget, outing, booked):
    with pytest.raises(InsufficientFunds, match="£940.00 is left and this needs £1,000.00, £60.00 more"):
        delivery.record_delivery(pat, booked, 53)  # £1,060: £1,000 more than booked, with £940 left
    db.session.rollback()
    occurrence = occurrence_of(booked)
    assert (occurrence.status, occurrence.amount_pence) == ("scheduled", 6000)
    assert pot(budget, outing).committed == 6000


def test_the_provider_records_a_timesheet_on_the_order_page(browser, budget, outing, booked):
    browser.sign_in("pat@example.com")
    response = browser.submit(f"/occurrences/{booked.id}/deliver", {"quantity": "2", "note": "Shopping and a coffee."},
                              form_url=f"/orders/{booked.order_id}")
    assert response.status_code == 302
    occurrence = occurrence_of(booked)
    assert (occurrence.status, occurrence.amount_pence, occurrence.delivery_note) == ("delivered", 4000,
                                                                                        "Shopping and a coffee.")
    text = read(browser.get(f"/orders/{booked.order_id}"))
    assert "Delivered: please confirm Shopping and a coffee. Delivered 2.0 instead of 3.0" in text


def test_a_delivery_cannot_be_recorded_before_its_date(jo, pat, holder, budget, outing, hourly):
    placed = order(jo, holder, hourly, 1, outing, schedule={"days": ["fri"], "starts_on": "2026-11-20", "ends_on": "2026-11-20"})
    lifecycle.accept(pat, placed)
    (occurrence,) = placed.lines[0].occurrences
    assert occurrence.on == date(2026, 11, 20)
    with pytest.raises(DomainError, match="This date has not come yet."):
        delivery.record_delivery(pat, occurrence)


def test_a_delivery_cannot_be_recorded_for_an_order_not_accepted(jo, pat, holder, budget, outing, hourly):
    placed = order(jo, holder, hourly, 1, outing)
    with pytest.raises(DomainError, match="Only accepted orders"):
        delivery.record_delivery(pat, placed.lines[0].occurrences[0])


# --- confirming and disputing -------------------------------------------------------------------

def test_the_buyer_confirms_a_delivered_occurrence_on_the_order_page(browser, jo, pat, provider, booked):
    provider[0].invoicing = "monthly"  # not invoiced the moment it is confirmed
    db.session.commit()
    delivery.record_delivery(pat, booked)
    browser.sign_in("jo@example.com")
    response = browser.submit(f"/occurrences/{booked.id}/confirm", form_url=f"/orders/{booked.order_id}")
    assert response.status_code == 302
    occurrence = occurrence_of(booked)
    assert (occurrence.status, occurrence.confirmed_by_id) == ("confirmed", jo.id)
    assert occurrence.order.status == "delivered"


def test_only_a_delivered_occurrence_can_be_confirmed(jo, booked):
    with pytest.raises(DomainError, match="Only a delivery the provider has recorded can be confirmed."):
        delivery.confirm(jo, booked)
    assert occurrence_of(booked).status == "scheduled"


def test_a_confirmed_delivery_cannot_be_confirmed_twice(jo, pat, booked):
    delivery.record_delivery(pat, booked)
    delivery.confirm(jo, booked)
    with pytest.raises(DomainError):
        delivery.confirm(jo, booked)


def test_a_dispute_needs_a_reason(browser, pat, booked):
    delivery.record_delivery(pat, booked)
    browser.sign_in("jo@example.com")
    response = browser.submit(f"/occurrences/{booked.id}/dispute", {"reason": ""})
    assert response.status_code == 200
    assert "Give a reason" in read(response)
    assert occurrence_of(booked).status == "delivered"


def test_a_dispute_with_only_spaces_is_refused_by_the_service(jo, pat, booked):
    delivery.record_delivery(pat, booked)
    with pytest.raises(DomainError, match="Say what is wrong"):
        delivery.dispute(jo, booked, "   ")


def test_a_dispute_with_a_reason_is_recorded_and_nothing_is_released(browser, pat, budget, outing, booked):
    delivery.record_delivery(pat, booked)
    browser.sign_in("jo@example.com")
    response = browser.submit(f"/occurrences/{booked.id}/dispute", {"reason": "Nobody came."})
    assert response.status_code == 302
    occurrence = occurrence_of(booked)
    assert (occurrence.status, occurrence.dispute_reason) == ("disputed", "Nobody came.")
    assert pot(budget, outing).committed == 6000


def test_an_undelivered_occurrence_cannot_be_disputed(jo, booked):
    with pytest.raises(DomainError, match="Only a delivery the provider has recorded can be disputed."):
        delivery.dispute(jo, booked, "Nobody came.")


def test_the_provider_withdraws_a_disputed_delivery_and_its_money_is_released(browser, jo, pat, budget, outing, booked):
    delivery.record_delivery(pat, booked)
    delivery.dispute(jo, booked, "Nobody came.")
    browser.sign_in("pat@example.com")
    response = browser.submit(f"/occurrences/{booked.id}/withdraw", {"reason": "Sorry: our worker was ill."})
    assert response.status_code == 302
    occurrence = occurrence_of(booked)
    assert (occurrence.status, occurrence.provider_response) == ("cancelled", "Sorry: our worker was ill.")
    money = pot(budget, outing)
    assert (money.available, money.committed) == (100000, 0)
    assert occurrence.order.status == "cancelled"


def test_only_a_disputed_delivery_can_be_withdrawn(pat, booked):
    delivery.record_delivery(pat, booked)
    with pytest.raises(DomainError, match="Only a disputed delivery can be withdrawn."):
        delivery.withdraw_delivery(pat, booked, "Sorry.")


def test_the_provider_can_record_a_disputed_delivery_again_with_the_right_hours(jo, pat, budget, outing, booked):
    delivery.record_delivery(pat, booked)
    delivery.dispute(jo, booked, "It was only one hour.")
    delivery.record_delivery(pat, booked, 1)
    occurrence = occurrence_of(booked)
    assert (occurrence.status, occurrence.amount_pence) == ("delivered", 2000)
    assert pot(budget, outing).committed == 2000


# --- deliveries nobody confirms ---------------------------------------------------------------

def test_a_delivery_unconfirmed_for_more_than_14_days_is_on_the_coordinators_list(browser, frozen_clock, pat, booked):
    delivery.record_delivery(pat, booked)
    frozen_clock.advance(days=14, minutes=1)
    browser.sign_in("cath@example.com")
    text = read(browser.get("/council/orders"))
    assert ("Deliveries not confirmed after 14 days (1) Nothing is paid until delivery is confirmed. Please check with the "
            "person. Jo Holder: Support worker by the hour on 16 November 2026") in text


def test_a_delivery_unconfirmed_for_14_days_or_less_is_not_yet_listed(browser, frozen_clock, pat, booked):
    delivery.record_delivery(pat, booked)
    frozen_clock.advance(days=14)
    browser.sign_in("cath@example.com")
    assert "Deliveries not confirmed after 14 days (0)" in read(browser.get("/council/orders"))


def test_a_delivery_unconfirmed_for_more_than_14_days_is_on_the_brokers_caseload(browser, frozen_clock, broker, pat, booked):
    delivery.record_delivery(pat, booked)
    frozen_clock.advance(days=15)
    browser.sign_in("bob@example.com")
    text = read(browser.get("/caseload"))
    assert "1 delivery has waited more than 14 days for confirmation." in text
    assert "Jo Holder: Support worker by the hour on 16 November 2026" in text


def test_a_confirmed_delivery_no_longer_waits(browser, frozen_clock, jo, pat, booked):
    delivery.record_delivery(pat, booked)
    frozen_clock.advance(days=15)
    delivery.confirm(jo, booked)
    assert queries.unconfirmed(council_id=booked.order.council_id) == []


def test_another_councils_coordinator_does_not_see_the_unconfirmed_delivery(make, frozen_clock, pat, booked):
    delivery.record_delivery(pat, booked)
    frozen_clock.advance(days=15)
    elsewhere = make.council("birchley")
    assert queries.unconfirmed(council_id=elsewhere.id) == []
    assert [o.id for o in queries.unconfirmed(council_id=booked.order.council_id)] == [booked.id]
