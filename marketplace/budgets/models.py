"""A holder's budget for one plan period, how it is deployed, and its append-only ledger."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime

DEPLOYMENT_OPTIONS = {
    "direct_payment": "Direct payment",
    "managed_account": "Managed account",
    "council_managed": "Council-managed",
    "individual_service_fund": "Individual service fund",
    "mixed": "Mixed",
}
FUNDING_SCHEDULES = {"four_weekly": "Every four weeks", "monthly": "Every month", "one_off": "One payment"}


class BudgetPeriod(db.Model):
    """The budget for one plan period. Its row is the lock every money movement takes."""

    __tablename__ = "budget_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    indicative_budget_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approved_annual_budget_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    contribution_pence: Mapped[int] = mapped_column(Integer, default=0)  # the holder's assessed yearly share
    deployment_option: Mapped[str] = mapped_column(String(30), default="direct_payment")
    budget_manager_name: Mapped[str | None] = mapped_column(String(200), nullable=True)  # managed account
    isf_provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    mixed_split: Mapped[dict] = mapped_column(JSON, default=dict)  # {"direct_payment": 60, "managed_account": 40}
    funding_schedule: Mapped[str] = mapped_column(String(20), default="four_weekly")
    # Bumped by every money movement: the UPDATE is the row lock (see ledger.lock_budget).
    lock_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    holder = relationship("Holder")
    council = relationship("Council")
    isf_provider = relationship("Organisation")
    deployment_changes: Mapped[list["DeploymentChange"]] = relationship(back_populates="budget", order_by="DeploymentChange.id")

    @property
    def deployment_label(self) -> str:
        label = DEPLOYMENT_OPTIONS.get(self.deployment_option, self.deployment_option)
        if self.deployment_option == "managed_account" and self.budget_manager_name:
            return f"{label} with {self.budget_manager_name}"
        if self.deployment_option == "individual_service_fund" and self.isf_provider is not None:
            return f"{label} with {self.isf_provider.name}"
        if self.deployment_option == "mixed" and self.mixed_split:
            parts = ", ".join(f"{DEPLOYMENT_OPTIONS.get(k, k).lower()} {v}%" for k, v in self.mixed_split.items())
            return f"{label}: {parts}"
        return label


class DeploymentChange(db.Model):
    """A switch of deployment option from a date, without reassessment; the balance carries over."""

    __tablename__ = "deployment_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget_periods.id"), index=True)
    from_option: Mapped[str] = mapped_column(String(30))
    to_option: Mapped[str] = mapped_column(String(30))
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    budget: Mapped[BudgetPeriod] = relationship(back_populates="deployment_changes")
    recorded_by = relationship("User")


# Ledger entry kinds and how each moves money between three buckets. Amounts are
# always positive except "adjustment", which may be either sign.
ENTRY_KINDS = {
    "funding": "Money received from the council",
    "contribution": "Your own contribution",
    "commitment": "Promised to a provider",
    "release": "No longer promised",
    "payment": "Paid to a provider",
    "credit": "Credit from a provider",
    "clawback": "Returned to the council",
    "adjustment": "Correction",
    "external_spend": "Spent outside the marketplace",
}
# kind -> (change to available, change to committed, change to spent), per unit of amount
ENTRY_EFFECTS = {
    "funding": (1, 0, 0),
    "contribution": (1, 0, 0),
    "commitment": (-1, 1, 0),
    "release": (1, -1, 0),
    "payment": (0, -1, 1),
    "credit": (1, 0, -1),
    "clawback": (-1, 0, 0),
    "adjustment": (1, 0, 0),
    "external_spend": (-1, 0, 1),
}


class LedgerEntry(db.Model):
    """One movement of a holder's money. Rows are added, never edited or deleted.

    ``pot`` is the plan outcome the money is earmarked to (None: the whole budget, for
    councils where plan money is one global sum, or money not yet allocated).
    ``outcome_key`` says which outcome a spend served, for reports, whatever the pot.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount_pence >= 0 OR kind = 'adjustment'", name="amount_sign"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget_periods.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_pence: Mapped[int] = mapped_column(Integer)
    pot: Mapped[str | None] = mapped_column(String(40), nullable=True)
    outcome_key: Mapped[str | None] = mapped_column(String(40), nullable=True)
    effective_on: Mapped[date] = mapped_column(Date)
    cause_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    cause_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    memo: Mapped[str | None] = mapped_column(String(300), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(120), nullable=True, unique=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    actor = relationship("User")

    @property
    def label(self) -> str:
        return ENTRY_KINDS.get(self.kind, self.kind)
