"""The invoice and its PDF say where to pay by bank transfer, with the invoice reference as the payment
reference: in full to whoever pays it, masked to everyone else; and methods are named in plain words."""
from __future__ import annotations

import pytest
from reportlab.platypus import Paragraph

from marketplace.billing import payments
from marketplace.providers import banking

from .support import fresh, read

SHOWN = "Sort code 20-00-00, account ****5678"


def with_bank_details(jo):
    """The bank details the provider gave (the same as the market's, so saving them again changes nothing)."""
    banking.set_bank_details(jo.provider_user, jo.organisation, account_name="Bright Care Ltd", sort_code="20-00-00",
                             account_number="12345678")


@pytest.fixture
def pdf_text(monkeypatch):
    """The text of every paragraph the next PDF is drawn with."""
    written = []
    real = Paragraph.__init__

    def record(self, text, *args, **kwargs):
        written.append(text)
        real(self, text, *args, **kwargs)
    monkeypatch.setattr(Paragraph, "__init__", record)
    return written


def test_the_holder_who_pays_sees_the_full_bank_details_and_the_reference(jo, signed_in):
    with_bank_details(jo)
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    page = read(signed_in(jo.holder_user).get(f"/invoices/{invoice.id}"))
    assert ("Pay by bank transfer Pay £40.00 to " + jo.organisation.name + ": Name on the account Bright Care Ltd "
            "Sort code 20-00-00 Account number 12345678 Payment reference " + invoice.reference) in page


def test_the_provider_sees_only_the_masked_details_on_its_invoice(jo, signed_in):
    with_bank_details(jo)
    invoice = jo.invoice()
    page = read(signed_in(jo.provider_user).get(f"/invoices/{invoice.id}"))
    assert f"The invoice asks for payment into your account: {SHOWN}" in page
    assert "12345678" not in page


def test_someone_who_can_see_but_not_pay_the_invoice_sees_no_account_number(jo, signed_in):
    with_bank_details(jo)
    invoice = jo.invoice()
    page = read(signed_in(jo.finance).get(f"/invoices/{invoice.id}"))  # a direct payment: the holder pays, not the council
    assert "12345678" not in page and "Pay by bank transfer" not in page


def test_without_bank_details_the_payer_is_told_and_the_provider_asked_to_add_them(market, signed_in):
    jo = market(bank_details=False)
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    page = read(signed_in(jo.holder_user).get(f"/invoices/{invoice.id}"))
    assert f"{jo.organisation.name} has not given their bank details yet, so you cannot pay this invoice by bank transfer" in page
    provider_page = read(signed_in(jo.provider_user).get(f"/invoices/{invoice.id}"))
    assert "You have not added your bank details" in provider_page and "Add your bank details" in provider_page


def test_a_change_of_bank_details_after_the_invoice_was_sent_is_flagged_to_the_payer(jo, signed_in, frozen_clock):
    from datetime import timedelta
    with_bank_details(jo)
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    frozen_clock.moment += timedelta(hours=1)
    banking.set_bank_details(jo.provider_user, jo.organisation, account_name="Bright Care Ltd", sort_code="40-00-00",
                             account_number="87654321")
    page = read(signed_in(jo.holder_user).get(f"/invoices/{invoice.id}"))
    assert "changed their bank details on 16 November 2026, after this invoice was sent" in page


def test_the_payers_pdf_has_the_full_details_and_the_providers_the_masked_ones(jo, signed_in, pdf_text):
    with_bank_details(jo)
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    response = signed_in(jo.holder_user).get(f"/invoices/{invoice.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert {"Bright Care Ltd", "20-00-00", "12345678", invoice.reference, "£40.00"} <= set(pdf_text)
    pdf_text.clear()
    assert signed_in(jo.provider_user).get(f"/invoices/{invoice.id}.pdf").status_code == 200
    joined = " ".join(pdf_text)
    assert SHOWN in joined and f"Payment reference: {invoice.reference}" in joined and "12345678" not in joined


def test_markup_in_the_account_name_is_printed_not_obeyed_in_the_pdf(jo, signed_in, pdf_text):
    banking.set_bank_details(jo.provider_user, jo.organisation, account_name='Care <img src="/etc/passwd"/>',
                             sort_code="200000", account_number="12345678")
    invoice = jo.invoice()
    assert signed_in(jo.holder_user).get(f"/invoices/{invoice.id}.pdf").status_code == 200
    assert all("<img" not in text for text in pdf_text) and any("&lt;img" in text for text in pdf_text)


def test_a_bank_transfer_is_named_in_plain_words(jo, signed_in):
    invoice = jo.invoice()
    payments.approve(jo.holder_user, invoice)
    payments.pay(jo.holder_user, invoice, "bacs", reference="From my bank", paid_on=None)
    page = read(signed_in(jo.holder_user).get(f"/invoices/{invoice.id}"))
    assert "by bank transfer." in page and "bacs" not in page.lower()
    finance_page = read(signed_in(jo.provider_user).get("/provider/finance"))
    assert "(bank transfer)" in finance_page and "bacs" not in finance_page.lower()
    assert fresh(invoice).status == "paid"
