"""Billing rules: invoices from confirmed delivery, approval, payment, credit notes and disputes.

Invoice status machine: issued -> approved -> paid; issued/approved -> disputed -> back or
credited; issued/approved -> credited (a full credit note). Paying turns the order's ledger
commitment into spend; a credit note gives money back to the budget.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..budgets import ledger
from ..errors import DomainError, InvalidTransition, NotAllowed
from ..events import service as events
from ..extensions import db
from ..money import format_pence
from ..notifications.service import notify_all
from ..orders.models import Occurrence, Order
from ..policy import can
from .gateways import get_gateway
from .models import CreditNote, Invoice, InvoiceCounter, InvoiceDispute, InvoiceLine, Payment, PaymentRun

TRANSITIONS = {
    "issued": {"approved", "disputed", "credited"},
    "approved": {"paid", "disputed", "credited"},
    "disputed": {"issued", "approved", "credited"},
    "paid": {"credited"},
    "credited": set(),
}
PAYMENT_TERMS_DAYS = 14
PAYER_FOR_OPTION = {"direct_payment": "holder", "mixed": "holder", "managed_account": "budget_manager",
                    "council_managed": "council", "individual_service_fund": "isf_provider"}
DEFAULT_METHOD = {"holder": "bacs", "budget_manager": "bacs", "council": "bacs", "isf_provider": "isf_internal"}


def _move(actor, invoice: Invoice, to: str, reason: str | None = None) -> None:
    if to not in TRANSITIONS[invoice.status]:
        raise InvalidTransition("invoice", invoice.status, to)
    previous = invoice.status
    invoice.status = to
    events.record(f"invoice.{to}", actor=actor, holder=invoice.holder, obj=invoice, previous=previous, reason=reason,
                  reference=invoice.reference)


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
    return PAYER_FOR_OPTION.get(order.budget.deployment_option, "holder")


def invoice_occurrences(order: Order, occurrences: list[Occurrence], actor=None) -> Invoice | None:
    """Raise one invoice for these confirmed, uninvoiced occurrences of one order (the caller commits)."""
    occurrences = [o for o in occurrences if o.status in ("confirmed", "cancelled_charged")]
    if not occurrences:
        return None
    lines = []
    for occurrence in occurrences:
        line = occurrence.line
        vat = occurrence.amount_pence * line.vat_rate_percent // (100 + line.vat_rate_percent) if line.vat_rate_percent else 0
        words = line.title if occurrence.status == "confirmed" else f"{line.title}: late cancellation charge"
        lines.append(InvoiceLine(occurrence_id=occurrence.id, description=words, on=occurrence.on,
                                 quantity_centi=occurrence.delivered_quantity_centi or occurrence.quantity_centi,
                                 unit_price_pence=line.unit_price_pence, amount_pence=occurrence.amount_pence,
                                 vat_rate_percent=line.vat_rate_percent, vat_pence=vat, outcome_key=line.outcome_key))
        occurrence.status = "invoiced"
    today = clock.today()
    invoice = Invoice(organisation_id=order.organisation_id, number=next_number(order.organisation_id), order_id=order.id,
                      holder_id=order.holder_id, council_id=order.council_id, budget_id=order.budget_id,
                      payer_kind=payer_kind_for(order), status="issued",
                      period_start=min(o.on for o in occurrences), period_end=max(o.on for o in occurrences),
                      issued_on=today, due_on=today + timedelta(days=PAYMENT_TERMS_DAYS),
                      total_pence=sum(line.amount_pence for line in lines), vat_pence=sum(line.vat_pence for line in lines))
    invoice.lines = lines
    db.session.add(invoice)
    db.session.flush()
    events.record("invoice.issued", actor=actor, holder=order.holder, obj=invoice, reference=invoice.reference,
                  total_pence=invoice.total_pence)
    if order.status == "delivered" and all(o.status in ("invoiced", "cancelled", "paid") for l in order.lines for o in l.occurrences):
        order.status = "invoiced"
        events.record("order.invoiced", actor=actor, holder=order.holder, obj=order)
    _auto_approve(invoice)
    return invoice


def _auto_approve(invoice: Invoice) -> None:
    """An invoice that matches confirmed delivery exactly (ours always do, line by line) is approved
    automatically where the council's rules say so, and always for an individual service fund."""
    if invoice.payer_kind == "isf_provider" or invoice.council.auto_approve_invoices:
        invoice.auto_approved = True
        _approve(None, invoice)


