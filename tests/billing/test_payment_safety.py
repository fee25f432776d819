"""Money leaves once. While a payment that has left this server is unresolved (a card payment
still processing, a bank file already sent), the invoice cannot be paid another way, disputed,
credited or approved again; a refund never exceeds what is left to give back; a payment run
only gathers invoices the council pays."""
from __future__ import annotations

import pytest

from marketplace.billing import service
from marketplace.billing.models import PaymentRun
from marketplace.errors import DomainError
from marketplace.extensions import db

from .support import entries, fresh, payments


@pytest.fixture
def processing(stripe_stub, jo):
    """Jo's approved £40 invoice with a card payment Stripe says is still processing."""
    invoice = jo.invoice()
    service.approve(jo.holder_user, invoice)
    stripe_stub.script = [{"status": "processing"}]
    with pytest.raises(DomainError):
        service.pay(jo.holder_user, invoice, "card", payment_method="pm_card_visa")
    return fresh(invoice)


@pytest.fixture
def in_a_run(market):
    """A council-managed £40 invoice approved by finance and exported in a payment run (the bank file is out)."""
    town = market(deployment="council_managed", stripe_account_id="acct_123")
    invoice = town.invoice()
    service.approve(town.finance, invoice)
    run = service.start_payment_run(town.finance, town.council)
    return town, fresh(invoice), run


def test_a_bank_transfer_cannot_be_recorded_while_a_card_payment_is_processing(jo, processing):
    with pytest.raises(DomainError, match="still in progress"):
        service.pay(jo.holder_user, processing, "bacs", reference="BACS 1")
    db.session.rollback()
    (pending,) = payments(processing, "pending")
    assert (pending.method, pending.gateway_ref, fresh(processing).status) == ("card", "pi_stub_1", "approved")


def test_a_credit_note_waits_until_a_processing_card_payment_is_resolved(jo, processing):
    with pytest.raises(DomainError, match="in progress"):
        service.issue_credit_note(jo.provider_user, processing, 1000, "Started late")
    db.session.rollback()
    assert (fresh(processing).credited_pence, entries(processing, "release")) == (0, [])


def test_an_invoice_in_a_payment_run_sent_to_the_bank_cannot_be_paid_another_way(stripe_stub, in_a_run):
    town, invoice, run = in_a_run
    with pytest.raises(DomainError, match=f"payment run {run.id}"):
        service.pay(town.finance, invoice, "stripe_transfer")
    db.session.rollback()
    assert stripe_stub.requests == []
    assert [(p.status, p.payment_run_id) for p in payments(invoice)] == [("pending", run.id)]


def test_an_invoice_in_a_payment_run_sent_to_the_bank_cannot_be_disputed(in_a_run):
    town, invoice, run = in_a_run
    with pytest.raises(DomainError, match="already in progress"):
        service.dispute(town.finance, invoice, "Wrong amount")
    db.session.rollback()
    assert fresh(invoice).status == "approved"
    assert service.mark_run_paid(town.finance, fresh(run), invoice.issued_on) == 1


def test_a_disputed_invoice_cannot_be_approved_around_the_dispute(jo):
    invoice = jo.invoice()
    service.approve(jo.holder_user, invoice)
    service.dispute(jo.holder_user, fresh(invoice), "Nobody came")
    with pytest.raises(DomainError):
        service.approve(jo.holder_user, fresh(invoice))
    db.session.rollback()
    assert fresh(invoice).status == "disputed" and len(payments(invoice, "pending")) == 1


def test_a_payment_run_only_gathers_invoices_the_council_or_a_budget_manager_pays(jo, signed_in):
    invoice = jo.invoice()  # Jo pays this herself (direct payment)
    service.approve(jo.holder_user, invoice)
    finance = signed_in(jo.finance)
    assert finance.submit("/council/payments", {"payer_kind": "holder"}).status_code == 302
    assert db.session.scalars(db.select(PaymentRun)).all() == []
    assert [p.payment_run_id for p in payments(invoice)] == [None]


def test_a_refund_larger_than_what_is_left_after_credit_notes_is_refused_before_stripe_is_asked(stripe_stub, jo):
    invoice = jo.invoice()
    service.approve(jo.holder_user, invoice)
    payment = service.pay(jo.holder_user, fresh(invoice), "card", payment_method="pm_card_visa")
    service.issue_credit_note(jo.provider_user, fresh(invoice), 1500, "Started late")
    with pytest.raises(DomainError):
        service.refund_card_payment(jo.provider_user, fresh(payment), 4000, "Nobody came")
    db.session.rollback()
    assert stripe_stub.posts("/v1/refunds") == []
    assert fresh(payment).refunded_pence == 0 and [e.amount_pence for e in entries(invoice, "credit")] == [1500]
