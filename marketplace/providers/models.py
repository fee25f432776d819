"""Providers: organisations (from large providers to self-employed personal assistants and
community groups) and each council's approval of them. The whole application needs these, so
they live below the catalogue: orders, billing and accounts use them without importing it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..states import Stateful, StateMachine
from ..types import UTCDateTime

ORGANISATION_KINDS = {
    "provider": "Provider organisation",
    "micro_provider": "Micro-provider (1 to 5 people)",
    "personal_assistant": "Self-employed personal assistant",
    "peer_broker": "Peer broker or user-led organisation",
    "community_group": "Community group",
    "council_service": "Council in-house service",
}
APPROVAL_STATUSES = {"pending": "Pending", "approved": "Approved", "suspended": "Suspended",
                     "rejected": "Rejected"}
# A council's decision on an organisation. A rejection can be reconsidered; a suspension lifted or made final.
APPROVAL = StateMachine("organisation", {
    "pending": {"approved", "rejected"},
    "approved": {"suspended"},
    "suspended": {"approved", "rejected"},
    "rejected": {"approved"},
}, initial=("pending",), model="organisation_approvals", labels=APPROVAL_STATUSES,
    tones={"pending": "yellow", "approved": "green", "suspended": "red", "rejected": "red"},
    subject=lambda a: (None, a.council_id))


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    website: Mapped[str | None] = mapped_column(String(300), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    areas_served: Mapped[list] = mapped_column(JSON, default=list)  # postcode districts
    languages: Mapped[list] = mapped_column(JSON, default=list)
    accessibility: Mapped[str | None] = mapped_column(Text, nullable=True)
    cqc_location_id: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The CQC's latest overall rating, its inspection date and page: written only by the import from the
    # CQC's care directory (marketplace/providers/cqc.py), matched on the location id the provider gave.
    cqc_rating: Mapped[str | None] = mapped_column(String(30), nullable=True)
    cqc_checked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    cqc_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    cqc_imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # "per_delivery": an invoice as soon as each delivery is confirmed; "monthly": one per order and month.
    invoicing: Mapped[str] = mapped_column(String(20), default="per_delivery", server_default="per_delivery")
    stripe_account_id: Mapped[str | None] = mapped_column(String(60), nullable=True)  # Stripe Connect
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    approvals: Mapped[list["OrganisationApproval"]] = relationship(back_populates="organisation", order_by="OrganisationApproval.id")
    bank_details: Mapped["BankDetails | None"] = relationship(back_populates="organisation", uselist=False)

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KINDS.get(self.kind, self.kind)

    def approval_in(self, council_id: int) -> "OrganisationApproval | None":
        return next((a for a in self.approvals if a.council_id == council_id), None)

    def is_approved_in(self, council_id: int) -> bool:
        approval = self.approval_in(council_id)
        return approval is not None and approval.status == "approved"

    def approved_council_ids(self) -> set[int]:
        return {a.council_id for a in self.approvals if a.status == "approved"}


class OrganisationApproval(Stateful, db.Model):
    """Whether a council lets an organisation trade in its area: pending, approved, suspended, rejected."""

    __tablename__ = "organisation_approvals"
    __table_args__ = (UniqueConstraint("organisation_id", "council_id", name="uq_org_approval_org_council"),
                      Index("ix_organisation_approvals_organisation_id_status", "organisation_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # see APPROVAL
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    organisation: Mapped[Organisation] = relationship(back_populates="approvals")
    council = relationship("Council")
    decided_by = relationship("User")

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"


class BankDetails(db.Model):
    """Where an organisation is paid by bank transfer. One row per organisation; a change overwrites it and
    is recorded as an event (who, when, the last four digits before and after) and told to the other admins."""

    __tablename__ = "provider_bank_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    account_name: Mapped[str] = mapped_column(String(70))
    sort_code: Mapped[str] = mapped_column(String(6))  # six digits, no dashes
    account_number: Mapped[str] = mapped_column(String(8))  # eight digits
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    organisation: Mapped[Organisation] = relationship(back_populates="bank_details")
    updated_by = relationship("User")

    @property
    def sort_code_display(self) -> str:
        return f"{self.sort_code[0:2]}-{self.sort_code[2:4]}-{self.sort_code[4:6]}"

    @property
    def account_number_masked(self) -> str:
        return "****" + self.account_number[-4:]

    @property
    def masked(self) -> str:
        return f"Sort code {self.sort_code_display}, account {self.account_number_masked}"
