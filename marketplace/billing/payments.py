"""Approving and paying invoices: approval creates the payment to make; paying goes through a
gateway (bank transfer recorded by hand, or Stripe) with one idempotency key per attempt, so a
retry never takes the money twice; settling turns the order's promised money into spend.
Payment runs gather a council's bank payments into one file. Every status change goes through
``INVOICE``, ``PAYMENT`` and ``PAYMENT_RUN`` (models.py).
"""
from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..budgets import ledger
from ..errors import DomainError, InvalidTransition, NotAllowed
from ..extensions import db
from ..money import format_pence
from ..notifications.service import notify_all
from ..orders.lifecycle import advance
from ..orders.models import OCCURRENCE
from ..policy import can, who_may
from ..providers.models import BankDetails
from .gateways import get_gateway
from .gateways.stripe import stripe_api
from .models import INVOICE, PAYMENT, PAYMENT_METHODS, PAYMENT_RUN, Invoice, Payment, PaymentRun

DEFAULT_METHOD = {"holder": "bacs", "budget_manager": "bacs", "council": "bacs", "isf_provider": "bacs"}


def lock_invoice(invoice: Invoice) -> None:
    """Serialise everything that pays or changes this invoice (an UPDATE: a row lock until commit)."""
    db.session.execute(update(Invoice).where(Invoice.id == invoice.id).values(lock_version=Invoice.lock_version + 1)
                       .execution_options(synchronize_session=False))


def _new_payment(actor, invoice: Invoice, method: str) -> Payment:
    payment = Payment(invoice=invoice, method=method, amount_pence=invoice.payable_pence,
                      idempotency_key=f"invoice-{invoice.id}-{secrets.token_hex(8)}", created_by_id=getattr(actor, "id", None))
    db.session.add(payment)
    PAYMENT.start(payment, "pending", actor=actor, method=method)
    return payment


def _approve(actor, invoice: Invoice) -> Payment:
    INVOICE.move(invoice, "approved", actor=actor, reference=invoice.reference)
    invoice.approved_by_id = getattr(actor, "id", None)
    invoice.approved_at = clock.now()
    holds_it = _holds_the_fund(invoice)
    payment = _new_payment(actor, invoice, "isf_internal" if holds_it else DEFAULT_METHOD[invoice.payer_kind])
    if holds_it:  # the provider already holds the money: paying itself is a transfer inside the fund
        settle(actor, payment, "isf_internal", gateway_ref=None, reference=f"ISF {invoice.reference}", paid_on=clock.today())
    return payment


def _holds_the_fund(invoice: Invoice) -> bool:
    """Whether the invoicing provider is the one holding the person's service fund. Another provider's
    invoice on that fund is approved and paid by the fund's holder, like any other payer."""
    return invoice.payer_kind == "isf_provider" and invoice.budget.isf_provider_id == invoice.organisation_id


def approve_automatically(invoice: Invoice) -> None:
    """An invoice that matches confirmed delivery exactly (ours always do, line by line) is approved
    automatically where the council's rules say so, and always for an individual service fund."""
    if _holds_the_fund(invoice) or invoice.council.auto_approve_invoices:
        invoice.auto_approved = True
        _approve(None, invoice)


def approve(actor, invoice: Invoice) -> Payment:
    """The person holding the money approves; approval creates the payment to be made.
    A disputed invoice goes back through its dispute's resolution, never around it."""
    if not can(actor, "invoice.approve", invoice):
        raise NotAllowed("You cannot approve this invoice.")
    if invoice.status != "issued":
        raise InvalidTransition("invoice", invoice.status, "approved")
    payment = _approve(actor, invoice)
    db.session.commit()
    return payment


def open_payment(invoice: Invoice) -> Payment | None:
    return next((p for p in invoice.payments if p.status == "pending"), None)


def in_flight(invoice: Invoice) -> Payment | None:
    """The open payment if it has left this server (sent to Stripe, or in a bank file of a payment
    run) and its outcome is not known yet. Until it is, the invoice's amount and route stay as they are."""
    payment = open_payment(invoice)
    if payment is not None and (payment.gateway_ref is not None or payment.payment_run_id is not None):
        return payment
    return None


def in_flight_message(payment: Payment) -> str:
    if payment.payment_run_id is not None:
        return (f"This invoice is in payment run {payment.payment_run_id}, already sent to the bank. "
                "Record the run as paid once the bank has paid it.")
    return (f"A payment for this invoice ({payment.method_phrase}) is still in progress. Wait for its result; "
            "trying the same way again will not take the money twice.")


