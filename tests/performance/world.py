"""Building a market that grows, for the query-count tests and ``bench/hot_pages.py``: orders delivered,
confirmed, invoiced (and paid); orders for other holders; one order of many lines invoiced as one invoice;
and a catalogue of listings some of which an Aldermoor holder finds by searching "gardening"."""
from __future__ import annotations

import secrets

from marketplace.billing import invoicing, payments
from marketplace.billing.models import Invoice
from marketplace.extensions import db
from marketplace.orders import basket, lifecycle, placing

from .. import factories


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


def council_invoices(m, count: int) -> None:
    """``count`` issued invoices the council pays, each from a provider of its own, for holders of its own."""
    for _ in range(count):
        organisation = factories.organisation(approved_in=(m.council,))
        order = factories.bare_order(factories.holder(m.council), organisation, placed_by=m.holder_user, status="invoiced")
        factories.bare_invoice(order, payer_kind="council")


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



def gardening(council, start: int, count: int) -> None:
    """``count`` gardening listings, each from its own approved organisation; half with an agreed rate in
    ``council`` (£12 against a public £18); one in three a free community resource the council runs."""
    for n in range(start, start + count):
        if n % 3 == 2:
            factories.listing(None, council=council, title=f"Gardening club {n}", category="gardening", price_pence=None,
                              summary="Grow things together.", commit=False)
            continue
        organisation = factories.organisation(name=f"Gardener {n}", approved_in=(council,))
        listing = factories.listing(organisation, title=f"Gardening help {n}", category="gardening", price_pence=1800,
                                    summary="Mowing and weeding.", commit=False)
        if n % 2 == 0:
            factories.agreed_price(listing, council, 1200, commit=False)
    db.session.commit()
