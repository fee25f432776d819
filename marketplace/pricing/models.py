"""Prices beyond a listing's public one: the rates a council agreed for the people it funds (its
private catalogue), every change of any price, and the alerts a council gets when a provider
raises a price it had agreed. Ordering and reports read these without importing the catalogue."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime


class CouncilPrice(db.Model):
    """A rate a council agreed with a provider for the people it funds (its private catalogue)."""

    __tablename__ = "council_prices"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    price_pence: Mapped[int] = mapped_column(Integer)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    listing = relationship("Listing", back_populates="council_prices")
    council = relationship("Council")
    agreed_by = relationship("User")


class PriceChange(db.Model):
    """Every change of a listing's public price or a council's agreed rate, kept forever."""

    __tablename__ = "price_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), nullable=True)  # None: the public price
    old_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    new_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit: Mapped[str] = mapped_column(String(20))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    council = relationship("Council")
    changed_by = relationship("User")


class PriceAlert(db.Model):
    """Raised for a council when a provider puts up a price the council had agreed."""

    __tablename__ = "price_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    agreed_pence: Mapped[int] = mapped_column(Integer)
    old_public_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    new_public_pence: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    listing = relationship("Listing")
    council = relationship("Council")
