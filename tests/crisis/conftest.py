"""The crisis plan tests start from the ordering tests' small market (tests/orders/conftest.py): Jo Holder
in Aldermoor, an approved and funded plan (£1,000 for "Getting out and about"), Cath her named care
coordinator, Out and About Ltd's £40 sessions, the clock frozen on Monday 16 November 2026."""
from __future__ import annotations

import pytest

from marketplace.accounts import roles as R
from marketplace.crisis import service as crisis
from marketplace.orders import lifecycle

from ..orders.conftest import *  # noqa: F403  (the small market the ordering tests use)
from ..orders.support import order

WEEKLY = {"days": ["tue"], "starts_on": "2026-11-24", "ends_on": "2027-01-26"}  # 10 Tuesdays, £400


@pytest.fixture
def weekly(jo, holder, outing, sessions, pat):
    """Jo's accepted order: one £40 session every Tuesday."""
    return lifecycle.accept(pat, order(jo, holder, sessions, 1, outing, schedule=WEEKLY))


@pytest.fixture
def representative(make, aldermoor, holder):
    """Ray, Jo's representative who may order for her (but not "manage")."""
    person = make.user(R.REPRESENTATIVE, aldermoor, email="ray@example.com", name="Ray Rep")
    make.delegation(holder, person, ["order"])
    return person


@pytest.fixture
def switch(coordinator, holder, plan):
    """Agreed: switch to a managed account with Stockport Brokerage for 4 weeks."""
    return crisis.agree(coordinator, holder, "switch_to_managed", {"manager": "Stockport Brokerage", "weeks": 4})


@pytest.fixture
def extra(coordinator, holder, plan, weekly):
    """Agreed: a £200 contingency and one extra session a week for 4 weeks (£160)."""
    crisis.set_contingency(coordinator, holder, 20000)
    return crisis.agree(coordinator, holder, "extra_hours", {"line_id": weekly.lines[0].id, "quantity_centi": 100, "weeks": 4})
