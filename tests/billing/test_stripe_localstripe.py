"""Card payments through the real ``stripe`` library against localstripe, a stateful fake Stripe.

The provider here has no connected account: localstripe knows no Connect parameters (those are
checked against a recording stub in test_stripe_requests.py).
"""
from __future__ import annotations

import pytest

from marketplace.billing import corrections, payments
from marketplace.billing.gateways.stripe import stripe_api
from marketplace.errors import DomainError

from .support import entries, fresh, money, payments_of, read

DECLINED_CARD = "4000000000000341"  # attaches, then is declined when charged


@pytest.fixture
def approved(jo):
    """Jo's invoice for one £40 session, approved by Jo."""
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    return invoice


def pay_by_card(jo, invoice, card_number="4242424242424242"):
    card = stripe_api.client().v1.payment_methods.create(  # test mode only: Stripe.js collects real cards
        params={"type": "card", "card": {"number": card_number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    return payments.pay(jo.holder_user, invoice, "card", payment_method=card.id)


def test_a_card_payment_that_succeeds_pays_the_invoice_and_spends_the_money(localstripe, jo, approved):
    before = money(jo.budget)
    payment = pay_by_card(jo, approved)
    assert (payment.status, payment.method, payment.amount_pence) == ("succeeded", "card", 4000)
    assert payment.gateway_ref.startswith("pi_")
    assert fresh(approved).status == "paid"
    after = money(jo.budget)
    assert (before.committed - after.committed, after.spent - before.spent) == (4000, 4000)
    assert [e.amount_pence for e in entries(approved, "payment")] == [4000]


def test_the_payment_intent_localstripe_holds_is_for_the_invoice_total_in_pounds_sterling(localstripe, jo, approved):
    payment = pay_by_card(jo, approved)
    intent = stripe_api.client().v1.payment_intents.retrieve(payment.gateway_ref)
    assert (intent.status, intent.amount, intent.currency) == ("succeeded", 4000, "gbp")
    assert intent.metadata["payment_id"] == str(payment.id) and intent.metadata["invoice"] == approved.reference


def test_a_declined_card_leaves_the_invoice_approved_and_payable(localstripe, jo, approved):
    with pytest.raises(DomainError, match="The invoice is still waiting to be paid"):
        pay_by_card(jo, approved, DECLINED_CARD)
    invoice = fresh(approved)
    assert invoice.status == "approved" and payments.open_payment(invoice) is None
    (card,) = [p for p in payments_of(invoice) if p.method == "card"]
    assert (card.status, card.failure_message) == ("failed", "Your card was declined.")
    assert entries(invoice, "payment") == [] and money(jo.budget).spent == 0


def test_a_declined_card_is_explained_on_the_invoice_page(localstripe, jo, approved, signed_in):
    with pytest.raises(DomainError):
        pay_by_card(jo, approved, DECLINED_CARD)
    page = read(signed_in(jo.holder_user).get(f"/invoices/{approved.id}"))
    assert "The last payment attempt did not go through: Your card was declined." in page
    assert "Record a bank transfer or standing order" in page


def test_after_a_declined_card_the_manual_route_pays_the_invoice(localstripe, jo, approved):
    with pytest.raises(DomainError):
        pay_by_card(jo, approved, DECLINED_CARD)
    payment = payments.pay(jo.holder_user, fresh(approved), "bacs", reference="BACS after card")
    assert (payment.status, payment.method, fresh(approved).status) == ("succeeded", "bacs", "paid")
    assert [p.status for p in payments_of(approved) if p.method == "card"] == ["failed"]
    assert [e.amount_pence for e in entries(approved, "payment")] == [4000]


def test_a_refund_goes_back_through_stripe_and_the_money_back_to_the_budget(localstripe, jo, approved):
    payment = pay_by_card(jo, approved)
    before = money(jo.budget)
    corrections.refund(jo.provider_user, payment, 1500, "One hour was not delivered")
    refunds = stripe_api.client().v1.refunds.list(params={"payment_intent": payment.gateway_ref}).data
    assert [(r.amount, r.status) for r in refunds] == [(1500, "succeeded")]
    invoice = fresh(approved)
    assert fresh(payment).refunded_pence == 1500
    assert [(c.amount_pence, c.reason) for c in invoice.credit_notes] == [(1500, "Refund: One hour was not delivered")]
    assert [e.amount_pence for e in entries(invoice, "credit")] == [1500]
    after = money(jo.budget)
    assert (after.available - before.available, before.spent - after.spent) == (1500, 1500)
