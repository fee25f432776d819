"""A life event council staff record for a holder, and each booked date it changed.

No state machine: a stay in hospital is open until ``returned_on`` is recorded, and a move or a
death is final once recorded. The changes table says exactly which dates an event cancelled (and
which it booked again), so the money released can be traced to the dates and a return can restart
the very dates a stay stopped."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime

KINDS = {"hospital": "A stay in hospital", "move": "A move", "death": "A death"}
EFFECTS = {"cancelled": "Cancelled, money released", "cancelled_charged": "Cancelled late: charge applies",
           "restored": "Booked again"}


class LifeEvent(db.Model):
    __tablename__ = "life_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # KINDS
    starts_on: Mapped[date] = mapped_column(Date)  # into hospital, the move, the date of death
    expected_return_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    returned_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    new_address: Mapped[str | None] = mapped_column(Text, nullable=True)
    new_postcode_district: Mapped[str | None] = mapped_column(String(8), nullable=True)
    leaves_council: Mapped[bool] = mapped_column(Boolean, default=False)
    address_applied: Mapped[bool] = mapped_column(Boolean, default=False)  # a move's new address is on the record
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    holder = relationship("Holder")
    recorded_by = relationship("User")
    changes: Mapped[list["LifeEventChange"]] = relationship(back_populates="life_event", order_by="LifeEventChange.id")

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def until(self) -> date | None:
        """The first day support is back: the actual return, else the expected one (None: not known)."""
        return self.returned_on or self.expected_return_on

    @property
    def released_pence(self) -> int:
        return sum(c.amount_pence for c in self.changes if c.effect != "restored")

    @property
    def charged_pence(self) -> int:
        """What stays promised to providers for dates cancelled inside their notice period."""
        return sum(c.occurrence.amount_pence for c in self.changes if c.effect == "cancelled_charged")

    @property
    def restored_pence(self) -> int:
        return sum(c.amount_pence for c in self.changes if c.effect == "restored")

    def count(self, effect: str) -> int:
        return sum(1 for c in self.changes if c.effect == effect)

    @property
    def in_kind_words(self) -> str:
        """What the holder and the people helping them read: what changed for their support, gently."""
        if self.kind == "hospital":
            if self.returned_on:
                return f"Support was paused from {_long(self.starts_on)} and started again on {_long(self.returned_on)}"
            return f"Support is paused from {_long(self.starts_on)} until " + (
                _long(self.expected_return_on) if self.expected_return_on else "further notice")
        if self.kind == "move" and self.leaves_council:
            return f"Moving to another council on {_long(self.starts_on)}: support from us ends on that date"
        if self.kind == "move":
            return f"New address from {_long(self.starts_on)}"
        return f"Support ended on {_long(self.starts_on)}"


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class LifeEventChange(db.Model):
    """One booked date a life event changed. ``amount_pence``: the money released (for a date cancelled
    late, what was released beside the charge kept) or promised again (restored)."""

    __tablename__ = "life_event_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    life_event_id: Mapped[int] = mapped_column(ForeignKey("life_events.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"))
    effect: Mapped[str] = mapped_column(String(20))  # EFFECTS
    amount_pence: Mapped[int] = mapped_column(Integer)  # released (cancelled, even late) or promised again

    life_event: Mapped[LifeEvent] = relationship(back_populates="changes")
    occurrence = relationship("Occurrence")
    order = relationship("Order")
