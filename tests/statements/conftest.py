"""Statement fixtures: Jo, a direct-payment holder in Aldermoor with £1,000 paid in on 12 October 2026 and a
£40 session paid for; her representative Rae, who may see her account; and a browser signed in as anyone."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.billing import payments

from ..billing.support import build_market
from ..helpers import Browser

OCTOBER = datetime(2026, 10, 12, 9, 0, tzinfo=timezone.utc)
AFTER_OCTOBER = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def frozen():
    with clock.frozen(OCTOBER) as moment:
        yield moment


@pytest.fixture
def jo(make, frozen):
    market = build_market()
    invoice = market.invoice()
    payments.approve(market.holder_user, invoice)
    payments.pay(market.holder_user, invoice, "bacs", reference="BANK-1", paid_on=clock.today())
    market.rae = make.user(R.REPRESENTATIVE, market.council, name="Rae Representative")
    make.delegation(market.holder, market.rae, ["view"])
    frozen.moment = AFTER_OCTOBER
    return market


@pytest.fixture
def signed_in(app):
    def sign_in(user) -> Browser:
        browser = Browser(app.test_client())
        browser.sign_in(user.email)
        return browser
    return sign_in
