"""Where the money goes, against figures worked out by hand. Six Aldermoor holders each had two £40
support-worker sessions delivered, invoiced and paid (£80 each); two of them also bought a £15 bus pass
outside the marketplace. November 2026."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from PIL import Image

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.billing import payments
from marketplace.reports.filters import Filters
from marketplace.reports.privacy import FEWER
from marketplace.reports.registry import REPORTS
from marketplace.spending import service as spending

from .. import factories
from ..billing.support import build_market
from ..helpers import Browser, page_text

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def six(make):
    with clock.frozen(NOW):
        markets = [build_market() for _ in range(6)]
        for n, m in enumerate(markets):
            invoice = m.invoice(quantity=2)
            payments.approve(m.holder_user, invoice)
            payments.pay(m.holder_user, invoice, "bacs", reference=f"BANK-{n}", paid_on=clock.today())
            if n < 2:
                spending.record_purchase(m.holder_user, m.holder, description="Bus pass", bought_on=date(2026, 11, 2),
                                         amount_pence=1500, outcome_key=m.outcome.key, receipt=_png())
        yield markets


def tables(council) -> dict:
    with clock.frozen(NOW):
        return {t.key: t for t in REPORTS["spend"].tables(Filters(council, date(2026, 11, 1), date(2026, 11, 30)))}


def cells(table) -> list[list[str]]:
    return [[table.shown(row, c) for c in table.columns] for row in table.rows]


def test_spend_by_category_hides_both_rows_when_one_describes_fewer_than_five(six):
    by_category = tables(six[0].council)["by_category"]
    # Outside the marketplace: 2 holders (hidden); so the next smallest goes too, or £510 - £30 would show it.
    # Hidden rows are listed by name, not by spend (their order would tell which is larger).
    assert cells(by_category) == [["Bought outside the marketplace", FEWER, FEWER, FEWER],
                                  ["Support in social activities", FEWER, FEWER, FEWER]]
    assert [by_category.shown(by_category.total, c) for c in by_category.columns] == ["All", "6", "£510.00", "100.0%"]


def test_the_share_of_holders_buying_in_each_category(six):
    share = tables(six[0].council)["share_buying"]
    assert cells(share) == [["Support in social activities", "6", "100.0%"], ["Bought outside the marketplace", FEWER, FEWER]]


def test_spend_per_holder_mean_median_and_budgets(six):
    t = tables(six[0].council)
    summary = dict((row["label"], row["value"]) for row in t["per_holder"].rows)
    assert summary["Mean spend per holder"] == 8500  # (4 x £80 + 2 x £95) / 6
    assert summary["Median spend per holder"] == 8000
    assert summary["Spend in the period"] == 51000
    assert cells(t["distribution"])[0] == ["Under £1,000", "6"]


def test_a_commissioner_reads_the_report_and_its_csv_and_a_holder_cannot(six, app):
    m = six[0]
    commissioner = factories.user(R.COMMISSIONER, m.council, name="Chris Commissioner")
    browser = Browser(app.test_client())
    browser.sign_in(commissioner.email)
    with clock.frozen(NOW):
        page = page_text(browser.get("/council/reports/spend?from=2026-11&to=2026-11"))
        csv = browser.get("/council/reports/spend.csv?from=2026-11&to=2026-11").get_data(as_text=True)
        chart = browser.get("/council/reports/spend/by_area.svg?from=2026-11&to=2026-11")
    assert "£510.00" in page and FEWER in page
    assert "All,6,£510.00,100.0%" in csv and "Bought outside the marketplace,fewer than 5" in csv
    assert chart.mimetype == "image/svg+xml" and b"<svg" in chart.data and b"<script" not in chart.data
    for market in six:
        assert market.holder.name not in page and market.holder.name not in csv
    holder = Browser(app.test_client())
    holder.sign_in(m.holder_user.email)
    assert holder.get("/council/reports/spend").status_code == 403


def test_filters_off_the_lists_are_dropped_with_a_message(six, app):
    commissioner = factories.user(R.COMMISSIONER, six[0].council)
    browser = Browser(app.test_client())
    browser.sign_in(commissioner.email)
    with clock.frozen(NOW):
        page = browser.get("/council/reports/spend?from=2026-13&area=ZZ9&category=<script>")
    assert page.status_code == 200
    text = page_text(page)
    assert "Enter months like 2026-04" in text and "ZZ9 is not one of" in text and "not one of the catalogue's" in text


def test_a_purchase_outside_the_marketplace_counts_in_the_category_the_holder_gave(make):
    with clock.frozen(NOW):
        markets = [build_market() for _ in range(6)]
        for n, m in enumerate(markets):
            invoice = m.invoice(quantity=2)
            payments.approve(m.holder_user, invoice)
            payments.pay(m.holder_user, invoice, "bacs", reference=f"BANK-{n}", paid_on=clock.today())
            if n < 5:
                spending.record_purchase(m.holder_user, m.holder, description="Gym pass", bought_on=date(2026, 11, 2),
                                         amount_pence=2000, outcome_key=m.outcome.key, receipt=_png(), category="gym")
    t = tables(markets[0].council)
    assert cells(t["by_category"]) == [["Support in social activities", "6", "£480.00", "82.8%"],
                                       ["Gym membership", "5", "£100.00", "17.2%"]]
    assert cells(t["share_buying"]) == [["Support in social activities", "6", "100.0%"], ["Gym membership", "5", "83.3%"]]


def test_two_areas_side_by_side_and_no_way_from_a_report_to_a_person(six, app):
    """Comparing: each half its own filters and tables. And a commissioner reaches no per-person page:
    the reports link to none, and the holder's pages refuse them."""
    m = six[0]
    area = m.holder.postcode_district or "SK4"
    commissioner = factories.user(R.COMMISSIONER, m.council)
    browser = Browser(app.test_client())
    browser.sign_in(commissioner.email)
    with clock.frozen(NOW):
        page = browser.get(f"/council/reports/spend?from=2026-11&to=2026-11&compare=1&compare_from=2026-10&compare_to=2026-10"
                           f"&compare_area={area}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<h2 class=\"govuk-heading-l\">November 2026</h2>" in html
    assert f"<h2 class=\"govuk-heading-l\">October 2026, area {area}</h2>" in html
    assert "/holders/" not in html and m.holder.reference not in html
    for url in (f"/holders/{m.holder.id}", f"/holders/{m.holder.id}/money", f"/holders/{m.holder.id}/statements",
                f"/holders/{m.holder.id}/audit", "/holders", f"/holders/{m.holder.id}/spending"):
        assert browser.get(url).status_code in (403, 404), url