def pay(actor, invoice: Invoice, method: str, **details) -> Payment:
    """Pay an approved invoice by ``method`` (bacs, standing_order, card, stripe_transfer).

    A retry of a payment whose outcome is unknown reuses its idempotency key, so the
    gateway cannot take the money twice; a definite failure leaves the invoice payable by
    any route, the manual one included. Raises DomainError with what to do next.
    """
    if not can(actor, "invoice.pay", invoice):
        raise NotAllowed("You cannot pay this invoice.")
    lock_invoice(invoice)
    db.session.refresh(invoice)
    if invoice.succeeded_payment is not None:
        return invoice.succeeded_payment
    if not INVOICE.can_move(invoice, "paid"):
        raise DomainError("Only an approved invoice can be paid.")
    payment = open_payment(invoice)
    if payment is not None and payment.method != method and in_flight(invoice) is not None:
        raise DomainError(in_flight_message(payment))  # another route now could pay the provider twice
    if payment is None or payment.method != method:
        if payment is not None:  # switching route before anything was sent: close the old attempt
            label = PAYMENT_METHODS.get(method, "another way")
            payment.failure_message = f"Paid by {label[:1].lower()}{label[1:]} instead."
            PAYMENT.move(payment, "cancelled", actor=actor, reason=payment.failure_message)
        payment = _new_payment(actor, invoice, method)
    db.session.commit()  # the attempt and its key are saved before anything leaves this server
    result = get_gateway(method).pay(payment, **details)
    lock_invoice(invoice)
    db.session.refresh(payment)
    if payment.status == "succeeded":  # a webhook got here first
        db.session.commit()
        return payment
    if result.succeeded:
        settle(actor, payment, method, gateway_ref=result.gateway_ref, reference=details.get("reference"),
               paid_on=details.get("paid_on") or clock.today())
        db.session.commit()
        return payment
    payment.gateway_ref = result.gateway_ref or payment.gateway_ref
    if result.status == "failed":
        payment.failure_message = result.message
        PAYMENT.move(payment, "failed", actor=actor, reason=result.message)
        db.session.commit()
        raise DomainError(f"{result.message} The invoice is still waiting to be paid: try another card, or pay by bank transfer and record it here.")
    db.session.commit()
    raise DomainError(f"{result.message} Nothing more will be taken if you try again: the same payment is retried.")


def settle(actor, payment: Payment, method: str, *, gateway_ref: str | None, reference: str | None, paid_on: date | None) -> None:
    """The money has moved: mark the payment and invoice paid and turn the commitment into spend."""
    invoice = payment.invoice
    payment.method = method
    payment.gateway_ref = gateway_ref or payment.gateway_ref
    payment.reference = (reference or "").strip() or payment.reference
    payment.paid_on = paid_on or clock.today()
    payment.settled_at = clock.now()
    PAYMENT.move(payment, "succeeded", actor=actor, method=method, amount_pence=payment.amount_pence,
                 gateway_ref=payment.gateway_ref)
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
    INVOICE.move(invoice, "paid", actor=actor, reference=invoice.reference)
    invoice.paid_at = clock.now()
    for line in invoice.lines:
        OCCURRENCE.move(line.occurrence, "paid", actor=actor)
    advance(actor, invoice.order)
    notify_all(who_may("invoice.credit", invoice), f"Paid: {invoice.reference}",
               f"{format_pence(payment.amount_pence)} by {payment.method_phrase}. See the remittance advice.",
               f"/payments/{payment.id}/remittance")


def settle_from_gateway(payment: Payment, gateway_ref: str | None) -> bool:
    """A webhook says the money moved. Returns False when there is nothing to do (already settled)."""
    invoice = payment.invoice
    lock_invoice(invoice)
    db.session.refresh(payment)
    if (not PAYMENT.can_move(payment, "succeeded") or invoice.succeeded_payment is not None
            or not INVOICE.can_move(invoice, "paid")):
        return False
    settle(None, payment, payment.method, gateway_ref=gateway_ref, reference=None, paid_on=clock.today())
    return True


def fail_from_gateway(payment: Payment, message: str | None, gateway_ref: str | None) -> bool:
    """A webhook says the payment failed. A late "failed" never undoes a payment that succeeded or
    was closed; returns False when there was nothing to do."""
    if not PAYMENT.can_move(payment, "failed"):
        return False
    payment.failure_message = message or "The card payment did not go through."
    payment.gateway_ref = payment.gateway_ref or gateway_ref
    PAYMENT.move(payment, "failed", reason=payment.failure_message, method=payment.method)
    return True


# --- payment runs ---------------------------------------------------------------------------

