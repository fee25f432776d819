"""Market health, against figures worked out by hand. November 2026 in Aldermoor: six holders, each with a
provider of their own selling £40 support-worker sessions in social support (P1 to P6, P3 a micro-provider),
and a self-employed personal assistant with a listing of her own. All listings serve SK4.

Paid in November (confirmed, invoiced and paid): P1 £200 (H1 3 sessions, H2 2), P2 £120 (H3 2, H4 1), P3 £80
(H5 1, H6 1): £400 from 6 holders, shares 50%, 30% and 20%, so the HHI is 50² + 30² + 20² = 2,500 + 900 +
400 = 3,800 and the top five (here all three) have 100%.

Active: P1 to P6 and the assistant (7); micro-providers and personal assistants: P3 and the assistant (2 of
7, 28.6%). Joining: one organisation approved in November; leaving: P6 suspended and P5's only listing archived.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from catalogue import listings as catalogue_listings
from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.billing import payments
from marketplace.extensions import db
from marketplace.providers import service as providers
from marketplace.reports.filters import Filters
from marketplace.reports.market import concentration
from marketplace.reports.privacy import FEWER
from marketplace.reports.registry import REPORTS

from .. import factories
from ..billing.support import build_market, invoice_of
from ..helpers import Browser, page_text

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
ORDERS = [(0, 0, 3), (1, 0, 2), (2, 1, 2), (3, 1, 1), (4, 2, 1), (5, 2, 1)]  # (holder, provider, sessions)


@pytest.fixture
def market(make):
    with clock.frozen(NOW):
        markets = [build_market() for _ in range(6)]
        council = markets[0].council
        markets[2].organisation.kind = "micro_provider"
        db.session.commit()
        for n, (buyer, seller, sessions) in enumerate(ORDERS):
            m, p = markets[buyer], markets[seller]
            order = factories.confirmed_order(m.holder_user, m.holder, p.listing, m.outcome.key, p.provider_user, quantity=sessions)
            invoice = invoice_of(order)
            payments.approve(m.holder_user, invoice)
            payments.pay(m.holder_user, invoice, "bacs", reference=f"BANK-{n}", paid_on=clock.today())
        assistant, _user = factories.provider(council, kind="personal_assistant", name="Pat Jones")
        factories.listing(assistant, title="Pat: personal assistant", category="personal-assistant", price_pence=1500)
        admin = factories.user(R.ADMINISTRATOR, council)
        newcomer = factories.organisation(name="Newcomer Care", pending_in=[council])
        providers.decide(admin, newcomer.approval_in(council.id), "approved", None)
        providers.decide(admin, markets[5].organisation.approval_in(council.id), "suspended", "Checks have lapsed.")
        catalogue_listings.change_status(markets[4].provider_user, markets[4].listing, "archived")
        yield markets


def tables(council, start=NOVEMBER[0], end=NOVEMBER[1], **filters) -> dict:
    with clock.frozen(NOW):
        return {t.key: t for t in REPORTS["market"].tables(Filters(council, start, end, **filters))}


def cells(table, rows=None) -> list[list[str]]:
    return [[table.shown(row, c) for c in table.columns] for row in (table.rows if rows is None else rows)]


def test_the_index_and_the_top_five_share_by_hand():
    assert concentration({"A": 50, "B": 30, "C": 20}) == (3, 100.0, 3800)
    # 30/20/15/10/10/10/5: the top five have 85%; 900 + 400 + 225 + 100 + 100 + 100 + 25 = 1,850.
    paid, top, hhi = concentration({"A": 30, "B": 20, "C": 15, "D": 10, "E": 10, "F": 10, "G": 5, "H": 0, "I": -3})
    assert (paid, round(top, 6), hhi) == (7, 85.0, 1850)
    assert concentration({"A": 1}) == (1, 100.0, 10000) and concentration({}) == (0, 0.0, 0)


def test_concentration_of_spend_with_providers(market):
    t = tables(market[0].council)["concentration"]
    assert cells(t) == [["Support in social activities", "3", "6", "£400.00", "100.0%", "3,800"]]
    assert cells(t, [t.total]) == [["All categories", "3", "6", "£400.00", "100.0%", "3,800"]]


def test_the_micro_provider_share_of_spend_is_hidden_with_two_holders_and_so_is_the_rest(market):
    t = tables(market[0].council)["micro"]
    micro, other = t.rows
    assert (micro["spend"], micro["share"], micro["holders"]) == (8000, 20.0, 2)  # P3's £80 of £400, from H5 and H6
    assert (other["spend"], other["holders"]) == (32000, 4)
    # Two holders: hidden; then the next smallest too, or £400 - £320 would give it away.
    assert cells(t) == [["Micro-providers and personal assistants", FEWER, FEWER, FEWER], ["Other providers", FEWER, FEWER, FEWER]]
    assert cells(t, [t.total]) == [["All providers", "6", "£400.00", "100.0%"]]
    assert "were 2 of the 7 active providers (28.6%)" in t.note


def test_active_providers_by_category_and_area_count_the_assistant_without_naming_her(market):
    t = tables(market[0].council)
    assert cells(t["active_by_category"]) == [["Support in social activities", "6", "1", "0", "16.7%"],
                                              ["Personal assistant", "1", "1", "1", "100.0%"]]
    assert cells(t["active_by_category"], [t["active_by_category"].total]) == [["All", "7", "2", "1", "28.6%"]]
    by_area = {row[0]: row[1] for row in cells(t["active_by_area"])}
    assert by_area == {"SK1": "0", "SK2": "0", "SK3": "0", "SK4": "7", "SK5": "0", "SK6": "0", "SK7": "0"}
    assert all("Pat" not in str(row) for table in t.values() for row in table.rows)
    # In October nothing had been published, approved or ordered yet.
    october = tables(market[0].council, date(2026, 10, 1), date(2026, 10, 31))
    assert cells(october["active_by_category"], [october["active_by_category"].total]) == [["All", "0", "0", "0", "0.0%"]]


def test_joining_and_leaving_by_month(market):
    t = tables(market[0].council, date(2026, 10, 1), date(2026, 11, 30))["movement"]
    assert cells(t) == [["October 2026", "0", "0", "0"], ["November 2026", "1", "2", "-1"]]
    assert cells(t, [t.total]) == [["The whole period", "1", "2", "-1"]]


def test_a_commissioner_reads_the_report_and_its_csv_and_a_holder_cannot(market, app):
    council = market[0].council
    commissioner = factories.user(R.COMMISSIONER, council, name="Chris Commissioner")
    browser = Browser(app.test_client())
    browser.sign_in(commissioner.email)
    with clock.frozen(NOW):
        response = browser.get("/council/reports/market?from=2026-11&to=2026-11")
        csv = browser.get("/council/reports/market.csv?from=2026-11&to=2026-11").get_data(as_text=True)
        chart = browser.get("/council/reports/market/concentration.svg?from=2026-11&to=2026-11")
    page = page_text(response)
    assert response.status_code == 200
    assert "3,800" in page and "£400.00" in page and "28.6%" in page and FEWER in page
    assert 'All categories,3,6,£400.00,100.0%,"3,800"' in csv
    assert "Micro-providers and personal assistants,fewer than 5,fewer than 5,fewer than 5" in csv
    assert "All providers,6,£400.00,100.0%" in csv
    assert chart.mimetype == "image/svg+xml" and b"<script" not in chart.data
    for text in (page, csv):
        assert "Pat Jones" not in text and all(m.holder.name not in text for m in market)
    holder = Browser(app.test_client())
    holder.sign_in(market[0].holder_user.email)
    assert holder.get("/council/reports/market").status_code == 403
