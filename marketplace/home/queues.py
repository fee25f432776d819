"""What waits for each role, counted for the home page: one query per role, however much is waiting.

Each count is of something the person can act on, and links to the page where they do it. The caller
asks the policy which organisations, council or holder the person works for."""
from __future__ import annotations

from .. import clock
from ..billing.models import Invoice, PaymentRun
from ..billing.payments import has_bank_details
from ..extensions import db
from ..orders.models import Enquiry, Occurrence, Order
from ..plans.models import SupportPlan
from ..plans.service import WAITING


def _count(model, *where):
    return db.select(db.func.count()).select_from(model).where(*where).scalar_subquery()


def _counts(**queries) -> dict[str, int]:
    """Several counts in one round trip."""
    row = db.session.execute(db.select(*[q.label(name) for name, q in queries.items()])).one()
    return {name: int(value or 0) for name, value in row._mapping.items()}


def for_provider(organisation_ids: list[int]) -> dict[str, int]:
    """New orders to accept or decline, questions to answer, and past sessions of accepted orders not yet recorded."""
    ids = organisation_ids or [-1]
    return _counts(
        new_orders=_count(Order, Order.organisation_id.in_(ids), Order.status == "placed"),
        questions=_count(Enquiry, Enquiry.organisation_id.in_(ids), Enquiry.answer.is_(None)),
        to_record=db.select(db.func.count()).select_from(Occurrence).join(Order, Occurrence.order_id == Order.id).where(
            Order.organisation_id.in_(ids), Order.status == "accepted", Occurrence.status == "scheduled",
            Occurrence.on <= clock.today()).scalar_subquery(),
    )


def for_coordinator(council) -> dict[str, int]:
    """Orders waiting for a coordinator's approval and plans waiting for a decision."""
    return _counts(
        orders=_count(Order, Order.council_id == council.id, Order.status == "awaiting_approval"),
        plans=_count(SupportPlan, SupportPlan.council_id == council.id, SupportPlan.status.in_(WAITING)),
    )


def for_finance(council) -> dict[str, int]:
    """Invoices the council (or a budget manager) has to approve or pay, runs sent to the bank and not
    yet recorded as paid, and approved invoices that cannot be paid until the provider adds bank details."""
    council_paid = (Invoice.council_id == council.id, Invoice.payer_kind.in_(("council", "budget_manager")))
    return _counts(
        to_approve=_count(Invoice, *council_paid, Invoice.status == "issued"),
        to_pay=_count(Invoice, *council_paid, Invoice.status == "approved"),
        no_bank_details=_count(Invoice, *council_paid, Invoice.status == "approved", ~has_bank_details),
        runs=_count(PaymentRun, PaymentRun.council_id == council.id, PaymentRun.status == "exported"),
    )


def for_holder(holder) -> dict[str, int]:
    """Deliveries the holder has to confirm and invoices they have to approve (on a direct payment)."""
    return _counts(
        to_confirm=db.select(db.func.count()).select_from(Occurrence).join(Order, Occurrence.order_id == Order.id).where(
            Order.holder_id == holder.id, Occurrence.status == "delivered").scalar_subquery(),
        to_approve=_count(Invoice, Invoice.holder_id == holder.id, Invoice.payer_kind == "holder", Invoice.status == "issued"),
    )
