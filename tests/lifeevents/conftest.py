"""The ordering tests' small market (tests/orders/conftest.py: Jo Holder in Aldermoor, £1,000 for
"Getting out and about", Out and About Ltd's £40 sessions with 48 hours' notice and half charged inside
it, the clock on Monday 16 November 2026, 9am), plus Jo's weekly Wednesday sessions, accepted.

Wednesdays from 18 November to 30 December 2026: 18 and 25 November, 2, 9, 16, 23 and 30 December."""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.accounts import roles as R
from marketplace.orders import lifecycle

from ..orders.conftest import (  # noqa: F401 -- the fixtures, shared
    aldermoor,
    broker,
    budget,
    coordinator,
    frozen_clock,
    holder,
    jo,
    outing,
    pat,
    plan,
    provider,
    sessions,
)
from ..orders.support import order

WEDNESDAYS = {"days": ["wed"], "starts_on": "2026-11-18", "ends_on": "2026-12-30"}
DATES = [date(2026, 11, 18), date(2026, 11, 25), date(2026, 12, 2), date(2026, 12, 9), date(2026, 12, 16),
         date(2026, 12, 23), date(2026, 12, 30)]


@pytest.fixture
def weekly(jo, pat, holder, budget, outing, sessions):
    """Jo's Wednesday sessions with Out and About Ltd, accepted: 7 dates at £40."""
    placed = order(jo, holder, sessions, 1, outing, schedule=WEDNESDAYS)
    return lifecycle.accept(pat, placed)


@pytest.fixture
def finance(make, aldermoor):
    return make.user(R.FINANCE_OFFICER, aldermoor, email="fin@example.com", name="Fran Finance")