def raise_invoices(until: date | None = None, organisation_ids: set[int] | None = None) -> list[Invoice]:
    """Invoice every confirmed, uninvoiced delivery on or before ``until``: one invoice per order and
    calendar month. Idempotent: an occurrence becomes "invoiced" and its line is unique."""
    until = until or clock.today()
    query = (db.select(Occurrence).where(Occurrence.status.in_(("confirmed", "cancelled_charged")), Occurrence.on <= until)
             .order_by(Occurrence.order_id, Occurrence.on))
    groups: dict[tuple[int, int, int], list[Occurrence]] = {}
    for occurrence in db.session.scalars(query):
        if organisation_ids is not None and occurrence.order.organisation_id not in organisation_ids:
            continue
        groups.setdefault((occurrence.order_id, occurrence.on.year, occurrence.on.month), []).append(occurrence)
    raised = []
    for (order_id, _y, _m), occurrences in sorted(groups.items()):
        invoice = invoice_occurrences(db.session.get(Order, order_id), occurrences)
        db.session.commit()
        if invoice is not None:
            raised.append(invoice)
            _tell_payer(invoice)
    db.session.commit()
    return raised


def invoice_on_confirmation(occurrence: Occurrence, actor) -> Invoice | None:
    """Providers who invoice per delivery get an invoice the moment the buyer confirms."""
    order = occurrence.order
    if order.organisation.invoicing != "per_delivery":
        return None
    invoice = invoice_occurrences(order, [occurrence], actor)
    db.session.commit()
    if invoice is not None:
        _tell_payer(invoice)
        db.session.commit()
    return invoice


# --- who pays ---------------------------------------------------------------------------

def payers(invoice: Invoice):
    """The people who approve and pay this invoice, by who holds the money."""
    from ..accounts import roles as R
    from ..accounts.models import RoleGrant

    holder = invoice.holder
    delegates = [d.delegate for d in holder.active_delegations() if d.allows("approve_invoices")]
    finance = [g.user for g in db.session.scalars(db.select(RoleGrant).filter_by(council_id=invoice.council_id, role=R.FINANCE_OFFICER))]
    if invoice.payer_kind == "holder":
        return ([holder.user] if holder.user else []) + delegates
    if invoice.payer_kind == "budget_manager":
        return delegates + finance
    if invoice.payer_kind == "council":
        return finance
    return []


def _tell_payer(invoice: Invoice) -> None:
    if invoice.status == "issued":
        notify_all(payers(invoice), f"Invoice {invoice.reference} to approve",
                   f"{invoice.organisation.name} has invoiced {format_pence(invoice.total_pence)} for confirmed support.",
                   f"/invoices/{invoice.id}")


# --- approval and payment ---------------------------------------------------------------------

def _approve(actor, invoice: Invoice) -> Payment:
    _move(actor, invoice, "approved")
    invoice.approved_by_id = getattr(actor, "id", None)
    invoice.approved_at = clock.now()
    payment = Payment(invoice=invoice, method=DEFAULT_METHOD[invoice.payer_kind], amount_pence=invoice.payable_pence,
                      idempotency_key=f"invoice-{invoice.id}-{secrets.token_hex(8)}", created_by_id=getattr(actor, "id", None))
    db.session.add(payment)
    db.session.flush()
    if invoice.payer_kind == "isf_provider":  # the provider already holds the money
        _settle(actor, payment, "isf_internal", gateway_ref=None, reference=f"ISF {invoice.reference}", paid_on=clock.today())
    return payment


def approve(actor, invoice: Invoice) -> Payment:
    """The person holding the money approves; approval creates the payment to be made."""
    if not can(actor, "invoice.approve", invoice):
        raise NotAllowed("You cannot approve this invoice.")
    if invoice.status != "issued":  # a disputed invoice goes back through resolve_dispute, never around it
        raise InvalidTransition("invoice", invoice.status, "approved")
    payment = _approve(actor, invoice)
    db.session.commit()
    return payment


