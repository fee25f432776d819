"""The holder record and delegations of rights over it."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now, today
from ..extensions import db
from ..types import UTCDateTime

CONTACT_CHANNELS = {"email": "Email", "phone": "Phone call", "letter": "Letter", "text": "Text message"}

# Rights a holder can give. "manage" includes every other right; "order" and
# "approve_invoices" include "view".
RIGHTS = ("view", "order", "approve_invoices", "manage")
RIGHT_LABELS = {
    "view": "See the account",
    "order": "Order support",
    "approve_invoices": "Approve invoices",
    "manage": "Manage the account (everything)",
}
DELEGATE_KINDS = ("representative", "broker")


class Holder(db.Model):
    """A person with a personal budget. ``user`` is their sign-in (None for a record kept by the council only)."""

    __tablename__ = "holders"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(40), unique=True)  # the council's case reference
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    postcode_district: Mapped[str | None] = mapped_column(String(8), nullable=True)  # e.g. "SK4"; drives catalogue area
    preferred_contact: Mapped[str] = mapped_column(String(10), default="email")
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    accessibility_needs: Mapped[str | None] = mapped_column(Text, nullable=True)
    about_me: Mapped[str | None] = mapped_column(Text, nullable=True)  # in the person's own words
    named_contact_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # A managed account: the council (not the holder) records consent to delegations.
    managed_by_council: Mapped[bool] = mapped_column(Boolean, default=False)
    mental_health: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    council = relationship("Council")
    user = relationship("User", foreign_keys=[user_id])
    named_contact = relationship("User", foreign_keys=[named_contact_id])
    delegations: Mapped[list["Delegation"]] = relationship(back_populates="holder", order_by="Delegation.id")

    def __repr__(self) -> str:
        return f"<Holder {self.reference}>"

    def active_delegations(self, on: date | None = None) -> list["Delegation"]:
        return [d for d in self.delegations if d.is_active(on)]


class Delegation(db.Model):
    """Rights one person (representative or broker) holds over a holder's account."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # representative | broker
    rights: Mapped[list] = mapped_column(JSON, default=list)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    consent_recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    consent_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    holder: Mapped[Holder] = relationship(back_populates="delegations")
    delegate = relationship("User", foreign_keys=[delegate_id])
    consent_recorded_by = relationship("User", foreign_keys=[consent_recorded_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    def is_active(self, on: date | None = None) -> bool:
        on = on or today()
        return self.revoked_at is None and self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)

    def allows(self, right: str, on: date | None = None) -> bool:
        """Whether this delegation, today, carries ``right`` (with the implications above)."""
        if not self.is_active(on):
            return False
        held = set(self.rights)
        if "manage" in held:
            return True
        if right == "view":
            return bool(held)
        return right in held

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.starts_on > today():
            return "not started"
        if self.ends_on is not None and self.ends_on < today():
            return "ended"
        return "active"
