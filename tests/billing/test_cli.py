"""``flask billing invoice``: providers that invoice monthly get one invoice per order and calendar
month for confirmed delivery; running it again raises nothing new."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.billing.models import Invoice
from marketplace.extensions import db

from .. import factories
from .conftest import NOW
from .support import fresh, occurrences_of

MONDAY_26_OCT = date(2026, 10, 26)
MONDAYS = {"days": ["mon"], "starts_on": "2026-10-26", "ends_on": "2026-11-09"}  # 26 Oct, 2 Nov, 9 Nov


@pytest.fixture
def monthly(market, frozen_clock):
    """A provider that invoices monthly, with three Monday sessions (one in October, two in November)
    ordered on 26 October and all delivered and confirmed by 16 November."""
    town = market(invoicing="monthly")
    frozen_clock.moment = NOW - timedelta(days=21)  # 9am on Monday 26 October
    order = factories.accepted_order(town.buyer, town.holder, town.listing, town.outcome.key, town.provider_user,
                                     schedule=MONDAYS)
    frozen_clock.moment = NOW
    for occurrence in occurrences_of(order):
        factories.delivered(occurrence, town.provider_user, town.buyer)
    return town, order


def all_invoices() -> list[tuple]:
    db.session.expire_all()
    return [(i.id, i.order_id, i.number, i.period_start, i.period_end, i.total_pence, i.status)
            for i in db.session.scalars(db.select(Invoice).order_by(Invoice.id))]


def test_confirming_delivery_does_not_invoice_a_monthly_provider(monthly):
    town, order = monthly
    assert all_invoices() == []
    assert {o.status for o in occurrences_of(fresh(order))} == {"confirmed"}


def test_the_job_raises_one_invoice_per_order_and_month(app, monthly):
    town, order = monthly
    result = app.test_cli_runner().invoke(args=["billing", "invoice"])
    assert (result.exit_code, result.output.strip()) == (0, "Raised 2 invoices.")
    october, november = [row[3:6] for row in all_invoices()]
    assert october == (MONDAY_26_OCT, MONDAY_26_OCT, 4000)
    assert november == (MONDAY_26_OCT + timedelta(days=7), MONDAY_26_OCT + timedelta(days=14), 8000)
    assert fresh(order).status == "invoiced"


def test_running_the_job_twice_raises_nothing_new(app, monthly):
    runner = app.test_cli_runner()
    runner.invoke(args=["billing", "invoice"])
    first = all_invoices()
    again = runner.invoke(args=["billing", "invoice"])
    assert (again.exit_code, again.output.strip()) == (0, "Raised 0 invoices.")
    assert all_invoices() == first and len(first) == 2


def test_the_job_invoices_only_up_to_the_date_it_is_given(app, monthly):
    result = app.test_cli_runner().invoke(args=["billing", "invoice", "--until", "2026-10-31"])
    assert result.output.strip() == "Raised 1 invoices."
    assert [row[5] for row in all_invoices()] == [4000]



def test_a_late_cancellation_charge_is_invoiced_by_the_job(app, market):
    """Cancelled inside the notice period, the date is charged: the job invoices the charge."""
    from marketplace.billing.invoicing import raise_invoices
    from marketplace.orders import lifecycle

    town = market(invoicing="monthly")
    order = factories.accepted_order(town.buyer, town.holder, town.listing, town.outcome.key, town.provider_user)
    assert lifecycle.cancel(town.buyer, order) == {"released": 0, "charged": 4000}
    (invoice,) = raise_invoices()
    assert [(line.description, line.amount_pence) for line in invoice.lines] == [
        ("Support worker for days out: late cancellation charge", 4000)]
    assert [o.status for o in occurrences_of(fresh(order))] == ["invoiced"]
