"""Underspend warnings sent ahead of a council's rule, and clawback proposals a finance officer decides."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..money import format_pence
from ..states import Stateful, StateMachine
from ..types import UTCDateTime

CLAWBACK_STATUSES = {
    "proposed": "Waiting for a decision",
    "approved": "Approved",
    "changed": "Approved with a changed amount",
    "rejected": "Not taken back",
}
# Nothing moves money until a finance officer decides: every decision is final.
CLAWBACK = StateMachine("clawback", {
    "proposed": {"approved", "changed", "rejected"},
    "approved": set(),
    "changed": set(),
    "rejected": set(),
}, initial=("proposed",), model="clawback_proposals", labels=CLAWBACK_STATUSES,
    tones={"proposed": "yellow", "approved": "green", "changed": "green", "rejected": "grey"})

PROPOSAL_KINDS = {
    "clawback": "Take money back from the account",
    "hold_back": "Hold back part of the next payment",
}
DECIDED = ("approved", "changed")


class UnderspendWarning(db.Model):
    """A warning that a rule will bite, sent once per crossing: it stays open (``cleared_on`` None) while
    the forecast still crosses the threshold, and is cleared when it no longer does, so a later crossing
    warns again."""

    __tablename__ = "underspend_warnings"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget_periods.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"))
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    rule_kind: Mapped[str] = mapped_column(String(60))
    warned_on: Mapped[date] = mapped_column(Date)
    bites_on: Mapped[date] = mapped_column(Date)
    threshold_pence: Mapped[int] = mapped_column(Integer)
    forecast_excess_pence: Mapped[int] = mapped_column(Integer)
    cleared_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ClawbackProposal(Stateful, db.Model):
    """A proposal to take unspent money back (or to hold back part of the next payment), with the figures
    and the rule as they were when it was made. Only a finance officer's decision moves money."""

    __tablename__ = "clawback_proposals"
    __table_args__ = (UniqueConstraint("budget_id", "period_key", name="uq_clawback_proposals_budget_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget_periods.id"))
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    rule_kind: Mapped[str] = mapped_column(String(60))
    rule_text: Mapped[str] = mapped_column(Text)
    period_key: Mapped[str] = mapped_column(String(40))  # one proposal per budget per period of the rule
    as_of: Mapped[date] = mapped_column(Date)
    held_pence: Mapped[int] = mapped_column(Integer)
    expected_pence: Mapped[int] = mapped_column(Integer)
    threshold_pence: Mapped[int] = mapped_column(Integer)
    excess_pence: Mapped[int] = mapped_column(Integer)
    proposed_pence: Mapped[int] = mapped_column(Integer)
    amount_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)  # what was decided
    payment_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # the payment a hold-back reduces
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    budget = relationship("BudgetPeriod")
    holder = relationship("Holder")
    council = relationship("Council")
    decided_by = relationship("User")
    ledger_entry = relationship("LedgerEntry")

    @property
    def kind_label(self) -> str:
        return PROPOSAL_KINDS.get(self.kind, self.kind)

    @property
    def most_pence(self) -> int:
        """The most a finance officer may decide: the money held above the rule (and, to hold back, the next payment)."""
        return self.proposed_pence if self.kind == "hold_back" else self.excess_pence

    @property
    def is_open(self) -> bool:
        return self.status == "proposed"

    @property
    def summary(self) -> str:
        what = "take back" if self.kind == "clawback" else "hold back from the next payment"
        return f"Proposed to {what} {format_pence(self.proposed_pence)} of {format_pence(self.excess_pence)} over the rule."