def start_payment_run(actor, council, payer_kind: str = "council") -> PaymentRun:
    """Gather the pending bank payments the council makes into one run for a bank upload."""
    if not can(actor, "council.finance", council):
        raise NotAllowed("Only finance staff can make payment runs.")
    if payer_kind not in ("council", "budget_manager"):  # holders and ISF providers pay their own invoices
        raise DomainError("A payment run is for invoices the council or a budget manager pays.")
    pending = db.session.scalars(_bank_payments(council, (payer_kind,)).where(has_bank_details)).all()
    if not pending:
        if db.session.scalar(db.select(db.func.count()).select_from(
                _bank_payments(council, (payer_kind,)).where(~has_bank_details).subquery())):
            raise DomainError("None of the approved invoices can go in a payment run yet: their providers have not "
                              "added bank details. They are listed under \"Cannot be paid yet\".")
        raise DomainError("There are no approved invoices waiting for a bank payment.")
    run = PaymentRun(council_id=council.id, payer_kind=payer_kind, created_by_id=actor.id,
                     total_pence=sum(p.amount_pence for p in pending))
    db.session.add(run)
    PAYMENT_RUN.start(run, "exported", actor=actor, total_pence=run.total_pence, count=len(pending))
    for payment in pending:
        payment.payment_run_id = run.id
    db.session.commit()
    return run


has_bank_details = Invoice.organisation_id.in_(db.select(BankDetails.organisation_id))


def _bank_payments(council, payer_kinds):
    """Payments the council's finance team (or a budget manager) makes by bank and has not put in a run yet."""
    return db.select(Payment).join(Invoice).where(
        Invoice.council_id == council.id, Invoice.payer_kind.in_(payer_kinds), Invoice.status == "approved",
        Payment.status == "pending", Payment.method.in_(("bacs", "standing_order")), Payment.payment_run_id.is_(None))


def without_bank_details(council) -> list[Invoice]:
    """Approved invoices a payment run would pay but cannot, because their provider has no bank details yet."""
    return db.session.scalars(db.select(Invoice).where(Invoice.id.in_(
        _bank_payments(council, ("council", "budget_manager")).where(~has_bank_details)
        .with_only_columns(Payment.invoice_id))).options(joinedload(Invoice.organisation))
        .order_by(Invoice.due_on, Invoice.id)).all()


def mark_run_paid(actor, run: PaymentRun, paid_on: date) -> int:
    """The bank has paid the run: settle each payment in it. Recording it twice settles nothing more."""
    if not can(actor, "council.finance", run.council):
        raise NotAllowed("Only finance staff can record payment runs.")
    if not PAYMENT_RUN.can_move(run, "paid"):
        return 0
    count = 0
    for payment in run.payments:
        if payment.status == "pending":
            lock_invoice(payment.invoice)
            settle(actor, payment, payment.method, gateway_ref=None, reference=f"RUN {run.id}", paid_on=paid_on)
            count += 1
    PAYMENT_RUN.move(run, "paid", actor=actor, count=count)
    db.session.commit()
    return count


def waiting_for_council(council) -> list[Invoice]:
    """Invoices the council's finance team (or a budget manager) has to approve or pay, each with its provider
    (the payments page names it): one query however many are waiting."""
    return db.session.scalars(db.select(Invoice).where(
        Invoice.council_id == council.id, Invoice.status.in_(("issued", "approved")),
        Invoice.payer_kind.in_(("council", "budget_manager"))).options(joinedload(Invoice.organisation))
        .order_by(Invoice.due_on)).all()


def payment_runs(council, limit: int = 20) -> list[PaymentRun]:
    """The latest runs with their payments (the page counts them), in two queries."""
    return db.session.scalars(db.select(PaymentRun).filter_by(council_id=council.id).options(selectinload(PaymentRun.payments))
                              .order_by(PaymentRun.created_at.desc()).limit(limit)).all()


# --- Stripe Connect -------------------------------------------------------------------------

def connect_stripe(actor, organisation, *, refresh_url: str, return_url: str) -> str:
    """Give the organisation a Stripe connected account (once) and return the onboarding link.
    Raises NotAllowed, or DomainError when Stripe cannot be reached or refuses."""
    if not can(actor, "organisation.manage", organisation):
        raise NotAllowed("You cannot set up payments for this organisation.")
    try:
        if not organisation.stripe_account_id:
            account = stripe_api.create_connected_account(email=organisation.email or actor.email,
                                                          idempotency_key=f"connect-org-{organisation.id}")
            organisation.stripe_account_id = account.id
            db.session.commit()
        link = stripe_api.create_account_link(account=organisation.stripe_account_id, refresh_url=refresh_url,
                                              return_url=return_url)
    except stripe_api.StripeFailure as failure:
        raise DomainError(failure.message) from None
    return link.url
