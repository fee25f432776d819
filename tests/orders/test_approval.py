"""Which orders wait for the care coordinator (council rules), and what the coordinator's decision does."""
from __future__ import annotations

import pytest

from marketplace.accounts import roles as R
from marketplace.errors import DomainError
from marketplace.orders import basket, lifecycle, placing
from marketplace.orders import quote as quoting

from .support import fresh, order, pot, read

# --- routing by the council's rules ---------------------------------------------------------

def test_support_the_plan_does_not_foresee_for_the_outcome_waits_for_the_coordinator(jo, holder, budget, outing, gardening):
    placed = order(jo, holder, gardening, 2, outing)  # £40: well under the weekly limit
    assert placed.status == "awaiting_approval"
    assert placed.approval_reasons == ["Gardening is not one of the kinds of support the plan foresees for "
                                       "“Getting out and about”."]


def test_support_the_plan_foresees_under_the_weekly_limit_goes_straight_to_the_provider(jo, holder, budget, outing, sessions):
    placed = order(jo, holder, sessions, 2, outing)
    assert (placed.status, placed.approval_reasons) == ("placed", [])


TUESDAYS = {"days": ["tue"], "starts_on": "2026-11-17", "ends_on": "2026-11-24"}  # two Tuesdays


def test_an_order_above_the_councils_weekly_coordinator_limit_waits_for_the_coordinator(jo, holder, budget, outing, sessions):
    placed = order(jo, holder, sessions, 7, outing, schedule=TUESDAYS)  # £280 a week against Aldermoor's £250 a week
    assert placed.status == "awaiting_approval"
    assert placed.approval_reasons == ["It costs £280.00 a week, above the £250.00 a week that Aldermoor Council "
                                       "lets people order without a check."]


def test_an_order_exactly_at_the_weekly_limit_does_not_wait(jo, holder, budget, outing, sessions):
    placed = order(jo, holder, sessions, "6.25", outing, schedule=TUESDAYS)  # £250.00 a week, two Tuesdays
    assert (placed.status, placed.committed_pence) == ("placed", 50000)


def test_a_schedule_is_checked_against_the_limit_by_its_weekly_cost(jo, holder, budget, outing, sessions):
    # 3 sessions on each of Tuesdays and Thursdays: £240 a week, though the dates cost far more in all.
    under = order(jo, holder, sessions, 3, outing,
                  schedule={"days": ["tue", "thu"], "starts_on": "2026-11-17", "ends_on": "2026-12-10"})
    assert (under.status, under.committed_pence) == ("placed", 96000)


def test_a_council_with_no_weekly_limit_does_not_route_an_order_on_cost(make):
    eskbridge = make.council("eskbridge")
    coordinator = make.user(R.CARE_COORDINATOR, eskbridge)
    person = make.user(email="eli@example.com", name="Eli Holder")
    holder = make.holder(eskbridge, user=person)
    budget = make.budget(holder)
    plan = make.plan_for_ordering(holder, budget, [("Getting out and about", ["community"], 300000, ["social-support"])],
                                  by=coordinator)
    organisation, _ = make.provider(eskbridge, name="Eskbridge Days Out")
    listing = make.orderable(organisation, title="Days out", price_pence=10000, category="social-support")
    placed = order(person, holder, listing, 20, plan.outcomes[0])  # £2,000 at once
    assert (placed.status, placed.approval_reasons) == ("placed", [])
    assert pot(budget).committed == 200000  # Eskbridge's money is one pot


def test_the_money_is_kept_aside_while_the_order_waits(jo, holder, budget, outing, gardening):
    order(jo, holder, gardening, 5, outing)
    money = pot(budget, outing)
    assert (money.available, money.committed) == (90000, 10000)


def test_the_basket_tells_the_buyer_the_coordinator_will_check_first(browser, jo, holder, budget, outing, gardening):
    basket.add_to_basket(jo, holder, gardening, 2, outing.key)
    browser.sign_in("jo@example.com")
    text = read(browser.get(f"/holders/{holder.id}/basket"))
    assert "Your care coordinator will check this order first" in text
    assert "Gardening is not one of the kinds of support the plan foresees" in text


