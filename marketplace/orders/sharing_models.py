"""A holder's "about me" shared with the provider of one order: a row while it is shared, kept after.

There is no status: a sharing is current until ``withdrawn_at`` is set, and the row stays as the record
of who had it and when (the holder's page lists past sharing too)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime


class Sharing(db.Model):
    __tablename__ = "about_me_sharings"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    shared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    order = relationship("Order", backref="about_me_sharings")  # what the policy reads, as it reads delegations
    holder = relationship("Holder")
    organisation = relationship("Organisation")
    shared_by = relationship("User", foreign_keys=[shared_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None
