"""Invoice numbers: each provider has its own sequence, and it never skips or repeats, even when
many invoices are raised at once and some of those transactions roll back."""
from __future__ import annotations

import threading
import time

import pytest

from marketplace.billing import invoicing
from marketplace.billing.models import Invoice, InvoiceCounter
from marketplace.extensions import db
from marketplace.orders.models import Order

from .. import factories
from ..conftest import is_postgres
from .support import build_market, occurrences_of


def numbers(organisation_id: int) -> list[int]:
    db.session.expire_all()
    return db.session.scalars(db.select(Invoice.number).filter_by(organisation_id=organisation_id).order_by(Invoice.number)).all()


def test_a_providers_invoices_are_numbered_one_two_three(jo):
    invoices = [jo.invoice() for _ in range(3)]
    assert [i.number for i in invoices] == [1, 2, 3]
    assert [i.reference for i in invoices] == [f"INV-{jo.organisation.id:04d}-{n:05d}" for n in (1, 2, 3)]


def test_each_provider_has_its_own_sequence(make, jo):
    other_org, other_person = make.provider(jo.council)
    other_listing = make.orderable(other_org, title="Cleaning", price_pence=2000, category="social-support")
    jo.invoice()
    theirs = factories.confirmed_order(jo.holder_user, jo.holder, other_listing, jo.outcome.key, other_person)
    assert (numbers(jo.organisation.id), numbers(other_org.id)) == ([1], [1])
    assert theirs.organisation_id == other_org.id


def test_a_rolled_back_invoice_gives_its_number_back(market):
    town = market(invoicing="monthly")  # confirmed delivery waits to be invoiced
    first, second = town.order(), town.order()
    invoicing.invoice_occurrences(first, occurrences_of(first))
    db.session.rollback()
    invoice = invoicing.invoice_occurrences(second, occurrences_of(second))
    db.session.commit()
    assert (invoice.number, numbers(town.organisation.id)) == (1, [1])


THREADS = 13
ROLLED_BACK = {2, 6, 10}  # these transactions raise their invoice, then roll back


@pytest.mark.skipif(not is_postgres(), reason="SQLite lets one writer in at a time, so invoicing cannot run concurrently; "
                                              "set TEST_DATABASE_URL to a PostgreSQL database to run this")
def test_concurrent_invoicing_for_one_provider_leaves_no_gaps_and_no_duplicates(app, make):
    town = build_market(invoicing="monthly", funding_pence=200000)  # monthly: confirmed delivery waits to be invoiced
    order_ids = [town.order().id for _ in range(THREADS)]
    organisation_id = town.organisation.id
    db.session.commit()
    db.session.close()
    start = threading.Barrier(THREADS)
    raised: dict[int, int] = {}
    errors: list[BaseException] = []

    def invoice_one(n: int, order_id: int) -> None:
        with app.app_context():
            try:
                order = db.session.get(Order, order_id)
                occurrences = occurrences_of(order)
                start.wait(timeout=30)
                invoice = invoicing.invoice_occurrences(order, occurrences)
                time.sleep(0.02)  # keep the number a moment, so the others queue behind this transaction
                if n in ROLLED_BACK:
                    db.session.rollback()
                else:
                    db.session.commit()
                    raised[n] = invoice.number
            except BaseException as error:  # reported below, with the thread's number
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=invoice_one, args=(n, order_id)) for n, order_id in enumerate(order_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    committed = THREADS - len(ROLLED_BACK)
    assert sorted(raised.values()) == list(range(1, committed + 1))
    assert numbers(organisation_id) == list(range(1, committed + 1))
    assert db.session.get(InvoiceCounter, organisation_id).last_number == committed
    uninvoiced = [db.session.get(Order, order_ids[n]) for n in ROLLED_BACK]
    assert {o.status for order in uninvoiced for o in occurrences_of(order)} == {"confirmed"}
