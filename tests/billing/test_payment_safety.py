"""Money leaves once. While a payment that has left this server is unresolved (a card payment
still processing, a bank file already sent), the invoice cannot be paid another way, disputed,
credited or approved again; a refund never exceeds what is left to give back; a payment run
only gathers invoices the council pays."""
from __future__ import annotations

import pytest

from marketplace.billing import corrections, payments
from marketplace.billing.models import PaymentRun
from marketplace.errors import DomainError
from marketplace.extensions import db

from .support import entries, fresh, payments_of


@pytest.fixture
def processing(stripe_stub, jo):
    """Jo's approved £40 invoice with a card payment Stripe says is still processing."""
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    stripe_stub.script = [{"status": "processing"}]
    with pytest.raises(DomainError):
        payments.pay(jo.holder_user, invoice, "card", payment_method="pm_card_visa")
    return fresh(invoice)


@pytest.fixture
def in_a_run(market):
    """A council-managed £40 invoice approved by finance and exported in a payment run (the bank file is out)."""
    town = market(deployment="council_managed", stripe_account_id="acct_123")
    invoice = town.invoice()
    payments.approve(town.finance, invoice)
    run = payments.start_payment_run(town.finance, town.council)
    return town, fresh(invoice), run


def test_a_bank_transfer_cannot_be_recorded_while_a_card_payment_is_processing(jo, processing):
    with pytest.raises(DomainError, match="still in progress"):
        payments.pay(jo.holder_user, processing, "bacs", reference="BACS 1")
    db.session.rollback()
    (pending,) = payments_of(processing, "pending")
    assert (pending.method, pending.gateway_ref, fresh(processing).status) == ("card", "pi_stub_1", "approved")


def test_a_credit_note_waits_until_a_processing_card_payment_is_resolved(jo, processing):
    with pytest.raises(DomainError, match="in progress"):
        corrections.issue_credit_note(jo.provider_user, processing, 1000, "Started late")
    db.session.rollback()
    assert (fresh(processing).credited_pence, entries(processing, "release")) == (0, [])


def test_an_invoice_in_a_payment_run_sent_to_the_bank_cannot_be_paid_another_way(stripe_stub, in_a_run):
    town, invoice, run = in_a_run
    with pytest.raises(DomainError, match=f"payment run {run.id}"):
        payments.pay(town.finance, invoice, "stripe_transfer")
    db.session.rollback()
    assert stripe_stub.requests == []
    assert [(p.status, p.payment_run_id) for p in payments_of(invoice)] == [("pending", run.id)]


def test_an_invoice_in_a_payment_run_sent_to_the_bank_cannot_be_disputed(in_a_run):
    town, invoice, run = in_a_run
    with pytest.raises(DomainError, match="already in progress"):
        corrections.dispute(town.finance, invoice, "Wrong amount")
    db.session.rollback()
    assert fresh(invoice).status == "approved"
    assert payments.mark_run_paid(town.finance, fresh(run), invoice.issued_on) == 1


def test_a_disputed_invoice_cannot_be_approved_around_the_dispute(jo):
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    corrections.dispute(jo.holder_user, fresh(invoice), "Nobody came")
    with pytest.raises(DomainError):
        payments.approve(jo.holder_user, fresh(invoice))
    db.session.rollback()
    assert fresh(invoice).status == "disputed" and len(payments_of(invoice, "pending")) == 1


def test_a_payment_run_only_gathers_invoices_the_council_or_a_budget_manager_pays(jo, signed_in):
    invoice = jo.invoice()  # Jo pays this herself (direct payment)
    payments.approve(jo.holder_user, invoice)
    finance = signed_in(jo.finance)
    assert finance.submit("/council/payments", {"payer_kind": "holder"}).status_code == 302
    assert db.session.scalars(db.select(PaymentRun)).all() == []
    assert [p.payment_run_id for p in payments_of(invoice)] == [None]


def test_a_refund_larger_than_what_is_left_after_credit_notes_is_refused_before_stripe_is_asked(stripe_stub, jo):
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    payment = payments.pay(jo.holder_user, fresh(invoice), "card", payment_method="pm_card_visa")
    corrections.issue_credit_note(jo.provider_user, fresh(invoice), 1500, "Started late")
    with pytest.raises(DomainError):
        corrections.refund(jo.provider_user, fresh(payment), 4000, "Nobody came")
    db.session.rollback()
    assert stripe_stub.posts("/v1/refunds") == []
    assert fresh(payment).refunded_pence == 0 and [e.amount_pence for e in entries(invoice, "credit")] == [1500]
