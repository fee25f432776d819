"""A market where a holder's order was delivered and confirmed (tests/billing/support.build_market),
with the clock frozen on Monday 16 November 2026, 9am."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from marketplace import clock

from ..billing.support import build_market

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW) as frozen:
        yield frozen


@pytest.fixture
def market(make):
    return build_market()
