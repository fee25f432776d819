"""Organisations in the catalogue and their approval by each council."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

ORGANISATION_KINDS = {
    "provider": "Provider organisation",
    "micro_provider": "Micro-provider (1 to 5 people)",
    "personal_assistant": "Self-employed personal assistant",
    "peer_broker": "Peer broker or user-led organisation",
    "community_group": "Community group",
    "council_service": "Council in-house service",
}
APPROVAL_STATUSES = ("pending", "approved", "suspended", "rejected")


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    website: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    approvals: Mapped[list["OrganisationApproval"]] = relationship(back_populates="organisation", order_by="OrganisationApproval.id")

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KINDS.get(self.kind, self.kind)

    def approval_in(self, council_id: int) -> "OrganisationApproval | None":
        return next((a for a in self.approvals if a.council_id == council_id), None)

    def is_approved_in(self, council_id: int) -> bool:
        approval = self.approval_in(council_id)
        return approval is not None and approval.status == "approved"


class OrganisationApproval(db.Model):
    """Whether a council lets an organisation trade in its area: pending, approved, suspended, rejected."""

    __tablename__ = "organisation_approvals"
    __table_args__ = (UniqueConstraint("organisation_id", "council_id", name="uq_org_approval_org_council"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    organisation: Mapped[Organisation] = relationship(back_populates="approvals")
    council = relationship("Council")
    decided_by = relationship("User")
