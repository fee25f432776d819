"""A market that grows: one holder with a well-funded plan and one provider who invoices monthly, so a
test can add orders, invoice lines, ledger entries and statement lines and compare a page's statements
before and after. The clock is frozen on Monday 16 November 2026, 9am."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from marketplace import clock

from ..billing.support import build_market
from ..helpers import Browser

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW) as frozen:
        yield frozen


@pytest.fixture
def market(make):
    """Jo, a direct-payment holder in Aldermoor with £10,000 for days out, and a provider selling £40 sessions
    that invoices once a month (so an invoice can have many lines)."""
    return build_market(invoicing="monthly", funding_pence=1_000_000)


@pytest.fixture
def signed_in(app):
    """``signed_in(user)``: a browser of its own, signed in as ``user``."""
    def sign_in(user) -> Browser:
        browser = Browser(app.test_client())
        browser.sign_in(user.email)
        return browser
    return sign_in


MONTH = date(2026, 11, 1)
