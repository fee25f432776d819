"""Prices, against figures worked out by hand. Aldermoor, November 2026.

Hourly social support from "Hourly Help": four published listings, after the rises below, at £10, £13.20,
£15 and £25 (a draft, a free listing and an unapproved organisation's listing are not counted). Quartiles by
statistics.quantiles(n=4, method="inclusive"): with the prices in order, the p-th quantile sits at position
p x (4 - 1) counting from 0, so
  25th percentile: position 0.75, £10 + 0.75 x (£13.20 - £10) = £12.40;
  median:          position 1.5,  (£13.20 + £15) / 2            = £14.10;
  75th percentile: position 2.25, £15 + 0.25 x (£25 - £15)     = £17.50.
Five holders each have a £40 session of social support from their own provider (five listings at £40).

Agreed rates: £10 -> £9.50 (5% off; agreed at £9 first, then raised) and £25 -> £18 (28% off): median public
£17.50, median agreed £13.75, median discount 16.5%.
Rises in November: public £12 -> £13.20 (10%) and £20 -> £25 (25%, an alert: it had an agreed rate), median
17.5%; the agreed £9 -> £9.50 (5.6%). In October £14 -> £15 (7.1%), outside November.
Orders accepted in November: the five £40 sessions (5 holders), and two holders' hours at the agreed £9.50
(2 holders: hidden).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from catalogue import listings as catalogue_listings
from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.pricing import service as pricing
from marketplace.reports.filters import Filters
from marketplace.reports.prices import quartiles
from marketplace.reports.privacy import FEWER
from marketplace.reports.registry import REPORTS

from .. import factories
from ..billing.support import build_market
from ..helpers import Browser, page_text

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
OCTOBER = datetime(2026, 10, 12, 9, 0, tzinfo=timezone.utc)


def hourly(organisation, price: int, **fields):
    return factories.orderable(organisation, title=f"Help at £{price / 100:.2f} an hour", price_pence=price,
                               category="social-support", price_unit="hour", **fields)


@pytest.fixture
def priced(make):
    with clock.frozen(OCTOBER):
        markets = [build_market() for _ in range(5)]
        council = markets[0].council
        help_org, help_user = factories.provider(council, name="Hourly Help")
        fifteen = hourly(help_org, 1400)
        catalogue_listings.update(help_user, fifteen, price_pence=1500)
    with clock.frozen(NOW):
        ten, twelve, twenty = hourly(help_org, 1000), hourly(help_org, 1200), hourly(help_org, 2000)
        hourly(help_org, 3000, status="draft")
        hourly(help_org, 0)
        outsider = factories.organisation(name="Not Approved Ltd")
        factories.listing(outsider, category="social-support", price_pence=500, price_unit="hour")
        commissioner = factories.user(R.COMMISSIONER, council, name="Chris Commissioner")
        pricing.set_council_price(commissioner, ten, council, 900)
        pricing.set_council_price(commissioner, ten, council, 950)
        pricing.set_council_price(commissioner, twenty, council, 1800)
        catalogue_listings.update(help_user, twelve, price_pence=1320)
        catalogue_listings.update(help_user, twenty, price_pence=2500)
        for m in markets:
            factories.accepted_order(m.holder_user, m.holder, m.listing, m.outcome.key, m.provider_user)
        for m in markets[:2]:
            factories.accepted_order(m.holder_user, m.holder, ten, m.outcome.key, help_user)
        yield markets, commissioner


def tables(council, start=date(2026, 11, 1), end=date(2026, 11, 30)) -> dict:
    with clock.frozen(NOW):
        return {t.key: t for t in REPORTS["prices"].tables(Filters(council, start, end))}


def cells(table, rows=None) -> list[list[str]]:
    return [[table.shown(row, c) for c in table.columns] for row in (table.rows if rows is None else rows)]


def test_quartiles_by_the_inclusive_method():
    assert quartiles([1000, 1320, 1500, 2500]) == pytest.approx((1240, 1410, 1750))
    assert quartiles([700]) == (700, 700, 700)


def test_median_and_interquartile_range_by_category_and_unit(priced):
    t = tables(priced[0][0].council)["public"]
    assert cells(t) == [["Support in social activities", "a session", "5", "£40.00", "£40.00", "£40.00"],
                        ["Support in social activities", "an hour", "4", "£14.10", "£12.40", "£17.50"]]
    assert "method=\"inclusive\"" in t.definitions["25th percentile"]
    assert "listings are counted, not people" in t.definitions["Listings"].lower()


def test_public_against_agreed_prices(priced):
    t = tables(priced[0][0].council)["agreed"]
    assert cells(t) == [["Support in social activities", "an hour", "2", "£17.50", "£13.75", "16.5%"]]
    assert t.note == "2 of the 9 priced listings have an agreed rate."


def test_price_rises_in_the_period_only(priced):
    council = priced[0][0].council
    t = tables(council)["rises"]
    assert cells(t) == [["Support in social activities", "2", "17.5%", "1", "5.6%"]]
    assert "put up a price it had agreed: 1." in t.note
    both = tables(council, date(2026, 10, 1))["rises"]
    assert cells(both, [both.total]) == [["All categories", "3", "10.0%", "1", "5.6%"]]  # 7.1%, 10% and 25%


def test_prices_paid_hide_a_row_of_two_holders(priced):
    t = tables(priced[0][0].council)["paid"]
    assert cells(t) == [["Support in social activities", "an hour", FEWER, FEWER, FEWER, FEWER],
                        ["Support in social activities", "a session", "5", "5", "£40.00", "0.0%"]]
    hidden = t.rows[0]
    assert (hidden["holders"], hidden["median"], hidden["agreed"]) == (2, 950, 100.0)


def test_a_commissioner_reads_the_report_and_its_csv_and_a_holder_cannot(priced, app):
    markets, commissioner = priced
    browser = Browser(app.test_client())
    browser.sign_in(commissioner.email)
    with clock.frozen(NOW):
        response = browser.get("/council/reports/prices?from=2026-11&to=2026-11")
        csv = browser.get("/council/reports/prices.csv?from=2026-11&to=2026-11").get_data(as_text=True)
    page = page_text(response)
    assert response.status_code == 200
    assert "£14.10" in page and "£12.40" in page and "£17.50" in page and "16.5%" in page and FEWER in page
    assert "Support in social activities,an hour,4,£14.10,£12.40,£17.50" in csv
    assert "Support in social activities,an hour,2,£17.50,£13.75,16.5%" in csv
    assert "Support in social activities,an hour,fewer than 5,fewer than 5,fewer than 5,fewer than 5" in csv
    for text in (page, csv):
        assert all(m.holder.name not in text for m in markets)
    holder = Browser(app.test_client())
    holder.sign_in(markets[0].holder_user.email)
    assert holder.get("/council/reports/prices").status_code == 403
