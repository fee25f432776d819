"""Purchases a direct-payment holder made outside the marketplace, and their receipts."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime

RECEIPT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}


class OutsidePurchase(db.Model):
    """Something bought outside the marketplace with the budget (a gym pass paid at the desk, a
    bus pass). It posts one ``external_spend`` ledger entry (cause: this row), never edited.

    ``outcome_key`` is the plan outcome it helps with; None means the person said it matches none
    of them: allowed, and flagged for their coordinator (``outside_plan``). ``category`` is what kind
    of thing it was, in the catalogue's categories, if the person said: commissioners' reports count
    it with marketplace spending of the same kind.
    ``receipt_needed`` is the council's rule when it was recorded, kept so a later change of
    threshold does not rewrite what was asked of the person."""

    __tablename__ = "outside_purchases"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget_periods.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    bought_on: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[int] = mapped_column(Integer)
    outcome_key: Mapped[str | None] = mapped_column(String(40), nullable=True)
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)  # what kind of thing, for reports (optional)
    receipt_needed: Mapped[bool] = mapped_column(Boolean)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    holder = relationship("Holder")
    budget = relationship("BudgetPeriod")
    recorded_by = relationship("User")
    receipt: Mapped["Receipt | None"] = relationship(back_populates="purchase", uselist=False)

    @property
    def outside_plan(self) -> bool:
        return self.outcome_key is None

    @property
    def receipt_missing(self) -> bool:
        return self.receipt_needed and self.receipt is None


class Receipt(db.Model):
    """A checked receipt: an image drawn afresh without its metadata, or a PDF that parses and holds
    no script, launch action or embedded file. Kept in the database (every web node has it) under
    a random name; served only as a download to those the policy allows."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("outside_purchases.id"), unique=True)
    content_type: Mapped[str] = mapped_column(String(30))
    stored_name: Mapped[str] = mapped_column(String(40), unique=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    purchase: Mapped[OutsidePurchase] = relationship(back_populates="receipt")
