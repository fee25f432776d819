"""A payment run's bank file is the common UK business-banking bulk-payment CSV (no header row: sort code,
account number, name on the account, amount in pounds and pence, reference of at most 18 Bacs characters),
and providers without bank details are listed as "cannot be paid" instead of exporting a broken row."""
from __future__ import annotations

import csv
import io

import pytest

from marketplace.billing import payments
from marketplace.billing.gateways.manual import bacs_text
from marketplace.billing.models import PaymentRun
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.providers import banking

from .support import fresh, read


def council_invoice(jo, quantity=1):
    invoice = jo.invoice(quantity)
    payments.approve(jo.finance, invoice)
    return invoice


@pytest.fixture
def two_providers(market):
    """Two providers in Aldermoor with approved council-paid invoices: one with bank details, one without."""
    paid = market(deployment="council_managed", bank_details=False)
    banking.set_bank_details(paid.provider_user, paid.organisation, account_name="Bright Care & Co. (Ltd) — Stockport",
                             sort_code="01-02-03", account_number="00012345")
    unpaid = market(deployment="council_managed", bank_details=False)
    return paid, unpaid


def test_the_bank_file_has_one_row_per_payment_in_the_bulk_payment_layout(two_providers, signed_in):
    paid, unpaid = two_providers
    first, second = council_invoice(paid, 1), council_invoice(paid, 3)
    run = payments.start_payment_run(paid.finance, paid.council)
    response = signed_in(paid.finance).get(f"/council/payment-runs/{run.id}.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert text.endswith("\r\n") and text.count("\r\n") == 2  # no header row
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["010203", "00012345", "BRIGHT CARE & CO.", "40.00", first.reference],
                    ["010203", "00012345", "BRIGHT CARE & CO.", "120.00", second.reference]]
    assert all(len(row[2]) <= 18 and len(row[4]) <= 18 for row in rows)


def test_a_provider_without_bank_details_is_left_out_of_the_run_and_listed(two_providers, signed_in):
    paid, unpaid = two_providers
    council_invoice(paid)
    waiting = council_invoice(unpaid, 2)
    run = payments.start_payment_run(paid.finance, paid.council)
    assert [p.invoice_id for p in fresh(run).payments] != [] and waiting.id not in [p.invoice_id for p in run.payments]
    assert fresh(run).total_pence == 4000
    page = read(signed_in(paid.finance).get("/council/payments"))
    assert (f"{waiting.reference}, {unpaid.organisation.name}, £80.00: cannot be paid until the provider adds bank details"
            in page)


def test_a_run_of_only_providers_without_bank_details_says_why_it_cannot_be_made(two_providers, signed_in):
    _paid, unpaid = two_providers
    council_invoice(unpaid)
    with pytest.raises(DomainError, match="their providers have not added bank details"):
        payments.start_payment_run(unpaid.finance, unpaid.council)
    assert db.session.scalars(db.select(PaymentRun)).all() == []


def test_once_the_provider_adds_bank_details_the_next_run_pays_them(two_providers):
    _paid, unpaid = two_providers
    invoice = council_invoice(unpaid)
    banking.set_bank_details(unpaid.provider_user, unpaid.organisation, account_name="Late Ltd", sort_code="200000",
                             account_number="11223344")
    run = payments.start_payment_run(unpaid.finance, unpaid.council)
    assert [p.invoice_id for p in fresh(run).payments] == [invoice.id]


@pytest.mark.parametrize("typed, written", [
    ("=HYPERLINK(\"http://x\")", "HYPERLINK HTTP //X"),
    ("-1+2", "1 2"),
    ("@SUM(A1)", "SUM A1"),
    ("Zoë's Care", "ZO S CARE"),
    ("  ", ""),
])
def test_names_are_cut_to_bacs_characters_and_never_start_a_formula(typed, written):
    assert bacs_text(typed) == written


def test_the_payments_page_explains_the_file(two_providers, signed_in):
    paid, _unpaid = two_providers
    page = read(signed_in(paid.finance).get("/council/payments"))
    assert "one row per payment, with the provider's sort code, account number and name, the amount and the invoice reference" in page
