"""Spending fixtures. The clock is frozen on Monday 16 November 2026, 9am (London is on GMT): the plan
year runs from 1 April 2026 to 31 March 2027. ``build_market`` gives a holder with £1,000 for one outcome."""
from __future__ import annotations

from datetime import datetime, timezone

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
    """A builder: ``market(council=..., deployment=..., funding_pence=...)``."""
    return build_market


@pytest.fixture
def signed_in(app):
    def sign_in(user) -> Browser:
        browser = Browser(app.test_client())
        browser.sign_in(user.email)
        return browser
    return sign_in
