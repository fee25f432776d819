"""The pages: recording a purchase with its receipt through the form, who may record, who may download a
receipt (and how it is sent), and hostile input that must never reach a 5xx."""
from __future__ import annotations

import io

import pytest

from marketplace.accounts import roles as R
from marketplace.budgets import ledger
from marketplace.extensions import db
from marketplace.spending import service
from marketplace.spending.models import OutsidePurchase

from .. import factories
from ..helpers import page_text
from . import files

MB = 1024 * 1024


def form(m, **changes):
    data = {"description": "Swimming pass", "bought_on": ["10", "11", "2026"],
            "amount": "25.00", "outcome": m.outcome.key, "receipt": (io.BytesIO(files.photo()), "receipt.jpg")}
    data.update(changes)
    return data


def post(browser, m, **changes):
    url = f"/holders/{m.holder.id}/spending/new"
    return browser.submit(url, form(m, **changes), content_type="multipart/form-data")


def purchases() -> list[OutsidePurchase]:
    db.session.expire_all()
    return db.session.scalars(db.select(OutsidePurchase)).all()


def test_the_holder_records_a_purchase_with_a_photo_of_the_receipt(market, signed_in):
    m = market()
    browser = signed_in(m.holder_user)
    money_page = page_text(browser.get(f"/holders/{m.holder.id}/money"))
    assert "Record something you bought elsewhere" in money_page
    page = browser.get(f"/holders/{m.holder.id}/spending/new")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    assert "Aldermoor Council asks for a receipt for everything" in page_text(page)
    response = post(browser, m)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/holders/{m.holder.id}/spending")
    (purchase,) = purchases()
    assert (purchase.amount_pence, purchase.description, purchase.receipt.content_type) == (2500, "Swimming pass", "image/jpeg")
    assert ledger.balances(m.budget.id).total.available == 100000 - 2500
    listing = page_text(browser.get(f"/holders/{m.holder.id}/spending"))
    assert "Swimming pass" in listing and "£25.00" in listing and "Download" in listing


