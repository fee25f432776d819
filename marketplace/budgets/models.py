"""A holder's budget for one plan period. The ledger arrives with support plans."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
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


class BudgetPeriod(db.Model):
    __tablename__ = "budget_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    indicative_budget_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approved_annual_budget_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    contribution_pence: Mapped[int] = mapped_column(Integer, default=0)
    deployment_option: Mapped[str] = mapped_column(String(30), default="direct_payment")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    holder = relationship("Holder")