def _lock_invoice(invoice: Invoice) -> None:
    db.session.execute(update(Invoice).where(Invoice.id == invoice.id).values(lock_version=Invoice.lock_version + 1)
                       .execution_options(synchronize_session=False))


def open_payment(invoice: Invoice) -> Payment | None:
    return next((p for p in invoice.payments if p.status == "pending"), None)


def in_flight(invoice: Invoice) -> Payment | None:
    """The open payment if it has left this server (sent to Stripe, or in a bank file of a payment
    run) and its outcome is not known yet. Until it is, the invoice's amount and route stay as they are."""
    payment = open_payment(invoice)
    if payment is not None and (payment.gateway_ref is not None or payment.payment_run_id is not None):
        return payment
    return None


def _in_flight_message(payment: Payment) -> str:
    if payment.payment_run_id is not None:
        return (f"This invoice is in payment run {payment.payment_run_id}, already sent to the bank. "
                "Record the run as paid once the bank has paid it.")
    return (f"A payment for this invoice ({payment.method_label.lower()}) is still in progress. Wait for its result; "
            "trying the same way again will not take the money twice.")


def pay(actor, invoice: Invoice, method: str, **details) -> Payment:
    """Pay an approved invoice by ``method`` (bacs, standing_order, card, stripe_transfer).

    A retry of a payment whose outcome is unknown reuses its idempotency key, so the
    gateway cannot take the money twice; a definite failure leaves the invoice payable by
    any route, the manual one included. Raises DomainError with what to do next.
    """
    if not can(actor, "invoice.pay", invoice):
        raise NotAllowed("You cannot pay this invoice.")
    _lock_invoice(invoice)
    db.session.refresh(invoice)
    if invoice.status == "paid" or invoice.succeeded_payment is not None:
        return invoice.succeeded_payment
    if invoice.status != "approved":
        raise DomainError("Only an approved invoice can be paid.")
    payment = open_payment(invoice)
    if payment is not None and payment.method != method and in_flight(invoice) is not None:
        raise DomainError(_in_flight_message(payment))  # another route now could pay the provider twice
    if payment is None or payment.method != method:
        if payment is not None:  # switching route before anything was sent: close the old attempt
            payment.status = "failed"
            payment.failure_message = f"Paid by {method.replace('_', ' ')} instead."
        payment = Payment(invoice=invoice, method=method, amount_pence=invoice.payable_pence,
                          idempotency_key=f"invoice-{invoice.id}-{secrets.token_hex(8)}", created_by_id=actor.id)
        db.session.add(payment)
    payment.method = method
    db.session.flush()
    db.session.commit()  # the attempt and its key are saved before anything leaves this server
    result = get_gateway(method).pay(payment, **details)
    _lock_invoice(invoice)
    db.session.refresh(payment)
    if payment.status == "succeeded":  # a webhook got here first
        db.session.commit()
        return payment
    if result.succeeded:
        _settle(actor, payment, method, gateway_ref=result.gateway_ref, reference=details.get("reference"),
                paid_on=details.get("paid_on") or clock.today())
        db.session.commit()
        return payment
    payment.gateway_ref = result.gateway_ref or payment.gateway_ref
    if result.status == "failed":
        payment.status = "failed"
        payment.failure_message = result.message
        events.record("payment.failed", actor=actor, holder=invoice.holder, obj=invoice, method=method, message=result.message)
        db.session.commit()
        raise DomainError(f"{result.message} The invoice is still waiting to be paid: try another card, or pay by bank transfer and record it here.")
    events.record("payment.pending", actor=actor, holder=invoice.holder, obj=invoice, method=method, message=result.message)
    db.session.commit()
    raise DomainError(f"{result.message} Nothing more will be taken if you try again: the same payment is retried.")


