"""What the ``stripe`` library actually sends, recorded by a local stand-in for the Stripe API:
Connect parameters and idempotency keys, which localstripe does not know.

Every create call carries an Idempotency-Key; a payment whose outcome is unknown (a server
error, a dropped connection, "processing") is retried with the SAME key, so Stripe cannot take
the money twice, and the project records it once.
"""
from __future__ import annotations

import pytest

from marketplace.billing import payments
from marketplace.billing.gateways.stripe.consts import API_VERSION
from marketplace.errors import DomainError

from .conftest import STRIPE_KEY
from .support import entries, fresh, payments_of, read

PAYMENT_METHOD = "pm_card_visa"


@pytest.fixture
def connected(market):
    """A direct-payment holder whose provider has a Stripe connected account."""
    return market(stripe_account_id="acct_123")


@pytest.fixture
def approved(connected):
    """The holder's invoice for two sessions (£80), approved by the holder."""
    invoice = connected.invoice(quantity=2)
    payments.approve(connected.holder_user, invoice)
    return invoice


def pay_by_card(market, invoice):
    return payments.pay(market.holder_user, invoice, "card", payment_method=PAYMENT_METHOD)


# --- a card payment to a connected provider -------------------------------------------------

def test_a_card_payment_is_a_destination_charge_to_the_providers_account_in_pence(stripe_stub, connected, approved):
    pay_by_card(connected, approved)
    (sent,) = stripe_stub.posts("/v1/payment_intents")
    assert {k: sent.form[k] for k in ("amount", "currency", "transfer_data[destination]", "on_behalf_of", "payment_method",
                                      "confirm", "payment_method_types[0]")} == {
        "amount": "8000", "currency": "gbp", "transfer_data[destination]": "acct_123", "on_behalf_of": "acct_123",
        "payment_method": PAYMENT_METHOD, "confirm": "true", "payment_method_types[0]": "card"}


def test_a_card_payment_carries_the_payments_idempotency_key(stripe_stub, connected, approved):
    payment = pay_by_card(connected, approved)
    (sent,) = stripe_stub.posts("/v1/payment_intents")
    assert sent.headers["idempotency-key"] == payment.idempotency_key
    assert payment.idempotency_key.startswith(f"invoice-{approved.id}-")


def test_a_card_payment_names_the_payment_and_invoice_in_its_metadata(stripe_stub, connected, approved):
    payment = pay_by_card(connected, approved)
    (sent,) = stripe_stub.posts("/v1/payment_intents")
    assert (sent.form["metadata[payment_id]"], sent.form["metadata[invoice_id]"], sent.form["metadata[invoice]"]) == (
        str(payment.id), str(approved.id), approved.reference)


def test_requests_use_the_secret_key_and_the_pinned_api_version(stripe_stub, connected, approved):
    pay_by_card(connected, approved)
    (sent,) = stripe_stub.posts("/v1/payment_intents")
    assert sent.headers["authorization"] == f"Bearer {STRIPE_KEY}"
    assert sent.headers["stripe-version"] == API_VERSION


def test_the_destination_charge_pays_the_invoice(stripe_stub, connected, approved):
    payment = pay_by_card(connected, approved)
    assert (payment.status, payment.gateway_ref, fresh(approved).status) == ("succeeded", "pi_stub_1", "paid")
    assert [e.amount_pence for e in entries(approved, "payment")] == [8000]


# --- a transfer for a council-managed invoice ----------------------------------------------------

def test_a_council_managed_invoice_is_paid_by_a_transfer_to_the_providers_account(stripe_stub, market):
    town = market(deployment="council_managed", stripe_account_id="acct_123")
    invoice = town.invoice()
    payments.approve(town.finance, invoice)
    payment = payments.pay(town.finance, invoice, "stripe_transfer")
    (sent,) = stripe_stub.posts("/v1/transfers")
    assert {k: sent.form[k] for k in ("destination", "amount", "currency", "transfer_group")} == {
        "destination": "acct_123", "amount": "4000", "currency": "gbp", "transfer_group": invoice.reference}
    assert sent.headers["idempotency-key"] == payment.idempotency_key
    assert (payment.status, payment.gateway_ref, fresh(invoice).status) == ("succeeded", "tr_stub_1", "paid")


def test_a_transfer_is_refused_before_anything_is_sent_when_the_provider_has_no_stripe_account(stripe_stub, market):
    town = market(deployment="council_managed")
    invoice = town.invoice()
    payments.approve(town.finance, invoice)
    with pytest.raises(DomainError, match="has not connected a Stripe account"):
        payments.pay(town.finance, invoice, "stripe_transfer")
    assert stripe_stub.requests == [] and fresh(invoice).status == "approved"


# --- retrying a payment whose outcome is unknown --------------------------------------------------

@pytest.mark.parametrize("first_answer", ["500", "close", {"status": "processing"}],
                         ids=["server-error", "dropped-connection", "processing"])
def test_a_retry_after_an_unknown_outcome_sends_the_same_idempotency_key(stripe_stub, connected, approved, first_answer):
    stripe_stub.script = [first_answer]
    with pytest.raises(DomainError, match="Nothing more will be taken if you try again"):
        pay_by_card(connected, approved)
    (pending,) = payments_of(approved, "pending")
    assert fresh(approved).status == "approved"
    payment = pay_by_card(connected, fresh(approved))
    first, second = stripe_stub.posts("/v1/payment_intents")
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == pending.idempotency_key
    assert (payment.id, payment.status) == (pending.id, "succeeded")


def test_a_payment_still_processing_is_shown_as_in_progress(stripe_stub, connected, approved, signed_in):
    stripe_stub.script = [{"status": "processing"}]
    with pytest.raises(DomainError, match="The bank is still checking this payment"):
        pay_by_card(connected, approved)
    (pending,) = payments_of(approved, "pending")
    assert (pending.method, pending.gateway_ref) == ("card", "pi_stub_1")
    page = read(signed_in(connected.holder_user).get(f"/invoices/{approved.id}"))
    assert "A card payment is in progress. Trying again will not take the money twice." in page


def test_while_a_payment_is_out_the_page_offers_no_other_route_or_dispute(stripe_stub, connected, approved, signed_in):
    stripe_stub.script = [{"status": "processing"}]
    with pytest.raises(DomainError):
        pay_by_card(connected, approved)
    page = read(signed_in(connected.holder_user).get(f"/invoices/{approved.id}"))
    assert "Payment in progress" in page
    assert "Record a bank transfer or standing order" not in page
    assert "Something wrong with this invoice?" not in page


def test_a_retried_payment_is_recorded_once(stripe_stub, connected, approved):
    stripe_stub.script = ["500"]
    with pytest.raises(DomainError):
        pay_by_card(connected, approved)
    pay_by_card(connected, fresh(approved))
    again = pay_by_card(connected, fresh(approved))  # a third press of the button: already paid, nothing is sent
    assert len(stripe_stub.posts("/v1/payment_intents")) == 2
    assert [p.id for p in payments_of(approved, "succeeded")] == [again.id]
    assert [p.status for p in payments_of(approved) if p.method == "card"] == ["succeeded"]
    assert [e.amount_pence for e in entries(approved, "payment")] == [8000]
