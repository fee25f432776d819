"""Invoices raised from confirmed delivery, payments, credit notes, disputes and Stripe webhook events."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..states import Stateful, StateMachine
from ..types import UTCDateTime

INVOICE_STATUSES = {
    "issued": "Waiting for approval",
    "approved": "Approved: waiting for payment",
    "paid": "Paid",
    "disputed": "Disputed",
    "credited": "Cancelled by a credit note",
}
# A dispute pauses an invoice: nothing is paid or credited around it. Its resolution takes the
# invoice back where it was, and an upheld dispute's credit note then credits it.
INVOICE = StateMachine("invoice", {
    "issued": {"approved", "disputed", "credited"},
    "approved": {"paid", "disputed", "credited"},
    "disputed": {"issued", "approved"},
    "paid": {"credited"},
    "credited": set(),
}, initial=("issued",), model="invoices", labels=INVOICE_STATUSES,
    tones={"issued": "yellow", "approved": "blue", "paid": "green", "disputed": "red", "credited": "grey"})
PAYMENT_STATUSES = {"pending": "In progress", "succeeded": "Paid", "failed": "Did not go through",
                    "cancelled": "Not needed: paid another way or credited"}
# A payment reported failed can still succeed: the bank may take the money after all (a card check
# finished late), and the webhook that says so must be recorded, never refused.
PAYMENT = StateMachine("payment", {
    "pending": {"succeeded", "failed", "cancelled"},
    "succeeded": set(),
    "failed": {"succeeded"},
    "cancelled": set(),
}, initial=("pending",), model="payments", labels=PAYMENT_STATUSES,
    subject=lambda p: (p.invoice.holder, p.invoice.council_id))
PAYMENT_RUN = StateMachine("payment_run", {"exported": {"paid"}, "paid": set()}, initial=("exported",),
                           model="payment_runs", labels={"exported": "Sent to the bank", "paid": "Paid by the bank"},
                           subject=lambda r: (None, r.council_id))
DISPUTE_STATUSES = {"open": "Waiting for the provider", "answered": "The provider has answered",
                    "upheld": "Upheld: the invoice was credited", "rejected": "Rejected: the invoice stands"}
DISPUTE = StateMachine("dispute", {
    "open": {"answered", "upheld", "rejected"},
    "answered": {"upheld", "rejected"},
    "upheld": set(),
    "rejected": set(),
}, initial=("open",), model="invoice_disputes", labels=DISPUTE_STATUSES,
    subject=lambda d: (d.invoice.holder, d.invoice.council_id))
PAYER_KINDS = {
    "holder": "The budget holder (direct payment)",
    "budget_manager": "The budget manager (managed account)",
    "council": "The council (council-managed)",
    "isf_provider": "The provider's individual service fund",
}
PAYMENT_METHODS = {
    "bacs": "Bank transfer",
    "standing_order": "Standing order",
    "card": "Card",
    "stripe_transfer": "Transfer to the provider's Stripe account",
    "isf_internal": "From the individual service fund",
}


class InvoiceCounter(db.Model):
    """The last invoice number each provider used. Taking a number locks this row, so numbers never skip."""

    __tablename__ = "invoice_counters"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Invoice(Stateful, db.Model):
    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("organisation_id", "number", name="uq_invoices_org_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget_periods.id"), index=True)
    payer_kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)  # see INVOICE
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    total_pence: Mapped[int] = mapped_column(Integer)
    vat_pence: Mapped[int] = mapped_column(Integer, default=0)
    credited_pence: Mapped[int] = mapped_column(Integer, default=0)
    auto_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lock_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    organisation = relationship("Organisation")
    # ``backref`` gives each Order its ``invoices`` for the order page, without orders importing billing.
    order = relationship("Order", backref=backref("invoices", order_by="Invoice.id"))
    holder = relationship("Holder")
    council = relationship("Council")
    budget = relationship("BudgetPeriod")
    approved_by = relationship("User")
    lines: Mapped[list["InvoiceLine"]] = relationship(back_populates="invoice", order_by="InvoiceLine.id")
    payments: Mapped[list["Payment"]] = relationship(back_populates="invoice", order_by="Payment.id")
    credit_notes: Mapped[list["CreditNote"]] = relationship(back_populates="invoice", order_by="CreditNote.id")
    disputes: Mapped[list["InvoiceDispute"]] = relationship(back_populates="invoice", order_by="InvoiceDispute.id")

    @property
    def reference(self) -> str:
        """The number people see: the provider's id and its own gapless sequence."""
        return f"INV-{self.organisation_id:04d}-{self.number:05d}"

    @property
    def waiting_for_approval(self) -> bool:
        return self.status == "issued"

    def is_overdue(self, today: date) -> bool:
        """Waiting for approval or payment past its due date (a disputed invoice is not overdue)."""
        return self.status in ("issued", "approved") and self.due_on < today

    @property
    def last_failed_payment(self) -> "Payment | None":
        return next((p for p in reversed(self.payments) if p.status == "failed"), None)

    @property
    def is_settled(self) -> bool:
        """Paid, or credited in full: nothing more is owed."""
        return self.status in ("paid", "credited")

    @property
    def payable_pence(self) -> int:
        return self.total_pence - self.credited_pence

    @property
    def succeeded_payment(self) -> "Payment | None":
        return next((p for p in self.payments if p.status == "succeeded"), None)


