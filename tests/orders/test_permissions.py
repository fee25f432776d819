"""Who may see and do what with orders: providers only their own, brokers only their caseload,
a representative only with the "order" right."""
from __future__ import annotations

import pytest

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.errors import NotAllowed
from marketplace.extensions import db
from marketplace.orders import basket, lifecycle, placing

from .support import add_to_basket_page, basket_items, checkout_page, fresh, order, orders_of, read


@pytest.fixture
def rival(make, aldermoor):
    """Rita runs another approved provider, Rival Care."""
    _, person = make.provider(aldermoor, name="Rival Care", user_email="rita@example.com")
    return person


@pytest.fixture
def other_holder(make, aldermoor):
    """Someone not in Bob's caseload."""
    return make.holder(aldermoor, user=make.user(email="ola@example.com", name="Ola Other"))


# --- providers -------------------------------------------------------------------------------

def test_a_provider_sees_its_own_order(browser, jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    browser.sign_in("pat@example.com")
    response = browser.get(f"/orders/{placed.id}")
    assert response.status_code == 200
    assert "Accept the order" in read(response)


def test_a_provider_cannot_see_another_organisations_order(browser, jo, holder, budget, outing, sessions, rival):
    placed = order(jo, holder, sessions, 2, outing)
    browser.sign_in("rita@example.com")
    assert browser.get(f"/orders/{placed.id}").status_code == 403


def test_a_provider_cannot_accept_another_organisations_order(browser, jo, holder, budget, outing, sessions, rival):
    placed = order(jo, holder, sessions, 2, outing)
    browser.sign_in("rita@example.com")
    response = browser.submit(f"/orders/{placed.id}/accept", form_url="/")
    assert response.status_code == 403
    assert fresh(placed).status == "placed"


def test_a_provider_cannot_decline_another_organisations_order(browser, jo, holder, budget, outing, sessions, rival):
    placed = order(jo, holder, sessions, 2, outing)
    browser.sign_in("rita@example.com")
    assert browser.submit(f"/orders/{placed.id}/decline", {"reason": "No."}, form_url="/").status_code == 403
    assert fresh(placed).status == "placed"


def test_a_providers_inbox_lists_only_its_own_orders(browser, make, jo, holder, budget, outing, sessions, rival):
    placed = order(jo, holder, sessions, 2, outing)
    browser.sign_in("rita@example.com")
    assert f"Order {placed.id}" not in read(browser.get("/provider/orders"))
    browser.sign_out()
    browser.sign_in("pat@example.com")
    assert f"Order {placed.id}" in read(browser.get("/provider/orders"))


def test_the_service_refuses_a_provider_acting_on_another_organisations_order(jo, holder, budget, outing, sessions, rival):
    placed = order(jo, holder, sessions, 2, outing)
    with pytest.raises(NotAllowed):
        lifecycle.accept(rival, placed)


# --- brokers ---------------------------------------------------------------------------------

def test_a_broker_opens_the_basket_of_someone_in_their_caseload(browser, holder, budget, plan, broker):
    browser.sign_in("bob@example.com")
    assert browser.get(f"/holders/{holder.id}/basket").status_code == 200


def test_a_broker_cannot_open_the_basket_of_someone_not_in_their_caseload(browser, broker, other_holder):
    browser.sign_in("bob@example.com")
    assert browser.get(f"/holders/{other_holder.id}/basket").status_code == 403


def test_the_order_form_does_not_offer_a_broker_someone_not_in_their_caseload(browser, holder, budget, plan, sessions,
                                                                              broker, other_holder):
    browser.sign_in("bob@example.com")
    response = browser.get(f"/orders/new?listing={sessions.id}&holder={other_holder.id}")
    assert response.status_code == 403  # never the form for someone else in their place
    assert "Ola Other" not in read(response)
    assert "Price for Jo Holder" in read(browser.get(f"/orders/new?listing={sessions.id}"))


def test_a_broker_cannot_add_to_the_basket_of_someone_not_in_their_caseload(browser, holder, budget, outing, sessions, broker,
                                                                            other_holder):
    browser.sign_in("bob@example.com")
    response = add_to_basket_page(browser, other_holder, sessions, 2, outing)
    assert response.status_code == 403
    assert basket_items(other_holder) == [] and basket_items(holder) == []


def test_a_broker_cannot_check_out_for_someone_not_in_their_caseload(browser, broker, other_holder):
    browser.sign_in("bob@example.com")
    response = browser.submit(f"/holders/{other_holder.id}/checkout", {"submission_key": "0" * 32}, form_url="/")
    assert response.status_code == 403


def test_a_brokers_revoked_delegation_ends_their_ordering(browser, holder, budget, plan, broker):
    delegation = holder.delegations[0]
    delegation.revoked_at = clock.now()
    db.session.commit()
    browser.sign_in("bob@example.com")
    assert browser.get(f"/holders/{holder.id}/basket").status_code == 403


# --- representatives ---------------------------------------------------------------------------

@pytest.fixture
def viewer(make, holder):
    """Vic may only see Jo's account."""
    person = make.user(R.REPRESENTATIVE, email="vic@example.com", name="Vic Viewer")
    make.delegation(holder, person, ["view"])
    return person


def test_a_representative_with_only_view_cannot_open_the_basket(browser, holder, budget, plan, viewer):
    browser.sign_in("vic@example.com")
    assert browser.get(f"/holders/{holder.id}/basket").status_code == 403


def test_a_representative_with_only_view_cannot_check_out(browser, jo, holder, budget, outing, sessions, viewer):
    basket.add_to_basket(jo, holder, sessions, 2, outing.key)
    browser.sign_in("vic@example.com")
    response = browser.submit(f"/holders/{holder.id}/checkout", {"submission_key": "0" * 32}, form_url="/")
    assert response.status_code == 403
    assert [i.actor_id for i in basket_items(holder)] == [jo.id]


def test_a_representative_with_only_view_is_not_offered_the_order_form(browser, holder, budget, plan, sessions, viewer):
    browser.sign_in("vic@example.com")
    assert browser.get(f"/orders/new?listing={sessions.id}").status_code == 403


def test_a_representative_with_only_view_can_still_see_the_orders(browser, jo, holder, budget, outing, sessions, viewer):
    placed = order(jo, holder, sessions, 2, outing)
    browser.sign_in("vic@example.com")
    assert browser.get(f"/orders/{placed.id}").status_code == 200


def test_the_service_refuses_an_order_from_a_representative_with_only_view(holder, budget, outing, sessions, viewer):
    with pytest.raises(NotAllowed):
        basket.add_to_basket(viewer, holder, sessions, 2, outing.key)
    with pytest.raises(NotAllowed):
        placing.place(viewer, holder, "0" * 32)


def test_a_representative_with_order_rights_orders_from_their_own_basket(browser, make, jo, holder, budget, outing, sessions):
    person = make.user(R.REPRESENTATIVE, email="ria@example.com", name="Ria Rep")
    make.delegation(holder, person, ["order"])
    basket.add_to_basket(jo, holder, sessions, 9, outing.key)  # Jo's own basket is not Ria's
    browser.sign_in("ria@example.com")
    add_to_basket_page(browser, holder, sessions, 1, outing)
    assert checkout_page(browser, holder).status_code == 200
    (placed,) = orders_of(holder)
    assert (placed.placed_by_id, placed.committed_pence) == (person.id, 4000)
    assert [(i.actor_id, i.quantity_centi) for i in basket_items(holder)] == [(jo.id, 900)]


# --- council staff ---------------------------------------------------------------------------------

def test_the_holder_cannot_approve_their_own_order(browser, jo, holder, budget, outing, gardening):
    placed = order(jo, holder, gardening, 2, outing)
    browser.sign_in("jo@example.com")
    assert browser.get(f"/orders/{placed.id}/approval").status_code == 403


def test_another_councils_coordinator_cannot_approve_the_order(browser, make, jo, holder, budget, outing, gardening):
    placed = order(jo, holder, gardening, 2, outing)
    make.user(R.CARE_COORDINATOR, make.council("birchley"), email="bill@example.com")
    browser.sign_in("bill@example.com")
    assert browser.get(f"/orders/{placed.id}/approval").status_code == 403
    assert browser.get(f"/orders/{placed.id}").status_code == 403
    assert fresh(placed).status == "awaiting_approval"


def test_a_basket_item_is_only_removed_by_whoever_added_it(jo, holder, budget, outing, sessions, broker):
    basket.add_to_basket(jo, holder, sessions, 2, outing.key)
    (item,) = basket_items(holder)
    with pytest.raises(NotAllowed):
        basket.remove_from_basket(broker, item)
    assert len(basket_items(holder)) == 1
