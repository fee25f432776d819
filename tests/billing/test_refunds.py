"""Refunds go back the way the money came, through the payment gateway's ``refund``: a bank payment
is given back by bank (the provider records the reference), a Stripe transfer is reversed, a card
payment refunded. Each makes a credit note, and the money returns to the holder's budget."""
from __future__ import annotations

import pytest

from marketplace import clock
from marketplace.billing import corrections, payments
from marketplace.errors import DomainError, NotAllowed

from .support import entries, fresh, money, read


@pytest.fixture
def paid_by_bank(jo):
    """Jo's £40 invoice, approved and paid by bank transfer."""
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    return payments.pay(jo.holder_user, invoice, "bacs", reference="JO-BANK-1", paid_on=clock.today())


def test_a_bank_payment_is_given_back_with_the_providers_bank_reference(jo, paid_by_bank):
    before = money(jo.budget)
    corrections.refund(jo.provider_user, paid_by_bank, 1500, "One hour was not delivered", "OAA-REFUND-7")
    invoice = fresh(paid_by_bank).invoice
    assert fresh(paid_by_bank).refunded_pence == 1500
    assert [(c.amount_pence, c.reason) for c in invoice.credit_notes] == [(1500, "Refund: One hour was not delivered")]
    assert [e.amount_pence for e in entries(invoice, "credit")] == [1500]
    assert (money(jo.budget).available, money(jo.budget).spent) == (before.available + 1500, before.spent - 1500)


def test_a_bank_refund_without_its_reference_is_refused_and_nothing_changes(jo, paid_by_bank):
    with pytest.raises(DomainError, match="bank reference"):
        corrections.refund(jo.provider_user, paid_by_bank, 1500, "One hour was not delivered", "  ")
    assert fresh(paid_by_bank).refunded_pence == 0
    assert fresh(paid_by_bank).invoice.credit_notes == []


def test_the_payer_cannot_refund_themselves(jo, paid_by_bank):
    with pytest.raises(NotAllowed):
        corrections.refund(jo.holder_user, paid_by_bank, 1500, "I want it back", "X")


@pytest.mark.parametrize("amount", [0, 4001])
def test_a_refund_must_be_more_than_nothing_and_no_more_than_was_paid(jo, paid_by_bank, amount):
    with pytest.raises(DomainError):
        corrections.refund(jo.provider_user, paid_by_bank, amount, "Wrong", "X")


def test_a_refund_needs_a_reason(jo, paid_by_bank):
    with pytest.raises(DomainError, match="reason"):
        corrections.refund(jo.provider_user, paid_by_bank, 100, " ", "X")


def test_a_stripe_transfer_is_given_back_by_reversing_it(stripe_stub, market):
    managed = market(deployment="council_managed", stripe_account_id="acct_123")
    invoice = managed.invoice()
    payments.approve(managed.finance, invoice)
    payment = payments.pay(managed.finance, fresh(invoice), "stripe_transfer")
    corrections.refund(managed.provider_user, payment, 4000, "Cancelled by us")
    (sent,) = stripe_stub.posts("/v1/transfers/tr_stub_1/reversals")
    assert sent.form == {"amount": "4000"}
    assert sent.headers["idempotency-key"] == f"refund-{payment.id}-4000"
    assert fresh(payment).invoice.payable_pence == 0


def test_the_provider_gives_money_back_on_the_invoice_page(jo, paid_by_bank, signed_in):
    provider = signed_in(jo.provider_user)
    page = read(provider.get(f"/invoices/{paid_by_bank.invoice_id}"))
    assert "Give money back (a refund)" in page
    response = provider.submit(f"/payments/{paid_by_bank.id}/refund", {"amount": "15", "reason": "One hour short",
                                                                      "reference": "OAA-REFUND-8"},
                               form_url=f"/invoices/{paid_by_bank.invoice_id}")
    assert response.status_code == 302
    assert "Refunded." in read(provider.get(response.headers["Location"]))
    assert fresh(paid_by_bank).refunded_pence == 1500


def test_the_holder_is_not_offered_a_refund(jo, paid_by_bank, signed_in):
    assert "Give money back" not in read(signed_in(jo.holder_user).get(f"/invoices/{paid_by_bank.invoice_id}"))