def _settle(actor, payment: Payment, method: str, *, gateway_ref: str | None, reference: str | None, paid_on: date | None) -> None:
    """The money has moved: mark the payment and invoice paid and turn the commitment into spend."""
    invoice = payment.invoice
    payment.status = "succeeded"
    payment.method = method
    payment.gateway_ref = gateway_ref or payment.gateway_ref
    payment.reference = (reference or "").strip() or payment.reference
    payment.paid_on = paid_on or clock.today()
    payment.settled_at = clock.now()
    by_outcome: dict[str | None, int] = {}
    for line in invoice.lines:
        by_outcome[line.outcome_key] = by_outcome.get(line.outcome_key, 0) + line.amount_pence
    remaining_credit = invoice.credited_pence
    for outcome_key, amount in by_outcome.items():
        take = min(remaining_credit, amount)
        remaining_credit -= take
        if amount - take > 0:
            ledger.pay(invoice.budget, amount - take, outcome_key=outcome_key, cause=invoice, actor=actor,
                       memo=f"Paid {invoice.reference} to {invoice.organisation.name}")
    _move(actor, invoice, "paid")
    invoice.paid_at = clock.now()
    for line in invoice.lines:
        occurrence = db.session.get(Occurrence, line.occurrence_id)
        occurrence.status = "paid"
    order = invoice.order
    if order.status == "invoiced" and all(o.status in ("paid", "cancelled") for l in order.lines for o in l.occurrences):
        order.status = "paid"
        events.record("order.paid", actor=actor, holder=order.holder, obj=order)
    events.record("payment.succeeded", actor=actor, holder=invoice.holder, obj=invoice, method=method,
                  amount_pence=payment.amount_pence, gateway_ref=payment.gateway_ref)
    from ..orders.service import _provider_people

    notify_all(_provider_people(order), f"Paid: {invoice.reference}",
               f"{format_pence(payment.amount_pence)} by {payment.method_label.lower()}. See the remittance advice.",
               f"/payments/{payment.id}/remittance")


def settle_from_gateway(payment: Payment, gateway_ref: str | None) -> bool:
    """A webhook says the money moved. Returns False when there is nothing to do (already settled)."""
    invoice = payment.invoice
    _lock_invoice(invoice)
    db.session.refresh(payment)
    if payment.status == "succeeded" or invoice.succeeded_payment is not None or invoice.status != "approved":
        return False
    _settle(None, payment, payment.method, gateway_ref=gateway_ref, reference=None, paid_on=clock.today())
    return True


# --- payment runs ---------------------------------------------------------------------------

def start_payment_run(actor, council, payer_kind: str = "council") -> PaymentRun:
    """Gather the pending bank payments the council makes into one run for a bank upload."""
    if not can(actor, "council.finance", council):
        raise NotAllowed("Only finance staff can make payment runs.")
    if payer_kind not in ("council", "budget_manager"):  # holders and ISF providers pay their own invoices
        raise DomainError("A payment run is for invoices the council or a budget manager pays.")
    pending = db.session.scalars(db.select(Payment).join(Invoice).where(
        Invoice.council_id == council.id, Invoice.payer_kind == payer_kind, Invoice.status == "approved",
        Payment.status == "pending", Payment.method.in_(("bacs", "standing_order")), Payment.payment_run_id.is_(None))).all()
    if not pending:
        raise DomainError("There are no approved invoices waiting for a bank payment.")
    run = PaymentRun(council_id=council.id, payer_kind=payer_kind, created_by_id=actor.id,
                     total_pence=sum(p.amount_pence for p in pending))
    db.session.add(run)
    db.session.flush()
    for payment in pending:
        payment.payment_run_id = run.id
    events.record("payment_run.exported", actor=actor, council_id=council.id, obj=run, total_pence=run.total_pence, count=len(pending))
    db.session.commit()
    return run


def mark_run_paid(actor, run: PaymentRun, paid_on: date) -> int:
    """The bank has paid the run: settle each payment in it."""
    from ..councils.models import Council

    if not can(actor, "council.finance", db.session.get(Council, run.council_id)):
        raise NotAllowed("Only finance staff can record payment runs.")
    if run.status == "paid":
        return 0
    count = 0
    for payment in run.payments:
        if payment.status == "pending":
            _lock_invoice(payment.invoice)
            _settle(actor, payment, payment.method, gateway_ref=None, reference=f"RUN {run.id}", paid_on=paid_on)
            count += 1
    run.status = "paid"
    db.session.commit()
    return count


