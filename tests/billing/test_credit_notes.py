"""Credit notes: before payment they reduce what is owed and release the promised money; after
payment they give spent money back to the budget with a ledger "credit"."""
from __future__ import annotations

import pytest

from marketplace.billing import corrections, payments
from marketplace.errors import DomainError, NotAllowed

from .support import entries, fresh, money, payments_of, read


def test_a_credit_before_payment_releases_that_much_of_the_commitment(jo):
    invoice = jo.invoice(quantity=2)
    before = money(jo.budget)
    corrections.issue_credit_note(jo.provider_user, invoice, 1500, "One session ran short")
    after = money(jo.budget)
    assert (before.committed - after.committed, after.available - before.available, after.spent) == (1500, 1500, 0)
    assert [e.amount_pence for e in entries(invoice, "release")] == [1500]


def test_a_credit_before_payment_reduces_what_is_owed(jo):
    invoice = jo.invoice(quantity=2)
    corrections.issue_credit_note(jo.provider_user, invoice, 1500, "One session ran short")
    invoice = fresh(invoice)
    assert (invoice.status, invoice.total_pence, invoice.credited_pence, invoice.payable_pence) == ("issued", 8000, 1500, 6500)


def test_a_credit_on_an_approved_invoice_reduces_the_payment_waiting_to_be_made(jo):
    invoice = jo.invoice(quantity=2)
    payments.approve(jo.holder_user, invoice)
    corrections.issue_credit_note(jo.provider_user, invoice, 1500, "One session ran short")
    (waiting,) = payments_of(invoice, "pending")
    assert waiting.amount_pence == 6500


def test_after_a_credit_paying_spends_only_what_is_left_and_releases_the_rest(jo):
    invoice = jo.invoice(quantity=2)
    corrections.issue_credit_note(jo.provider_user, invoice, 1500, "One session ran short")
    payments.approve(jo.holder_user, invoice)
    payment = payments.pay(jo.holder_user, fresh(invoice), "bacs", reference="BACS 1")
    after = money(jo.budget)
    assert (payment.amount_pence, after.spent, after.committed, after.available) == (6500, 6500, 0, 100000 - 6500)
    assert [e.amount_pence for e in entries(invoice, "payment")] == [6500]


def test_a_credit_after_payment_gives_money_back_with_a_ledger_credit(jo):
    invoice = jo.invoice(quantity=2)
    payments.approve(jo.holder_user, invoice)
    payments.pay(jo.holder_user, fresh(invoice), "bacs", reference="BACS 1")
    before = money(jo.budget)
    corrections.issue_credit_note(jo.provider_user, fresh(invoice), 2000, "Overcharged for travel")
    after = money(jo.budget)
    assert [e.amount_pence for e in entries(invoice, "credit")] == [2000]
    assert (before.spent - after.spent, after.available - before.available, after.committed) == (2000, 2000, 0)
    assert fresh(invoice).status == "paid"


def test_a_full_credit_before_payment_makes_the_invoice_credited_and_releases_all_of_it(jo):
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    corrections.issue_credit_note(jo.provider_user, fresh(invoice), 4000, "Session cancelled by us")
    invoice = fresh(invoice)
    assert (invoice.status, invoice.payable_pence) == ("credited", 0)
    assert [(p.status, p.failure_message) for p in payments_of(invoice)] == [
        ("cancelled", "Not needed: the invoice was credited in full.")]
    after = money(jo.budget)
    assert (after.committed, after.spent, after.available) == (0, 0, 100000)


def test_a_credited_invoice_cannot_be_paid(jo):
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    corrections.issue_credit_note(jo.provider_user, fresh(invoice), 4000, "Session cancelled by us")
    with pytest.raises(DomainError, match="Only an approved invoice can be paid"):
        payments.pay(jo.holder_user, fresh(invoice), "bacs", reference="BACS 1")


def test_a_credit_larger_than_what_is_owed_is_refused(jo):
    invoice = jo.invoice()
    with pytest.raises(DomainError, match="between 1p and £40.00"):
        corrections.issue_credit_note(jo.provider_user, invoice, 4001, "Too much")
    assert (fresh(invoice).credited_pence, entries(invoice, "release")) == (0, [])


def test_only_the_provider_can_issue_a_credit_note(jo):
    invoice = jo.invoice()
    with pytest.raises(NotAllowed):
        corrections.issue_credit_note(jo.holder_user, invoice, 1000, "I would like a discount")
    assert fresh(invoice).credit_notes == []


def test_the_provider_issues_a_credit_note_on_the_invoice_page(jo, signed_in):
    invoice = jo.invoice()
    browser = signed_in(jo.provider_user)
    response = browser.submit(f"/invoices/{invoice.id}/credit", {"amount": "12.50", "reason": "Started late"},
                              form_url=f"/invoices/{invoice.id}")
    assert response.status_code == 302
    assert [(c.amount_pence, c.reason) for c in fresh(invoice).credit_notes] == [(1250, "Started late")]
    assert "£12.50. Started late" in read(browser.get(f"/invoices/{invoice.id}"))
