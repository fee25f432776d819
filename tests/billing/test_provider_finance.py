"""The provider's finance view: unpaid invoices by how overdue they are (payment terms are 14 days)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from marketplace.billing import finance, payments

from .conftest import NOW
from .support import read


def at(day: datetime):
    """The clock's moment: 9am UTC on ``day``."""
    return day.replace(hour=9, minute=0, tzinfo=timezone.utc)


@pytest.fixture
def ageing_invoices(jo, frozen_clock):
    """Invoices raised on different days, seen on 16 November 2026 (due 14 days after issue):
    £160 issued 19 Aug (75 days overdue), £120 on 18 Sep (45 days), £80 on 23 Oct (10 days), £40 on 11 Nov (not yet due),
    and £40 issued 19 Aug and paid."""
    raised = {}
    for name, days_ago, sessions in [("60+", 89, 4), ("paid", 89, 1), ("31-60", 59, 3), ("0-30", 24, 2), ("not_due", 5, 1)]:
        frozen_clock.moment = NOW - timedelta(days=days_ago)
        raised[name] = jo.invoice(quantity=sessions)
    payments.approve(jo.holder_user, raised["paid"])
    payments.pay(jo.holder_user, raised["paid"], "bacs", reference="BACS 1")
    frozen_clock.moment = NOW
    return raised


def test_unpaid_invoices_fall_into_ageing_buckets_by_days_overdue(jo, ageing_invoices):
    figures = finance.ageing([jo.organisation])
    assert figures["buckets"] == {"not_due": 4000, "0-30": 8000, "31-60": 12000, "60+": 16000}
    assert (figures["issued"], figures["paid"]) == (44000, 4000)  # the paid invoice is in the totals, not the buckets


def test_the_buckets_edges_are_30_and_60_days_overdue(jo, frozen_clock):
    invoice = jo.invoice()  # issued 16 November, due 30 November
    seen = {}
    for overdue in (-1, 0, 30, 31, 60, 61):
        frozen_clock.moment = at(datetime(2026, 11, 30) + timedelta(days=overdue))
        seen[overdue] = next(k for k, v in finance.ageing([jo.organisation])["buckets"].items() if v == invoice.total_pence)
    assert seen == {-1: "not_due", 0: "0-30", 30: "0-30", 31: "31-60", 60: "31-60", 61: "60+"}


def test_the_provider_sees_the_buckets_on_the_finance_page(jo, ageing_invoices, signed_in):
    page = read(signed_in(jo.provider_user).get("/provider/finance"))
    assert ("Not yet due 0 to 30 days overdue 31 to 60 days overdue Over 60 days overdue "
            "£40.00 £80.00 £120.00 £160.00") in page
    assert page.count("Overdue") == 3


def test_someone_who_works_for_no_provider_cannot_open_the_finance_page(make, signed_in):
    assert signed_in(make.user()).get("/provider/finance").status_code == 403
