"""Every saved version of a council's help text: a page shows the newest, and nothing is overwritten."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime


class HelpPageVersion(db.Model):
    """One save of one topic's text in one reading (standard or easy) for one council. The body was
    sanitised before it was stored, and is sanitised again before it is shown."""

    __tablename__ = "help_page_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    topic: Mapped[str] = mapped_column(String(40))
    reading: Mapped[str] = mapped_column(String(20))  # standard | easy
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    restored_from_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    author = relationship("User")
    council = relationship("Council")
