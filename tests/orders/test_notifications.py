"""Who is told what, in the product (Notification rows) and by email (the mail outbox)."""
from __future__ import annotations

import pytest

from marketplace import mail
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.orders import delivery, lifecycle

from .support import order, read


@pytest.fixture(autouse=True)
def outbox(plan):
    """The outbox emptied of the plan's emails, so each test sees only what ordering sent."""
    mail.outbox().clear()
    return mail.outbox()


def notes(user) -> list[tuple[str, str, str]]:
    db.session.expire_all()
    return [(n.title, n.body, n.link) for n in db.session.scalars(db.select(Notification).filter_by(user_id=user.id)
                                                                  .order_by(Notification.id))]


def titles(user) -> list[str]:
    return [title for title, _, _ in notes(user)]


def emails(user) -> list[str]:
    return [m.subject for m in mail.outbox() if m.to == user.email]


def test_the_provider_gets_one_notification_and_one_email_for_a_new_order(jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    assert notes(pat) == [("New order from Jo Holder", "Ordered by Jo Holder: £80.00. Please accept or decline it.",
                           f"/orders/{placed.id}")]
    assert emails(pat) == ["New order from Jo Holder"]


def test_the_new_order_email_links_to_the_order(jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    (message,) = [m for m in mail.outbox() if m.to == "pat@example.com"]
    assert message.body.endswith(f"/orders/{placed.id}")


def test_the_provider_hears_nothing_while_the_order_waits_for_the_coordinator(jo, holder, budget, outing, gardening, pat):
    order(jo, holder, gardening, 2, outing)
    assert notes(pat) == [] and emails(pat) == []


def test_the_coordinator_is_told_an_order_needs_approval(jo, holder, budget, outing, gardening, coordinator):
    placed = order(jo, holder, gardening, 2, outing)
    ((title, body, link),) = notes(coordinator)
    assert title == "An order needs your approval: Jo Holder"
    assert body.startswith("Ordered by Jo Holder: £40.00 with Out and About Ltd. Gardening is not one of the kinds")
    assert link == f"/orders/{placed.id}"
    assert emails(coordinator) == ["An order needs your approval: Jo Holder"]


def test_once_approved_the_provider_gets_the_new_order_and_the_buyer_is_told(jo, holder, budget, outing, gardening,
                                                                             coordinator, pat):
    placed = order(jo, holder, gardening, 2, outing)
    lifecycle.approve(coordinator, placed, True)
    assert titles(pat) == ["New order from Jo Holder"]
    assert titles(jo) == ["Your order was approved"]


def test_the_buyer_is_told_when_the_coordinator_does_not_approve(jo, holder, budget, outing, gardening, coordinator):
    placed = order(jo, holder, gardening, 2, outing)
    lifecycle.approve(coordinator, placed, False, "Gardening belongs to your home outcome.")
    assert notes(jo) == [("Your order was not approved", "The reason given: Gardening belongs to your home outcome.",
                          f"/orders/{placed.id}")]
    assert emails(jo) == ["Your order was not approved"]


def test_the_buyer_gets_a_notification_and_an_email_when_the_provider_accepts(jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    lifecycle.accept(pat, placed)
    assert notes(jo) == [("Out and About Ltd accepted your order", f"Order {placed.id} is accepted.", f"/orders/{placed.id}")]
    assert emails(jo) == ["Out and About Ltd accepted your order"]


def test_the_buyer_gets_a_notification_and_an_email_when_the_provider_declines(jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    lifecycle.decline(pat, placed, "Fully booked")
    assert notes(jo) == [("Out and About Ltd declined your order",
                          "The reason given: Fully booked. The money is back in the budget.", f"/orders/{placed.id}")]
    assert emails(jo) == ["Out and About Ltd declined your order"]


def test_a_brokers_order_tells_both_the_holder_and_the_broker_once_each(jo, holder, budget, outing, sessions, pat, broker):
    placed = order(broker, holder, sessions, 2, outing)
    lifecycle.accept(pat, placed)
    assert titles(jo) == ["Out and About Ltd accepted your order"]
    assert titles(broker) == ["Out and About Ltd accepted your order"]
    assert notes(pat)[0][1] == "Ordered by Bob Broker for Jo Holder: £80.00. Please accept or decline it."


def test_the_buyer_is_asked_to_confirm_a_delivery(jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    lifecycle.accept(pat, placed)
    delivery.record_delivery(pat, placed.lines[0].occurrences[0])
    title, body, link = notes(jo)[-1]
    assert title == "Please confirm a delivery"
    assert body == ("Out and About Ltd says they delivered “Support worker for days out” on 16 November 2026. "
                    "Please confirm it, or tell us if something is wrong.")
    assert link == f"/orders/{placed.id}"
    assert emails(jo)[-1] == "Please confirm a delivery"


def test_the_provider_is_told_of_a_dispute_and_its_reason(jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    lifecycle.accept(pat, placed)
    occurrence = placed.lines[0].occurrences[0]
    delivery.record_delivery(pat, occurrence)
    delivery.dispute(jo, occurrence, "Nobody came.")
    title, body, _ = notes(pat)[-1]
    assert title == "A delivery was disputed: Jo Holder"
    assert body == "“Support worker for days out” on 16 November 2026: Nobody came."


def test_the_holder_reads_their_notifications_with_an_unread_count(browser, jo, holder, budget, outing, sessions, pat):
    placed = order(jo, holder, sessions, 2, outing)
    lifecycle.accept(pat, placed)
    browser.sign_in("jo@example.com")
    text = read(browser.get("/notifications"))
    assert "Out and About Ltd accepted your order" in text
    assert "Notifications 1 unread" in text
