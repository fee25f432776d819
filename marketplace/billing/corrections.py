"""Putting an invoice right: credit notes from the provider, disputes by whoever pays it, and
refunds of a payment through its gateway. Money given back returns to the holder's budget.
Status changes go through ``INVOICE``, ``PAYMENT`` and ``DISPUTE`` (models.py)."""
from __future__ import annotations

from .. import clock
from ..budgets import ledger
from ..errors import DomainError, InvalidTransition, NotAllowed
from ..extensions import db
from ..money import format_pence
from ..notifications.service import notify_all
from ..policy import can, decides_as_council, who_may
from .gateways import get_gateway
from .models import DISPUTE, INVOICE, PAYMENT, CreditNote, Invoice, InvoiceDispute, Payment
from .payments import in_flight, in_flight_message, lock_invoice, open_payment


def _link(invoice: Invoice) -> str:
    return f"/invoices/{invoice.id}"


def issue_credit_note(actor, invoice: Invoice, amount_pence: int, reason: str) -> CreditNote:
    """A provider's correction. Before payment it reduces what is owed and releases the promised money;
    after payment it gives spent money back to the budget. A credit of everything owed credits the invoice."""
    if not can(actor, "invoice.credit", invoice):
        raise NotAllowed("Only the provider can issue a credit note.")
    if not (reason or "").strip():
        raise DomainError("Give a reason for the credit note.")
    if amount_pence <= 0 or amount_pence > invoice.payable_pence:
        raise DomainError(f"The credit must be between 1p and {format_pence(invoice.payable_pence)}.")
    if not INVOICE.can_move(invoice, "credited"):
        raise InvalidTransition("invoice", invoice.status, "credited")
    paid = invoice.status == "paid"
    if not paid and in_flight(invoice) is not None:  # the full amount may be leaving now
        raise DomainError(in_flight_message(in_flight(invoice)) + " Then issue the credit note.")
    lock_invoice(invoice)
    note = CreditNote(invoice=invoice, amount_pence=amount_pence, reason=reason.strip(), created_by_id=actor.id)
    db.session.add(note)
    outcome_key = invoice.lines[0].outcome_key if invoice.lines else None
    memo = f"Credit note on {invoice.reference}: {reason.strip()[:100]}"
    if paid:
        ledger.credit(invoice.budget, amount_pence, outcome_key=outcome_key, cause=invoice, actor=actor, memo=memo)
    else:
        ledger.release(invoice.budget, amount_pence, outcome_key=outcome_key, cause=invoice, actor=actor, memo=memo)
        payment = open_payment(invoice)
        if payment is not None and payment.gateway_ref is None:
            payment.amount_pence = invoice.payable_pence - amount_pence
    invoice.credited_pence += amount_pence
    if invoice.payable_pence == 0 and not paid:
        INVOICE.move(invoice, "credited", actor=actor, reason=reason.strip(), amount_pence=amount_pence)
        payment = open_payment(invoice)
        if payment is not None:
            payment.failure_message = "Not needed: the invoice was credited in full."
            PAYMENT.move(payment, "cancelled", actor=actor, reason=payment.failure_message)
    else:
        db.session.flush()
    db.session.flush()  # told in the same transaction as the change
    notify_all(who_may("invoice.approve", invoice), f"Credit note on {invoice.reference}",
               f"{invoice.organisation.name} credited {format_pence(amount_pence)}: {reason.strip()}", _link(invoice))
    db.session.commit()
    return note


def dispute(actor, invoice: Invoice, reason: str) -> InvoiceDispute:
    """Whoever pays the invoice says it is wrong; nothing is paid until the dispute is resolved."""
    if not can(actor, "invoice.approve", invoice):
        raise NotAllowed("You cannot dispute this invoice.")
    if not (reason or "").strip():
        raise DomainError("Say what is wrong with the invoice.")
    INVOICE.check(invoice, "disputed")
    if in_flight(invoice) is not None:
        raise DomainError("A payment for this invoice is already in progress.")
    record = InvoiceDispute(invoice=invoice, raised_by_id=actor.id, reason=reason.strip(), status_before=invoice.status)
    db.session.add(record)
    DISPUTE.start(record, "open", actor=actor, reason=record.reason)
    INVOICE.move(invoice, "disputed", actor=actor, reason=record.reason)
    db.session.flush()  # told in the same transaction as the change
    notify_all(who_may("invoice.credit", invoice), f"Invoice {invoice.reference} disputed", record.reason, _link(invoice))
    db.session.commit()
    return record


