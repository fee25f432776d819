"""Confirmed delivery -> invoice -> approval -> payment -> spend in the ledger, for each way a budget is held.

Each test drives the pages the people involved use. A finished payment means: the invoice, the
order and its dates are "paid"; the budget's committed money went down and its spent money up by
the invoice total (one ledger "payment" entry); the provider can open the remittance advice.
"""
from __future__ import annotations

import csv
import io

import pytest

from marketplace import clock
from marketplace.billing.models import PaymentRun
from marketplace.extensions import db

from .support import date_fields, entries, fresh, invoice_of, money, occurrences_of, payments_of, read


def confirm_on_the_order_page(browser, order):
    (occurrence,) = occurrences_of(order)
    response = browser.submit(f"/occurrences/{occurrence.id}/confirm", form_url=f"/orders/{order.id}")
    assert response.status_code == 302
    return invoice_of(order)


def approve_on_the_invoice_page(browser, invoice):
    response = browser.submit(f"/invoices/{invoice.id}/approve", form_url=f"/invoices/{invoice.id}")
    assert response.status_code == 302
    assert fresh(invoice).status == "approved"


def record_bank_transfer(browser, invoice, reference="BACS 20261116"):
    response = browser.submit(f"/invoices/{invoice.id}/pay/manual",
                              {"method": "bacs", "reference": reference, "paid_on": date_fields(clock.today())},
                              form_url=f"/invoices/{invoice.id}")
    assert response.status_code == 302


def assert_paid(market, invoice, before, signed_in):
    """Everything a finished payment leaves behind."""
    invoice = fresh(invoice)
    after = money(market.budget)
    assert invoice.status == "paid"
    assert invoice.order.status == "paid"
    assert {o.status for o in occurrences_of(invoice.order)} == {"paid"}
    assert (before.committed - after.committed, after.spent - before.spent) == (invoice.total_pence, invoice.total_pence)
    assert [e.amount_pence for e in entries(invoice, "payment")] == [invoice.total_pence]
    (payment,) = payments_of(invoice, "succeeded")
    remittance = signed_in(market.provider_user).get(f"/payments/{payment.id}/remittance")
    assert remittance.status_code == 200
    text = read(remittance)
    assert "Remittance advice" in text and invoice.reference in text and "£40.00" in text
    return payment


def test_direct_payment_the_holder_approves_and_pays_from_confirmed_delivery(market, signed_in):
    jo = market(deployment="direct_payment")
    order = jo.order(confirm=False)
    before = money(jo.budget)
    holder = signed_in(jo.holder_user)
    invoice = confirm_on_the_order_page(holder, order)
    assert (invoice.status, invoice.payer_kind, invoice.total_pence) == ("issued", "holder", 4000)
    approve_on_the_invoice_page(holder, invoice)
    record_bank_transfer(holder, invoice)
    payment = assert_paid(jo, invoice, before, signed_in)
    assert (payment.method, payment.reference, payment.created_by_id) == ("bacs", "BACS 20261116", jo.holder_user.id)


def test_managed_account_a_delegate_who_approves_invoices_approves_and_pays(market, make, signed_in):
    jo = market(deployment="managed_account")
    manager = make.user(name="Mo Manager")
    make.delegation(jo.holder, manager, ["approve_invoices"])
    order = jo.order(confirm=False)
    before = money(jo.budget)
    browser = signed_in(manager)
    invoice = confirm_on_the_order_page(browser, order)
    assert (invoice.status, invoice.payer_kind) == ("issued", "budget_manager")
    approve_on_the_invoice_page(browser, invoice)
    record_bank_transfer(browser, invoice)
    payment = assert_paid(jo, invoice, before, signed_in)
    assert fresh(invoice).approved_by_id == manager.id and payment.created_by_id == manager.id


def test_managed_account_the_council_finance_officer_approves_and_pays(market, signed_in):
    jo = market(deployment="managed_account")
    invoice = jo.invoice()
    before = money(jo.budget)
    finance = signed_in(jo.finance)
    approve_on_the_invoice_page(finance, invoice)
    record_bank_transfer(finance, invoice)
    payment = assert_paid(jo, invoice, before, signed_in)
    assert fresh(invoice).approved_by_id == jo.finance.id and payment.created_by_id == jo.finance.id


def test_council_managed_finance_approves_then_pays_through_a_payment_run_file(market, signed_in):
    jo = market(deployment="council_managed")
    invoice = jo.invoice()
    before = money(jo.budget)
    assert invoice.payer_kind == "council"
    finance = signed_in(jo.finance)
    approve_on_the_invoice_page(finance, invoice)
    assert invoice.reference in read(finance.get("/council/payments"))

    made = finance.submit("/council/payments", {"payer_kind": "council"})
    assert made.status_code == 302
    (run,) = db.session.scalars(db.select(PaymentRun)).all()
    assert (run.council_id, run.payer_kind, run.total_pence, run.status) == (jo.council.id, "council", 4000, "exported")

    bank_file = finance.get(f"/council/payment-runs/{run.id}.csv")
    assert bank_file.status_code == 200 and bank_file.mimetype == "text/csv"
    (row,) = list(csv.reader(io.StringIO(bank_file.get_data(as_text=True))))
    assert row == ["200000", "12345678", "BRIGHT CARE LTD", "40.00", invoice.reference]

    marked = finance.submit(f"/council/payment-runs/{run.id}/paid", form_url="/council/payments")
    assert marked.status_code == 302
    payment = assert_paid(jo, invoice, before, signed_in)
    assert (payment.payment_run_id, payment.reference, fresh(run).status) == (run.id, f"RUN {run.id}", "paid")


def test_individual_service_fund_invoices_are_approved_and_settled_as_delivery_is_confirmed(market, signed_in):
    jo = market(deployment="individual_service_fund")
    order = jo.order(confirm=False)
    before = money(jo.budget)
    invoice = confirm_on_the_order_page(signed_in(jo.holder_user), order)
    assert (invoice.payer_kind, invoice.auto_approved, invoice.approved_by_id) == ("isf_provider", True, None)
    payment = assert_paid(jo, invoice, before, signed_in)
    assert payment.method == "isf_internal"


@pytest.mark.parametrize("council", ["dunmere", "eskbridge"])
def test_where_the_council_auto_approves_invoices_the_holder_only_pays(market, signed_in, council):
    jo = market(council=council, deployment="direct_payment")
    order = jo.order(confirm=False)
    before = money(jo.budget)
    holder = signed_in(jo.holder_user)
    invoice = confirm_on_the_order_page(holder, order)
    assert (invoice.status, invoice.auto_approved, invoice.approved_by_id) == ("approved", True, None)
    page = read(holder.get(f"/invoices/{invoice.id}"))
    assert "Automatically: it matches confirmed delivery exactly" in page and "Approve the invoice" not in page
    record_bank_transfer(holder, invoice)
    assert_paid(jo, invoice, before, signed_in)


def test_where_the_council_does_not_auto_approve_the_invoice_waits_for_a_person(jo):
    invoice = jo.invoice()
    assert (invoice.status, invoice.auto_approved, payments_of(invoice)) == ("issued", False, [])