def test_the_waiting_order_is_on_the_coordinators_list(browser, jo, holder, budget, outing, gardening):
    placed = order(jo, holder, gardening, 2, outing)
    browser.sign_in("cath@example.com")
    text = read(browser.get("/council/orders"))
    assert f"Waiting for approval (1) Jo Holder: order {placed.id}, £40.00 with Out and About Ltd" in text


# --- the coordinator's decision ---------------------------------------------------------------

def decide_page(browser, placed, decision, reason=""):
    browser.sign_in("cath@example.com")
    return browser.submit(f"/orders/{placed.id}/approval", {"decision": decision, "reason": reason})


def test_the_coordinator_approves_and_the_order_goes_to_the_provider(browser, jo, holder, budget, outing, gardening, coordinator):
    placed = order(jo, holder, gardening, 2, outing)
    response = decide_page(browser, placed, "approve")
    assert response.status_code == 302
    placed = fresh(placed)
    assert (placed.status, placed.decided_by_id) == ("placed", coordinator.id)
    assert pot(budget, outing).committed == 4000


def test_the_coordinator_declines_with_a_reason_the_holder_reads(browser, jo, holder, budget, outing, gardening):
    placed = order(jo, holder, gardening, 2, outing)
    decide_page(browser, placed, "reject", "Gardening is in your home outcome: let us add it at your review.")
    assert fresh(placed).status == "rejected"
    browser.sign_out()
    browser.sign_in("jo@example.com")
    text = read(browser.get(f"/orders/{placed.id}"))
    assert f"Order {placed.id}: not approved by the care coordinator" in text
    assert "The reason given: Gardening is in your home outcome: let us add it at your review." in text


def test_a_declined_order_gives_its_money_back(browser, jo, holder, budget, outing, gardening):
    placed = order(jo, holder, gardening, 2, outing)
    decide_page(browser, placed, "reject", "Not in the plan.")
    money = pot(budget, outing)
    assert (money.available, money.committed) == (100000, 0)
    assert all(o.status == "cancelled" for o in fresh(placed).lines[0].occurrences)


def test_declining_without_a_reason_is_refused(browser, jo, holder, budget, outing, gardening):
    placed = order(jo, holder, gardening, 2, outing)
    response = decide_page(browser, placed, "reject", "")
    assert response.status_code == 200
    assert "Give a reason the person can read." in read(response)
    assert fresh(placed).status == "awaiting_approval"
    assert pot(budget, outing).committed == 4000


def test_an_order_already_decided_cannot_be_decided_again(jo, holder, budget, outing, gardening, coordinator):
    placed = order(jo, holder, gardening, 2, outing)
    lifecycle.approve(coordinator, placed, True)
    with pytest.raises(DomainError):
        lifecycle.approve(coordinator, placed, False, "Changed my mind")
    assert fresh(placed).status == "placed"
    assert pot(budget, outing).committed == 4000


def test_splitting_a_basket_between_providers_does_not_get_round_the_weekly_limit(jo, holder, budget, outing, sessions, cheaper):
    # £160 a week from one provider and £125 from another: £285 in one checkout, over Aldermoor's £250 a week.
    one_tuesday = {**TUESDAYS, "ends_on": "2026-11-17"}
    basket.add_to_basket(jo, holder, sessions, 4, outing.key, one_tuesday)
    basket.add_to_basket(jo, holder, cheaper, 5, outing.key, one_tuesday)
    quote = quoting.quote(jo, holder)
    assert any("£285.00 a week" in reason for reason in quote.approval_reasons)
    placed = placing.place(jo, holder, "split-basket-key-0001")
    assert [o.status for o in placed] == ["awaiting_approval", "awaiting_approval"]
    assert all(any("£285.00 a week" in r for r in o.approval_reasons) for o in placed)
