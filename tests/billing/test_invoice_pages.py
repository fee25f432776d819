"""The invoice page, its PDF, and who may see and act on an invoice."""
from __future__ import annotations

from marketplace.accounts import roles as R
from marketplace.billing import payments

from .support import fresh, read


def test_the_invoice_page_shows_what_was_delivered_and_what_is_owed(jo, signed_in):
    invoice = jo.invoice(quantity=2)
    page = read(signed_in(jo.holder_user).get(f"/invoices/{invoice.id}"))
    assert f"Invoice {invoice.reference}: waiting for approval" in page
    assert "16 Nov 2026 Support worker for days out 2 £40.00 £80.00" in page
    assert "Total £80.00" in page and "Approve the invoice" in page


def test_the_invoice_pdf_is_a_pdf_named_after_the_invoice(jo, signed_in):
    invoice = jo.invoice()
    response = signed_in(jo.holder_user).get(f"/invoices/{invoice.id}.pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == f'inline; filename="{invoice.reference}.pdf"'


def test_another_holder_cannot_see_the_invoice_or_its_pdf(make, jo, signed_in):
    stranger = make.user()
    make.holder(jo.council, user=stranger)
    invoice = jo.invoice()
    browser = signed_in(stranger)
    assert browser.get(f"/invoices/{invoice.id}").status_code == 403
    assert browser.get(f"/invoices/{invoice.id}.pdf").status_code == 403


def test_another_provider_cannot_see_the_invoice(make, jo, signed_in):
    _, other_provider = make.provider(jo.council)
    invoice = jo.invoice()
    assert signed_in(other_provider).get(f"/invoices/{invoice.id}").status_code == 403


def test_a_holder_cannot_issue_a_credit_note(jo, signed_in):
    invoice = jo.invoice()
    browser = signed_in(jo.holder_user)
    response = browser.submit(f"/invoices/{invoice.id}/credit", {"amount": "40.00", "reason": "Discount please"},
                              form_url=f"/invoices/{invoice.id}")
    assert response.status_code == 403 and fresh(invoice).credit_notes == []


def test_a_representative_who_may_only_view_sees_the_invoice_but_cannot_approve_it(make, jo, signed_in):
    viewer = make.user(R.REPRESENTATIVE, jo.council)
    make.delegation(jo.holder, viewer, ["view"])
    invoice = jo.invoice()
    browser = signed_in(viewer)
    page = browser.get(f"/invoices/{invoice.id}")
    assert page.status_code == 200 and "Approve the invoice" not in read(page)
    assert browser.submit(f"/invoices/{invoice.id}/approve", form_url=f"/invoices/{invoice.id}").status_code == 403
    assert fresh(invoice).status == "issued"


def test_the_holder_of_a_managed_account_cannot_approve_what_the_budget_manager_pays(market, signed_in):
    jo = market(deployment="managed_account")
    invoice = jo.invoice()
    browser = signed_in(jo.holder_user)
    assert browser.submit(f"/invoices/{invoice.id}/approve", form_url=f"/invoices/{invoice.id}").status_code == 403
    assert fresh(invoice).status == "issued"


def test_the_provider_cannot_approve_its_own_invoice(jo, signed_in):
    invoice = jo.invoice()
    browser = signed_in(jo.provider_user)
    assert browser.submit(f"/invoices/{invoice.id}/approve", form_url=f"/invoices/{invoice.id}").status_code == 403


def test_the_remittance_advice_waits_for_the_money_to_move(jo, signed_in):
    invoice = jo.invoice()
    payment = payments.approve(jo.holder_user, invoice)
    assert signed_in(jo.provider_user).get(f"/payments/{payment.id}/remittance").status_code == 404
