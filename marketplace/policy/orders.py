"""Rules for orders, enquiries, invoices and disputes."""
from __future__ import annotations

from ..accounts import roles as R
from .base import _CASEWORK, _delegated, _staff, _works_for, rule
from .holders import _holder_approve_invoices, _holder_order, _holder_view

# --- orders ----------------------------------------------------------------------

@rule("order.view")
def _order_view(user, order) -> bool:
    """The buyer's side, the provider it is for, and the holder's council case staff."""
    return (_holder_view(user, order.holder) or _works_for(user, order.organisation_id))


@rule("order.provide")
def _order_provide(user, order) -> bool:
    return _works_for(user, order.organisation_id)


@rule("order.delivery_contact")
def _order_delivery_contact(user, order) -> bool:
    """The home address and phone of the person an order is for: only to the provider holding the order
    while it is placed or accepted (what they need to deliver it), never once it is over or refused."""
    return order.status in ("placed", "accepted") and _works_for(user, order.organisation_id)


@rule("order.confirm")
def _order_confirm(user, order) -> bool:
    """Confirming or disputing delivery: the buyer, or whoever approves invoices for the holder."""
    return _holder_order(user, order.holder) or _holder_approve_invoices(user, order.holder)


@rule("order.change_schedule")
def _order_change_schedule(user, order) -> bool:
    """Either side of an order may propose a change to its schedule, and the other side decides."""
    return _works_for(user, order.organisation_id) or _holder_order(user, order.holder)


@rule("order.approve")
def _order_approve(user, order) -> bool:
    """Orders outside the plan or above the weekly limit wait for the holder's council case staff."""
    return _staff(user, order.council_id, *_CASEWORK)


@rule("enquiry.answer")
def _enquiry_answer(user, enquiry) -> bool:
    return _works_for(user, enquiry.organisation_id)


@rule("enquiry.view")
def _enquiry_view(user, enquiry) -> bool:
    return enquiry.asked_by_id == user.id or _works_for(user, enquiry.organisation_id)


# --- invoices ----------------------------------------------------------------------

@rule("invoice.view")
def _invoice_view(user, invoice) -> bool:
    return _order_view(user, invoice.order) or _staff(user, invoice.council_id, R.FINANCE_OFFICER, R.ADMINISTRATOR)


@rule("invoice.approve")
def _invoice_approve(user, invoice) -> bool:
    """Whoever holds the money: the holder (direct payment), the budget manager or council
    finance (managed account), council finance (council-managed), the provider (its own ISF)."""
    holder = invoice.holder
    finance = _staff(user, invoice.council_id, R.FINANCE_OFFICER)
    if invoice.payer_kind == "holder":
        return _holder_approve_invoices(user, holder)
    if invoice.payer_kind == "budget_manager":
        return _delegated(user, holder, "approve_invoices") or finance
    if invoice.payer_kind == "council":
        return finance
    return invoice.budget.isf_provider_id is not None and _works_for(user, invoice.budget.isf_provider_id)


@rule("invoice.pay")
def _invoice_pay(user, invoice) -> bool:
    return _invoice_approve(user, invoice)


@rule("invoice.credit")
def _invoice_credit(user, invoice) -> bool:
    """Credit notes and answers to disputes come from the provider."""
    return _works_for(user, invoice.organisation_id)


def _council_referee(user, invoice) -> bool:
    """The council's finance officers and administrators settle a dispute the two sides cannot."""
    return _staff(user, invoice.council_id, R.FINANCE_OFFICER, R.ADMINISTRATOR)


@rule("dispute.uphold")
def _dispute_uphold(user, dispute) -> bool:
    """Upholding a dispute credits the provider's invoice: the provider agrees, or the council decides.
    The payer who raised it can never uphold it themselves."""
    return _invoice_credit(user, dispute.invoice) or _council_referee(user, dispute.invoice)


@rule("dispute.reject")
def _dispute_reject(user, dispute) -> bool:
    """Rejecting a dispute lets the invoice stand: the payer withdraws it, or the council decides.
    The provider alone can never reject it."""
    return _invoice_approve(user, dispute.invoice) or _council_referee(user, dispute.invoice)


@rule("dispute.resolve")
def _dispute_resolve(user, dispute) -> bool:
    """Recording how a dispute ended, one way or the other (see dispute.uphold and dispute.reject)."""
    return _dispute_uphold(user, dispute) or _dispute_reject(user, dispute)


def decides_as_council(user, dispute, outcome: str) -> bool:
    """Whether ``user`` records ``outcome`` as the council's referee rather than as one of the two sides
    (the council must then say why)."""
    side = _invoice_credit if outcome == "upheld" else _invoice_approve
    return not side(user, dispute.invoice) and _council_referee(user, dispute.invoice)


@rule("invoice.refund")
def _invoice_refund(user, invoice) -> bool:
    """A refund gives the provider's money back to whoever paid: the provider's people decide it."""
    return _works_for(user, invoice.organisation_id)
