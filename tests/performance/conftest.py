"""A market that grows: one holder with a well-funded plan and one provider who invoices monthly, so a
test can add orders, invoice lines, ledger entries and statement lines and compare a page's statements
before and after. The clock is frozen on Monday 16 November 2026, 9am."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timezone

import pytest

from marketplace import clock
from marketplace.billing import invoicing, payments
from marketplace.billing.models import Invoice
from marketplace.extensions import db
from marketplace.orders import basket, lifecycle, placing

from .. import factories
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


def add_orders(m, count: int, *, others: bool = False, paid: bool = False) -> None:
    """``count`` one-off orders for Jo, each delivered, confirmed and invoiced (one invoice each): from the
    market's provider, or with ``others`` each from a provider of its own (so a list shows many names). With
    ``paid`` Jo approves each invoice and records a bank transfer for it (a payment on her statement)."""
    for _ in range(count):
        listing, provider_user = m.listing, m.provider_user
        if others:
            organisation, provider_user = factories.provider(m.council)
            listing = factories.orderable(organisation, title=f"Days out with {organisation.name}", price_pence=4000,
                                          category="social-support")
        factories.confirmed_order(m.buyer, m.holder, listing, m.outcome.key, provider_user)
    invoicing.raise_invoices()
    if paid:
        for invoice in db.session.scalars(db.select(Invoice).filter_by(holder_id=m.holder.id, status="issued")).all():
            payments.approve(m.holder_user, invoice)
            payments.pay(m.holder_user, invoice, "bacs", reference=f"BACS {invoice.id}")


def orders_for_others(m, count: int, *, invoiced: bool = False) -> None:
    """``count`` new orders with the market's provider, each for a different holder (what an inbox lists);
    with ``invoiced`` each has an invoice too (what the provider's finance page lists)."""
    for _ in range(count):
        holder = factories.holder(m.council)
        order = factories.bare_order(holder, m.organisation, placed_by=m.holder_user, status="placed")
        if invoiced:
            factories.bare_invoice(order)


def big_order(m, lines: int):
    """One order of ``lines`` different sessions from the market's provider, each delivered and confirmed,
    invoiced as one invoice of ``lines`` lines: (order, invoice)."""
    for n in range(lines):
        listing = factories.orderable(m.organisation, title=f"Session {n}", price_pence=1000 + n, category="social-support")
        basket.add_to_basket(m.buyer, m.holder, listing, 1, m.outcome.key)
    (order,) = placing.place(m.buyer, m.holder, secrets.token_hex(16))
    lifecycle.accept(m.provider_user, order)
    for line in order.lines:
        for occurrence in line.occurrences:
            factories.delivered(occurrence, m.provider_user, m.buyer)
    (invoice,) = invoicing.raise_invoices()
    db.session.expire_all()
    return order, invoice


MONTH = date(2026, 11, 1)