class InvoiceLine(db.Model):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"), unique=True)  # never invoiced twice
    description: Mapped[str] = mapped_column(String(300))
    on: Mapped[date] = mapped_column(Date)
    quantity_centi: Mapped[int] = mapped_column(Integer)
    unit_price_pence: Mapped[int] = mapped_column(Integer)
    amount_pence: Mapped[int] = mapped_column(Integer)  # VAT inclusive, as the listing's price
    vat_rate_percent: Mapped[int] = mapped_column(Integer, default=0)
    vat_pence: Mapped[int] = mapped_column(Integer, default=0)
    outcome_key: Mapped[str | None] = mapped_column(String(40), nullable=True)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")
    occurrence = relationship("Occurrence")


class Payment(Stateful, db.Model):
    """One attempt to pay an invoice. At most one per invoice can succeed (a partial unique index)."""

    __tablename__ = "payments"
    __table_args__ = (
        Index("uq_payments_one_success_per_invoice", "invoice_id", unique=True,
              sqlite_where=text("status = 'succeeded'"), postgresql_where=text("status = 'succeeded'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)  # see PAYMENT
    amount_pence: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)  # BACS reference, etc.
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    gateway_ref: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)  # e.g. a PaymentIntent id
    failure_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    payment_run_id: Mapped[int | None] = mapped_column(ForeignKey("payment_runs.id"), nullable=True)
    refunded_pence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    invoice: Mapped[Invoice] = relationship(back_populates="payments")
    created_by = relationship("User")

    @property
    def method_label(self) -> str:
        return PAYMENT_METHODS.get(self.method, self.method)

    @property
    def method_phrase(self) -> str:
        """The method inside a sentence: "paid by bank transfer", "by transfer to the provider's Stripe account"."""
        label = self.method_label
        return label[:1].lower() + label[1:]


class PaymentRun(Stateful, db.Model):
    """A batch of manual payments exported as a CSV for a bank upload."""

    __tablename__ = "payment_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    payer_kind: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    total_pence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))  # see PAYMENT_RUN

    payments: Mapped[list[Payment]] = relationship(order_by="Payment.id")
    council = relationship("Council")


class CreditNote(db.Model):
    """A provider's correction against an invoice; it gives money back to the budget."""

    __tablename__ = "credit_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount_pence: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    invoice: Mapped[Invoice] = relationship(back_populates="credit_notes")
    created_by = relationship("User")


class InvoiceDispute(Stateful, db.Model):
    """The payer disputes an invoice; the provider answers; someone records the resolution."""

    __tablename__ = "invoice_disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    status_before: Mapped[str] = mapped_column(String(20))
    provider_answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), server_default="open")  # see DISPUTE
    resolution_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    invoice: Mapped[Invoice] = relationship(back_populates="disputes")
    raised_by = relationship("User")


class StripeEvent(db.Model):
    """Webhook events already handled, by Stripe's event id: a repeat delivery is ignored."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