# --- credit notes and disputes ----------------------------------------------------------------

def issue_credit_note(actor, invoice: Invoice, amount_pence: int, reason: str) -> CreditNote:
    """A provider's correction. Before payment it reduces what is owed and releases the promised money;
    after payment it gives spent money back to the budget."""
    if not can(actor, "invoice.credit", invoice):
        raise NotAllowed("Only the provider can issue a credit note.")
    if not (reason or "").strip():
        raise DomainError("Give a reason for the credit note.")
    if amount_pence <= 0 or amount_pence > invoice.payable_pence:
        raise DomainError(f"The credit must be between 1p and {format_pence(invoice.payable_pence)}.")
    if invoice.status == "credited":
        raise InvalidTransition("invoice", invoice.status, "credited")
    if invoice.status != "paid" and in_flight(invoice) is not None:  # the full amount may be leaving now
        raise DomainError(_in_flight_message(in_flight(invoice)) + " Then issue the credit note.")
    _lock_invoice(invoice)
    note = CreditNote(invoice=invoice, amount_pence=amount_pence, reason=reason.strip(), created_by_id=actor.id)
    db.session.add(note)
    outcome_key = invoice.lines[0].outcome_key if invoice.lines else None
    if invoice.status == "paid":
        ledger.credit(invoice.budget, amount_pence, outcome_key=outcome_key, cause=invoice, actor=actor,
                      memo=f"Credit note on {invoice.reference}: {reason.strip()[:100]}")
    else:
        ledger.release(invoice.budget, amount_pence, outcome_key=outcome_key, cause=invoice, actor=actor,
                       memo=f"Credit note on {invoice.reference}: {reason.strip()[:100]}")
        payment = open_payment(invoice)
        if payment is not None and payment.gateway_ref is None:
            payment.amount_pence = invoice.payable_pence - amount_pence
    invoice.credited_pence += amount_pence
    events.record("invoice.credit_note", actor=actor, holder=invoice.holder, obj=invoice, amount_pence=amount_pence)
    if invoice.payable_pence == 0 and invoice.status != "paid":
        _move(actor, invoice, "credited", reason)
        payment = open_payment(invoice)
        if payment is not None:
            payment.status = "failed"
            payment.failure_message = "Not needed: the invoice was credited in full."
    db.session.commit()
    notify_all(payers(invoice), f"Credit note on {invoice.reference}",
               f"{invoice.organisation.name} credited {format_pence(amount_pence)}: {reason.strip()}", f"/invoices/{invoice.id}")
    db.session.commit()
    return note


def dispute(actor, invoice: Invoice, reason: str) -> InvoiceDispute:
    if not can(actor, "invoice.approve", invoice):
        raise NotAllowed("You cannot dispute this invoice.")
    if not (reason or "").strip():
        raise DomainError("Say what is wrong with the invoice.")
    if invoice.status not in ("issued", "approved"):
        raise InvalidTransition("invoice", invoice.status, "disputed")
    if in_flight(invoice) is not None:
        raise DomainError("A payment for this invoice is already in progress.")
    record = InvoiceDispute(invoice=invoice, raised_by_id=actor.id, reason=reason.strip(), status_before=invoice.status)
    db.session.add(record)
    _move(actor, invoice, "disputed", reason.strip())
    db.session.commit()
    from ..orders.service import _provider_people

    notify_all(_provider_people(invoice.order), f"Invoice {invoice.reference} disputed", reason.strip(), f"/invoices/{invoice.id}")
    db.session.commit()
    return record


def answer_dispute(actor, record: InvoiceDispute, answer: str) -> InvoiceDispute:
    if not can(actor, "invoice.credit", record.invoice):
        raise NotAllowed("Only the provider can answer.")
    if not (answer or "").strip():
        raise DomainError("Write your answer.")
    record.provider_answer = answer.strip()
    events.record("invoice.dispute_answered", actor=actor, holder=record.invoice.holder, obj=record.invoice)
    db.session.commit()
    notify_all(payers(record.invoice), f"{record.invoice.organisation.name} answered your dispute", answer.strip(),
               f"/invoices/{record.invoice_id}")
    db.session.commit()
    return record