@pytest.mark.parametrize("upload, problem", [
    ((io.BytesIO(b"hello, I am a text file"), "receipt.pdf"), "must be a photo (JPG, PNG or WebP) or a PDF"),
    ((io.BytesIO(b"#!/bin/sh\nrm -rf ~\n"), "receipt.jpg"), "must be a photo (JPG, PNG or WebP) or a PDF"),
    ((io.BytesIO(b"%PDF-1.4\n" + b"0" * (5 * MB)), "receipt.pdf"), "smaller than 5 MB"),
    ((io.BytesIO(files.pdf_with_catalogue(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")), "r.pdf"), "contains a script"),
], ids=["wrong-type", "script-as-photo", "too-large", "pdf-with-javascript"])
def test_a_bad_receipt_is_refused_on_the_page_and_nothing_is_spent(market, signed_in, upload, problem):
    m = market()
    response = post(signed_in(m.holder_user), m, receipt=upload)
    assert response.status_code == 200 and problem in page_text(response)
    assert purchases() == [] and ledger.balances(m.budget.id).total.spent == 0


def test_more_than_the_money_left_is_refused_in_plain_words(market, signed_in):
    m = market(funding_pence=2000)
    response = post(signed_in(m.holder_user), m, amount="25")
    assert response.status_code == 200
    assert "There is not enough money for this outcome to record this spending: £20.00 is left" in page_text(response)
    assert purchases() == []


def test_a_council_managed_account_is_told_why_it_cannot_record(market, signed_in):
    m = market(deployment="council_managed")
    browser = signed_in(m.holder_user)
    page = browser.get(f"/holders/{m.holder.id}/spending/new")
    assert page.status_code == 200 and "The council holds this budget and buys support for you" in page_text(page)
    assert "<form method=\"post\" enctype" not in page.get_data(as_text=True)
    assert post(browser, m).status_code == 200 and purchases() == []


def test_someone_who_may_only_view_cannot_record(market, signed_in):
    m = market()
    viewer = factories.user(R.REPRESENTATIVE, m.council)
    factories.delegation(m.holder, viewer, ["view"])
    browser = signed_in(viewer)
    assert browser.get(f"/holders/{m.holder.id}/spending/new").status_code == 403
    assert browser.client.post(f"/holders/{m.holder.id}/spending/new", data=form(m)).status_code in (400, 403)
    assert purchases() == []
    assert "See what was bought outside the marketplace" in page_text(browser.get(f"/holders/{m.holder.id}/money"))


# --- receipts: only those entitled, as a download kept by nobody ---------------------------------

@pytest.fixture
def with_receipt(market):
    m = market()
    purchase = service.record_purchase(m.holder_user, m.holder, description="Swimming pass", bought_on=m.budget.starts_on,
                                       amount_pence=2500, outcome_key=m.outcome.key, receipt=files.pdf())
    return m, purchase


def test_the_receipt_is_a_download_that_is_not_kept(with_receipt, signed_in):
    m, purchase = with_receipt
    response = signed_in(m.holder_user).get(f"/spending/{purchase.id}/receipt")
    assert response.status_code == 200 and response.data == purchase.receipt.data
    assert response.data.startswith(b"%PDF-") and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="receipt-{purchase.id}.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    stored = purchase.receipt.stored_name
    assert stored.endswith(".pdf") and len(stored) == 36 and "receipt" not in stored


def test_who_may_download_a_receipt(with_receipt, signed_in, client):
    m, purchase = with_receipt
    viewer = factories.user(R.REPRESENTATIVE, m.council)
    factories.delegation(m.holder, viewer, ["view"])
    ended = factories.user(R.REPRESENTATIVE, m.council)
    delegation = factories.delegation(m.holder, ended, ["view"])
    delegation.revoked_at = delegation.created_at
    db.session.commit()
    staff = factories.council_staff(m.council, R.CARE_COORDINATOR, R.TEAM_MANAGER, R.FINANCE_OFFICER, R.ADMINISTRATOR,
                                    R.COMMISSIONER)
    elsewhere = factories.user(R.CARE_COORDINATOR, factories.council("birchley"))
    url = f"/spending/{purchase.id}/receipt"
    allowed = [m.holder_user, viewer, staff[R.CARE_COORDINATOR], staff[R.TEAM_MANAGER], staff[R.FINANCE_OFFICER],
               staff[R.ADMINISTRATOR]]
    refused = [ended, staff[R.COMMISSIONER], elsewhere, m.provider_user, factories.user()]
    assert [signed_in(person).get(url).status_code for person in allowed] == [200] * len(allowed)
    assert [signed_in(person).get(url).status_code for person in refused] == [403] * len(refused)
    assert "/sign-in" in client.get(url).headers["Location"]  # an anonymous visitor is sent to sign in


def test_a_purchase_without_a_receipt_has_nothing_to_download(market, signed_in):
    m = market(council="dunmere")
    purchase = service.record_purchase(m.holder_user, m.holder, description="Bus fare", bought_on=m.budget.starts_on,
                                       amount_pence=300, outcome_key=m.outcome.key)
    assert signed_in(m.holder_user).get(f"/spending/{purchase.id}/receipt").status_code == 404
    assert signed_in(m.holder_user).get("/spending/999999/receipt").status_code == 404


# --- hostile input ------------------------------------------------------------------------------

@pytest.mark.parametrize("changes", [
    {"amount": "NaN"}, {"amount": "1e309"}, {"amount": "9" * 400}, {"amount": "-5"}, {"amount": "£20,000.01"},
    {"description": "x" * 10_000}, {"description": "   "},
    {"bought_on": ["99999", "1", "2026"]}, {"bought_on": ["31", "2", "2026"]}, {"bought_on": ["1", "1", "9999"]},
    {"bought_on": ["17", "11", "2026"]}, {"bought_on": ["1", "2"]}, {"bought_on": ["1", "1", "2026", "4"]}, {"outcome": "not-an-outcome"}, {"outcome": "x" * 5000},
    {"receipt": (io.BytesIO(b""), "")}, {"receipt": (io.BytesIO(b"\x00" * 100), "../../etc/passwd")},
], ids=lambda c: next(iter(c)) + ":" + str(next(iter(c.values())))[:12])
def test_hostile_input_is_refused_without_a_5xx(market, signed_in, changes):
    m = market()
    response = post(signed_in(m.holder_user), m, **changes)
    assert response.status_code == 200, response.status_code
    assert "There is a problem" in page_text(response)
    assert purchases() == []


def test_control_characters_are_dropped_from_what_was_bought(market, signed_in):
    m = market()
    assert post(signed_in(m.holder_user), m, description="Swim\x00ming\x1b pass").status_code == 302
    assert [p.description for p in purchases()] == ["Swimming pass"]


@pytest.mark.parametrize("query", ["quarter=2026-Q9", "quarter=" + "9" * 500, "quarter=%00", "quarter=2026-Q4&quarter=x", ""])
def test_a_hostile_quarter_gets_a_return_not_a_5xx(market, signed_in, query):
    m = market()
    coordinator = factories.user(R.CARE_COORDINATOR, m.council)
    response = signed_in(coordinator).get(f"/council/audit/return.csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
