"""Invoices from confirmed delivery: gapless numbers per provider, one invoice per delivery (as soon
as the buyer confirms) or per order and month (the monthly job), and automatic approval where
the council's rules allow. Invoices change status only through ``INVOICE`` (models.py).

Orders do not import billing: this module listens for ``orders.delivery.delivery_confirmed``.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..money import format_pence
from ..notifications.service import notify_all
from ..orders.delivery import delivery_confirmed
from ..orders.lifecycle import advance
from ..orders.models import OCCURRENCE, Occurrence, Order
from ..policy import who_may
from .models import INVOICE, Invoice, InvoiceCounter, InvoiceLine
from .payments import approve_automatically

PAYMENT_TERMS_DAYS = 14
PAYER_FOR_OPTION = {"direct_payment": "holder", "mixed": "holder", "managed_account": "budget_manager",
                    "council_managed": "council", "individual_service_fund": "isf_provider"}
INVOICEABLE = ("confirmed", "cancelled_charged")


def next_number(organisation_id: int) -> int:
    """Take the provider's next invoice number inside the caller's transaction.

    The UPDATE locks the counter row until commit, so concurrent invoicing waits its turn
    and a rolled-back invoice gives its number back: numbers never skip.
    """
    updated = db.session.execute(update(InvoiceCounter).where(InvoiceCounter.organisation_id == organisation_id)
                                 .values(last_number=InvoiceCounter.last_number + 1)
                                 .execution_options(synchronize_session=False)).rowcount
    if not updated:
        try:
            with db.session.begin_nested():
                db.session.add(InvoiceCounter(organisation_id=organisation_id, last_number=1))
            return 1
        except IntegrityError:  # another transaction created the counter first
            db.session.execute(update(InvoiceCounter).where(InvoiceCounter.organisation_id == organisation_id)
                               .values(last_number=InvoiceCounter.last_number + 1)
                               .execution_options(synchronize_session=False))
    return db.session.scalar(db.select(InvoiceCounter.last_number).filter_by(organisation_id=organisation_id))


def payer_kind_for(order: Order) -> str:
    """Who pays, by who holds the money. A service fund with no provider named (data from before
    funds had to name one) is the council's to pay."""
    kind = PAYER_FOR_OPTION.get(order.budget.deployment_option, "holder")
    if kind == "isf_provider" and order.budget.isf_provider_id is None:
        return "council"
    return kind


def _vat_inside(amount_pence: int, rate_percent: int) -> int:
    """The VAT inside a VAT-inclusive amount, rounded down."""
    return amount_pence * rate_percent // (100 + rate_percent) if rate_percent else 0


def invoice_occurrences(order: Order, occurrences: list[Occurrence], actor=None) -> Invoice | None:
    """Raise one invoice for these confirmed, uninvoiced occurrences of one order (the caller commits)."""
    occurrences = [o for o in occurrences if o.status in INVOICEABLE]
    if not occurrences:
        return None
    lines = []
    for occurrence in occurrences:
        line = occurrence.line
        words = line.title if occurrence.status == "confirmed" else f"{line.title}: late cancellation charge"
        lines.append(InvoiceLine(occurrence_id=occurrence.id, description=words, on=occurrence.on,
                                 quantity_centi=occurrence.delivered_quantity_centi or occurrence.quantity_centi,
                                 unit_price_pence=line.unit_price_pence, amount_pence=occurrence.amount_pence,
                                 vat_rate_percent=line.vat_rate_percent,
                                 vat_pence=_vat_inside(occurrence.amount_pence, line.vat_rate_percent),
                                 outcome_key=line.outcome_key))
        OCCURRENCE.move(occurrence, "invoiced", actor=actor)
    today = clock.today()
    invoice = Invoice(organisation_id=order.organisation_id, number=next_number(order.organisation_id), order_id=order.id,
                      holder_id=order.holder_id, council_id=order.council_id, budget_id=order.budget_id,
                      payer_kind=payer_kind_for(order),
                      period_start=min(o.on for o in occurrences), period_end=max(o.on for o in occurrences),
                      issued_on=today, due_on=today + timedelta(days=PAYMENT_TERMS_DAYS),
                      total_pence=sum(line.amount_pence for line in lines), vat_pence=sum(line.vat_pence for line in lines))
    invoice.lines = lines
    db.session.add(invoice)
    INVOICE.start(invoice, "issued", actor=actor, reference=invoice.reference, total_pence=invoice.total_pence)
    advance(actor, order)
    approve_automatically(invoice)
    return invoice


def raise_invoices(until: date | None = None, organisation_ids: set[int] | None = None) -> list[Invoice]:
    """Invoice every confirmed, uninvoiced delivery on or before ``until``: one invoice per order and
    calendar month. Idempotent: an occurrence becomes "invoiced" and its line is unique."""
    until = until or clock.today()
    query = (db.select(Occurrence).where(Occurrence.status.in_(INVOICEABLE), Occurrence.on <= until)
             .order_by(Occurrence.order_id, Occurrence.on))
    groups: dict[tuple[int, int, int], list[Occurrence]] = {}
    for occurrence in db.session.scalars(query):
        if organisation_ids is not None and occurrence.order.organisation_id not in organisation_ids:
            continue
        groups.setdefault((occurrence.order_id, occurrence.on.year, occurrence.on.month), []).append(occurrence)
    raised = []
    for (order_id, _y, _m), occurrences in sorted(groups.items()):
        invoice = invoice_occurrences(db.session.get(Order, order_id), occurrences)
        if invoice is not None:
            db.session.flush()
            raised.append(invoice)
            tell_payers(invoice)  # in the same transaction as the invoice
        db.session.commit()  # one invoice at a time: a failure later in the run keeps those raised
    return raised


@delivery_confirmed.connect
def invoice_on_confirmation(occurrence: Occurrence, actor=None) -> Invoice | None:
    """Providers who invoice per delivery get an invoice the moment the buyer confirms."""
    order = occurrence.order
    if order.organisation.invoicing != "per_delivery":
        return None
    invoice = invoice_occurrences(order, [occurrence], actor)
    if invoice is not None:
        db.session.flush()
        tell_payers(invoice)  # in the same transaction as the invoice
    db.session.commit()
    return invoice


def tell_payers(invoice: Invoice) -> None:
    """An invoice waiting for approval is announced to whoever approves it (the policy's answer)."""
    if invoice.status == "issued":
        notify_all(who_may("invoice.approve", invoice), f"Invoice {invoice.reference} to approve",
                   f"{invoice.organisation.name} has invoiced {format_pence(invoice.total_pence)} for confirmed support.",
                   f"/invoices/{invoice.id}")