def answer_dispute(actor, record: InvoiceDispute, answer: str) -> InvoiceDispute:
    """The provider answers the dispute once, before it is resolved."""
    if not can(actor, "invoice.credit", record.invoice):
        raise NotAllowed("Only the provider can answer.")
    if not (answer or "").strip():
        raise DomainError("Write your answer.")
    record.provider_answer = answer.strip()
    DISPUTE.move(record, "answered", actor=actor)
    db.session.flush()  # told in the same transaction as the change
    notify_all(who_may("invoice.approve", record.invoice), f"{record.invoice.organisation.name} answered your dispute",
               record.provider_answer, _link(record.invoice))
    db.session.commit()
    return record


def resolve_dispute(actor, record: InvoiceDispute, upheld: bool, note: str | None = None,
                    credit_pence: int | None = None) -> InvoiceDispute:
    """Upheld: the provider credits (all, or ``credit_pence``) and the rest stays payable.
    Rejected: the invoice goes back to where it was.

    A dispute ends by the other side's agreement (the provider upholds it; the payer withdraws it)
    or by the council's finance staff, who must say why: the side that raised it never settles it
    alone, and neither does the provider by rejecting it. Raises NotAllowed or DomainError.
    """
    invoice = record.invoice
    outcome = "upheld" if upheld else "rejected"
    if not can(actor, "dispute.uphold" if upheld else "dispute.reject", record):
        raise NotAllowed("The provider agrees to a dispute; the person who raised it withdraws it. "
                         "If you cannot agree, ask the council's finance team to decide." if can(actor, "dispute.resolve", record)
                         else "You cannot resolve this dispute.")
    if not DISPUTE.can_move(record, outcome):
        raise DomainError("This dispute is already resolved.")
    if decides_as_council(actor, record, outcome) and not (note or "").strip():
        raise DomainError("Say why the council decided this: both sides will read it.")
    if upheld:  # check the credit before anything changes: a refused credit leaves the dispute open
        amount = credit_pence if credit_pence else invoice.payable_pence
        if amount <= 0 or amount > invoice.payable_pence:
            raise DomainError(f"The credit must be between 1p and {format_pence(invoice.payable_pence)}.")
        issuer = actor if can(actor, "invoice.credit", invoice) else _provider_person(invoice)
    record.resolution_note = (note or "").strip() or None
    record.resolved_at = clock.now()
    DISPUTE.move(record, outcome, actor=actor, reason=record.resolution_note)
    INVOICE.move(invoice, record.status_before, actor=actor, reason=f"Dispute {outcome}")
    if upheld:  # the outcome and its credit note are committed together
        issue_credit_note(issuer, invoice, amount, f"Dispute upheld: {record.reason}")
    else:
        db.session.flush()  # told in the same transaction as the change
    words = "upheld: the invoice is credited" if upheld else "closed: the invoice stands"
    notify_all([*who_may("invoice.approve", invoice), *who_may("invoice.credit", invoice)],
               f"The dispute on {invoice.reference} is {words.split(':')[0]}",
               f"The dispute is {words}." + (f" {record.resolution_note}" if record.resolution_note else ""), _link(invoice))
    db.session.commit()
    return record


def _provider_person(invoice: Invoice):
    people = who_may("invoice.credit", invoice)
    if not people:
        raise DomainError("The provider has nobody who can issue a credit note.")
    return people[0]


def refund(actor, payment: Payment, amount_pence: int, reason: str, reference: str | None = None) -> Payment:
    """Give a payment back (all or part) through the gateway it came by, and the money back to the
    budget as a credit note. Raises NotAllowed or DomainError; nothing is asked of the gateway
    unless the credit note could be issued."""
    invoice = payment.invoice
    if not can(actor, "invoice.refund", invoice):
        raise NotAllowed("Only the provider can refund.")
    if payment.status != "succeeded":
        raise DomainError("Only a payment that went through can be refunded.")
    if not (reason or "").strip():
        raise DomainError("Give a reason for the refund.")
    if amount_pence <= 0 or amount_pence > payment.amount_pence - payment.refunded_pence:
        raise DomainError("The refund must not be more than was paid.")
    if amount_pence > invoice.payable_pence:  # the credit note below could not be issued: ask the gateway for nothing
        raise DomainError(f"The refund must not be more than is left on the invoice after credit notes "
                          f"({format_pence(invoice.payable_pence)}).")
    result = get_gateway(payment.method).refund(payment, amount_pence,
                                                idempotency_key=f"refund-{payment.id}-{payment.refunded_pence + amount_pence}",
                                                reference=reference)
    if not result.succeeded:
        raise DomainError(result.message or "The refund did not go through.")
    payment.refunded_pence += amount_pence
    issue_credit_note(actor, invoice, amount_pence, f"Refund: {reason.strip()}")
    return payment
