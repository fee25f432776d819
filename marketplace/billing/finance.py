"""What a provider's finance page shows: unpaid invoices by how overdue they are, totals, and
recent payments with their remittance advice. Each list is loaded with what its rows show (holders,
invoices, providers), so a page makes the same queries for 3 invoices or 300."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import contains_eager, joinedload, selectinload

from .. import clock
from ..extensions import db
from .models import Invoice, Payment


def ageing(organisations, on: date | None = None) -> dict:
    """Unpaid invoices of these organisations (the caller asked the policy which) by how overdue they are."""
    on = on or clock.today()
    ids = [o.id for o in organisations] or [-1]
    invoices = db.session.scalars(db.select(Invoice).where(Invoice.organisation_id.in_(ids))
                                  .options(selectinload(Invoice.holder), selectinload(Invoice.order))
                                  .order_by(Invoice.issued_on.desc(), Invoice.number.desc())).all()
    buckets = {"not_due": 0, "0-30": 0, "31-60": 0, "60+": 0}
    for invoice in invoices:
        if invoice.is_settled:
            continue
        days = (on - invoice.due_on).days
        key = "not_due" if days < 0 else "0-30" if days <= 30 else "31-60" if days <= 60 else "60+"
        buckets[key] += invoice.payable_pence
    return {"invoices": invoices, "buckets": buckets,
            "issued": sum(i.total_pence for i in invoices),
            "paid": sum(i.payable_pence for i in invoices if i.status == "paid")}


def recent_payments(organisations, limit: int = 50) -> list[Payment]:
    ids = [o.id for o in organisations] or [-1]
    return db.session.scalars(db.select(Payment).join(Invoice).options(contains_eager(Payment.invoice)).where(
        Invoice.organisation_id.in_(ids), Payment.status == "succeeded").order_by(Payment.settled_at.desc()).limit(limit)).all()


def for_holder(holder) -> list[Invoice]:
    """The holder's invoices, newest first, each with its provider (the list names it): one query."""
    return db.session.scalars(db.select(Invoice).filter_by(holder_id=holder.id).options(joinedload(Invoice.organisation))
                              .order_by(Invoice.issued_on.desc(), Invoice.id.desc())).all()
