"""Stripe webhooks: signed with Stripe's scheme, handled once by event id, unknown types answered,
and a late "failed" never undoing a "succeeded"."""
from __future__ import annotations

import json

import pytest

from marketplace.billing import payments
from marketplace.billing.models import StripeEvent
from marketplace.errors import DomainError
from marketplace.extensions import db

from .support import deliver_webhook, entries, event, fresh, money, payments_of, signature


@pytest.fixture
def pending(stripe_stub, jo):
    """Jo's card payment for her approved £40 invoice, which Stripe says is still processing."""
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    stripe_stub.script = [{"status": "processing"}]
    with pytest.raises(DomainError):
        payments.pay(jo.holder_user, invoice, "card", payment_method="pm_card_visa")
    (payment,) = payments_of(invoice, "pending")
    assert payment.gateway_ref == "pi_stub_1"
    return payment


def intent(payment, status: str, **extra) -> dict:
    return {"id": payment.gateway_ref, "object": "payment_intent", "status": status, "amount": payment.amount_pence,
            "currency": "gbp", "metadata": {"payment_id": str(payment.id)}, **extra}


def stripe_events() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(e.event_id, e.type) for e in db.session.scalars(db.select(StripeEvent).order_by(StripeEvent.id))]


def test_payment_succeeded_settles_a_pending_card_payment(client, webhook_secret, jo, pending):
    before = money(jo.budget)
    response = deliver_webhook(client, event("evt_1", "payment_intent.succeeded", intent(pending, "succeeded")))
    assert (response.status_code, response.get_json()["result"]) == (200, "settled")
    assert (fresh(pending).status, fresh(pending.invoice).status) == ("succeeded", "paid")
    after = money(jo.budget)
    assert (before.committed - after.committed, after.spent - before.spent) == (4000, 4000)


def test_the_same_event_delivered_three_times_settles_once(client, webhook_secret, jo, pending):
    payload = event("evt_1", "payment_intent.succeeded", intent(pending, "succeeded"))
    answers = [deliver_webhook(client, payload) for _ in range(3)]
    assert [(a.status_code, a.get_json()["result"]) for a in answers] == [
        (200, "settled"), (200, "duplicate"), (200, "duplicate")]
    assert stripe_events() == [("evt_1", "payment_intent.succeeded")]
    assert [e.amount_pence for e in entries(pending.invoice, "payment")] == [4000]
    assert [p.id for p in payments_of(pending.invoice, "succeeded")] == [pending.id]


def test_a_bad_signature_is_refused_and_changes_nothing(client, webhook_secret, jo, pending):
    payload = event("evt_1", "payment_intent.succeeded", intent(pending, "succeeded"))
    response = deliver_webhook(client, payload, secret="whsec_someone_else")
    assert response.status_code == 400
    assert stripe_events() == []
    assert (fresh(pending).status, fresh(pending.invoice).status, entries(pending.invoice, "payment")) == (
        "pending", "approved", [])


def test_a_body_changed_after_signing_is_refused(client, webhook_secret, jo, pending):
    payload = event("evt_1", "payment_intent.succeeded", intent(pending, "succeeded"))
    tampered = json.dumps({**json.loads(payload), "id": "evt_2"})
    response = deliver_webhook(client, tampered, header=signature(payload))
    assert response.status_code == 400 and stripe_events() == []


def test_an_event_type_we_do_not_use_is_answered_200(client, webhook_secret, ctx):
    payload = event("evt_9", "customer.created", {"id": "cus_1", "object": "customer"})
    response = deliver_webhook(client, payload)
    assert (response.status_code, response.get_json()["result"]) == (200, "ignored type")


def test_payment_failed_arriving_after_succeeded_changes_nothing(client, webhook_secret, jo, pending):
    deliver_webhook(client, event("evt_1", "payment_intent.succeeded", intent(pending, "succeeded")))
    before = money(jo.budget)
    late = intent(pending, "requires_payment_method", last_payment_error={"message": "Your card was declined."})
    response = deliver_webhook(client, event("evt_2", "payment_intent.payment_failed", late))
    assert (response.status_code, response.get_json()["result"]) == (200, "ignored: payment already succeeded")
    payment = fresh(pending)
    assert (payment.status, payment.failure_message, payment.invoice.status) == ("succeeded", None, "paid")
    assert money(jo.budget) == before
    assert [e.amount_pence for e in entries(pending.invoice, "payment")] == [4000]


def test_payment_failed_for_a_pending_payment_marks_it_failed_and_the_invoice_stays_payable(client, webhook_secret, jo, pending):
    failed = intent(pending, "requires_payment_method", last_payment_error={"message": "Your card was declined."})
    response = deliver_webhook(client, event("evt_3", "payment_intent.payment_failed", failed))
    assert (response.status_code, response.get_json()["result"]) == (200, "marked failed")
    payment = fresh(pending)
    assert (payment.status, payment.failure_message, payment.invoice.status) == ("failed", "Your card was declined.", "approved")


def test_without_a_configured_secret_webhooks_are_refused(client, ctx):
    payload = event("evt_1", "customer.created", {"id": "cus_1", "object": "customer"})
    assert deliver_webhook(client, payload).status_code == 400
    assert stripe_events() == []


def test_a_success_after_a_failure_is_recorded_the_bank_took_the_money_after_all(client, webhook_secret, jo, pending):
    failed = intent(pending, "requires_payment_method", last_payment_error={"message": "Authentication timed out."})
    deliver_webhook(client, event("evt_4", "payment_intent.payment_failed", failed))
    response = deliver_webhook(client, event("evt_5", "payment_intent.succeeded", intent(pending, "succeeded")))
    assert (response.status_code, response.get_json()["result"]) == (200, "settled")
    payment = fresh(pending)
    assert (payment.status, payment.invoice.status) == ("succeeded", "paid")
    assert [e.amount_pence for e in entries(pending.invoice, "payment")] == [4000]
