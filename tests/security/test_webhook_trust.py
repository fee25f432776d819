"""Hole 10: a signed webhook settles the payment it names only when its amount, currency and kind
are that payment's own; a signed body that is not an event is refused without a server error."""
from __future__ import annotations

import json
import time

import pytest

from marketplace.billing import payments
from marketplace.errors import DomainError

from ..billing.support import deliver_webhook, event, fresh, money, payments_of


@pytest.fixture
def pending(stripe_stub, market):
    """A card payment for an approved £40 invoice that Stripe says is still processing."""
    jo = market()
    invoice = invoice_for(jo)
    stripe_stub.script = [{"status": "processing"}]
    with pytest.raises(DomainError):
        payments.pay(jo.holder_user, invoice, "card", payment_method="pm_card_visa")
    (payment,) = payments_of(invoice, "pending")
    return jo, payment


def invoice_for(jo):
    from ..billing.support import invoice_of

    invoice = invoice_of(jo.order())
    payments.approve(jo.holder_user, invoice)
    return fresh(invoice)


def succeeded(payment, **changes) -> dict:
    return {"id": payment.gateway_ref, "object": "payment_intent", "status": "succeeded", "amount": payment.amount_pence,
            "currency": "gbp", "metadata": {"payment_id": str(payment.id)}, **changes}


@pytest.mark.parametrize("changes, why", [
    ({"amount": 1}, "amount"),
    ({"currency": "usd"}, "currency"),
    ({"object": "transfer"}, "cannot settle"),
    ({"id": "pi_someone_elses"}, "another Stripe object"),
])
def test_a_signed_success_for_another_amount_currency_or_kind_settles_nothing(client, webhook_secret, pending, changes, why):
    jo, payment = pending
    before = money(jo.budget)
    response = deliver_webhook(client, event("evt_x", "payment_intent.succeeded", succeeded(payment, **changes)))
    assert response.status_code == 200 and why in response.get_json()["result"]
    assert (fresh(payment).status, fresh(payment).invoice.status) == ("pending", "approved")
    assert money(jo.budget) == before


def test_the_matching_success_still_settles(client, webhook_secret, pending):
    _jo, payment = pending
    response = deliver_webhook(client, event("evt_ok", "payment_intent.succeeded", succeeded(payment)))
    assert response.get_json()["result"] == "settled"


def test_a_signed_event_without_data_is_refused_not_a_server_error(client, webhook_secret, ctx):
    payload = json.dumps({"id": "evt_empty", "object": "event", "type": "payment_intent.succeeded",
                          "created": int(time.time()), "livemode": False})
    assert deliver_webhook(client, payload).status_code == 400