def resolve_dispute(actor, record: InvoiceDispute, upheld: bool, note: str | None = None,
                    credit_pence: int | None = None) -> InvoiceDispute:
    """Upheld: the provider credits (all, or ``credit_pence``) and the rest stays payable.
    Rejected: the invoice goes back to where it was. The payer or the provider may record
    an agreed resolution; the council's finance staff may decide one."""
    invoice = record.invoice
    if not (can(actor, "invoice.approve", invoice) or can(actor, "invoice.credit", invoice)):
        raise NotAllowed("You cannot resolve this dispute.")
    if record.resolution is not None:
        raise DomainError("This dispute is already resolved.")
    if upheld:  # check the credit before anything changes: a refused credit leaves the dispute open
        amount = credit_pence if credit_pence else invoice.payable_pence
        if amount <= 0 or amount > invoice.payable_pence:
            raise DomainError(f"The credit must be between 1p and {format_pence(invoice.payable_pence)}.")
        issuer = actor if can(actor, "invoice.credit", invoice) else _provider_actor(invoice)
    record.resolution = "upheld" if upheld else "rejected"
    record.resolution_note = (note or "").strip() or None
    record.resolved_at = clock.now()
    _move(actor, invoice, record.status_before, f"Dispute {record.resolution}")
    if upheld:  # the outcome and its credit note are committed together
        issue_credit_note(issuer, invoice, amount, f"Dispute upheld: {record.reason}")
    else:
        db.session.commit()
    return record


def _provider_actor(invoice: Invoice):
    from ..orders.service import _provider_people

    people = _provider_people(invoice.order)
    if not people:
        raise DomainError("The provider has nobody who can issue a credit note.")
    return people[0]


# --- refunds ------------------------------------------------------------------------------

def refund_card_payment(actor, payment: Payment, amount_pence: int, reason: str) -> Payment:
    """Give a card payment back (all or part) through Stripe, and the money back to the budget."""
    from .gateways.stripe import stripe_api

    invoice = payment.invoice
    if not can(actor, "invoice.credit", invoice):
        raise NotAllowed("Only the provider can refund.")
    if payment.method != "card" or payment.status != "succeeded" or not payment.gateway_ref:
        raise DomainError("Only a card payment that went through can be refunded this way.")
    if amount_pence <= 0 or amount_pence > payment.amount_pence - payment.refunded_pence:
        raise DomainError("The refund must not be more than was paid.")
    if amount_pence > invoice.payable_pence:  # the credit note below could not be issued: ask Stripe for nothing
        raise DomainError(f"The refund must not be more than is left on the invoice after credit notes "
                          f"({format_pence(invoice.payable_pence)}).")
    key = f"refund-{payment.id}-{payment.refunded_pence + amount_pence}"
    try:
        stripe_api.create_refund(payment_intent=payment.gateway_ref, amount_pence=amount_pence, idempotency_key=key)
    except stripe_api.StripeFailure as failure:
        raise DomainError(failure.message) from None
    payment.refunded_pence += amount_pence
    issue_credit_note(actor, invoice, amount_pence, f"Refund: {reason}")
    return payment


# --- the provider's view ----------------------------------------------------------------------

def ageing(organisation_ids: set[int], on: date | None = None) -> dict:
    """Unpaid invoices by how overdue they are, and totals issued and paid."""
    on = on or clock.today()
    invoices = db.session.scalars(db.select(Invoice).where(Invoice.organisation_id.in_(organisation_ids or {-1}))
                                  .order_by(Invoice.issued_on.desc(), Invoice.number.desc())).all()
    buckets = {"not_due": 0, "0-30": 0, "31-60": 0, "60+": 0}
    for invoice in invoices:
        if invoice.status in ("paid", "credited"):
            continue
        days = (on - invoice.due_on).days
        key = "not_due" if days < 0 else "0-30" if days <= 30 else "31-60" if days <= 60 else "60+"
        buckets[key] += invoice.payable_pence
    return {"invoices": invoices, "buckets": buckets,
            "issued": sum(i.total_pence for i in invoices),
            "paid": sum(i.payable_pence for i in invoices if i.status == "paid")}
