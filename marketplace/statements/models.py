"""Issued monthly statements: the figures and lines as they were on the day of issue, never edited.

A statement covers the ledger entries of one budget that it is the first to see: those dated on
or before the end of its month and recorded up to its ``through_entry_id``, less those an earlier
statement of the same budget already covered. An entry dated in an issued month but recorded after
that statement was issued is therefore covered by the next statement, as a correction line.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime


class Statement(db.Model):
    """One budget's statement for one month (``month`` is the 1st, Europe/London)."""

    __tablename__ = "statements"
    __table_args__ = (UniqueConstraint("budget_id", "month", name="uq_statements_budget_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget_periods.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)
    through_entry_id: Mapped[int] = mapped_column(Integer)  # the last ledger entry id it could see
    # The balance is the money held: received, less spent and returned (promised money is still held).
    opening_pence: Mapped[int] = mapped_column(Integer)
    money_in_pence: Mapped[int] = mapped_column(Integer)
    money_out_pence: Mapped[int] = mapped_column(Integer)
    closing_pence: Mapped[int] = mapped_column(Integer)
    funding_pence: Mapped[int] = mapped_column(Integer)
    contribution_pence: Mapped[int] = mapped_column(Integer)
    paid_pence: Mapped[int] = mapped_column(Integer)
    external_spend_pence: Mapped[int] = mapped_column(Integer)
    credit_pence: Mapped[int] = mapped_column(Integer)
    clawback_pence: Mapped[int] = mapped_column(Integer)
    adjustment_pence: Mapped[int] = mapped_column(Integer)  # signed: corrections made by the council
    late_pence: Mapped[int] = mapped_column(Integer)  # signed: entries dated in earlier, issued months
    committed_pence: Mapped[int] = mapped_column(Integer)  # still promised to providers at the close
    underspend_sentence: Mapped[str | None] = mapped_column(Text, nullable=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    budget = relationship("BudgetPeriod")
    holder = relationship("Holder")
    council = relationship("Council")
    lines: Mapped[list["StatementLine"]] = relationship(back_populates="statement", order_by="StatementLine.position")
    pots: Mapped[list["StatementPot"]] = relationship(back_populates="statement", order_by="StatementPot.position")

    @property
    def available_pence(self) -> int:
        return self.closing_pence - self.committed_pence


class StatementLine(db.Model):
    """One line: money in or out of one kind, grouped by provider, category and outcome.

    ``amount_pence`` is the line's effect on the balance: positive in, negative out.
    ``dated_on`` is set only on correction lines (the date the late entry is for).
    """

    __tablename__ = "statement_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str | None] = mapped_column(String(200), nullable=True)
    category: Mapped[str | None] = mapped_column(String(120), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(300), nullable=True)
    dated_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    amount_pence: Mapped[int] = mapped_column(Integer)

    statement: Mapped[Statement] = relationship(back_populates="lines")


class StatementPot(db.Model):
    """Where the council earmarks money per outcome: each pot's own opening, in, out and closing."""

    __tablename__ = "statement_pots"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statements.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    pot: Mapped[str | None] = mapped_column(String(40), nullable=True)
    label: Mapped[str] = mapped_column(String(300))
    opening_pence: Mapped[int] = mapped_column(Integer)
    money_in_pence: Mapped[int] = mapped_column(Integer)
    money_out_pence: Mapped[int] = mapped_column(Integer)
    closing_pence: Mapped[int] = mapped_column(Integer)
    committed_pence: Mapped[int] = mapped_column(Integer)

    statement: Mapped[Statement] = relationship(back_populates="pots")
