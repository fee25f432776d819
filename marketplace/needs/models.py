"""A need a budget holder posts ("A PA, 6 hours a week"), the replies of approved providers and personal
assistants, and reports about either. A post names only a postcode district, never the person."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..states import Stateful, StateMachine
from ..types import UTCDateTime

NEED_STATUSES = {"open": "Open", "met": "Met", "expired": "Expired", "withdrawn": "Withdrawn",
                 "hidden": "Hidden by an administrator"}
# A post is open for 30 days. The poster closes it as met or withdraws it; ``flask needs expire`` ends it
# after 30 days; an administrator may hide it, with a reason, and show it again.
NEED = StateMachine("need", {
    "open": {"met", "expired", "withdrawn", "hidden"},
    "hidden": {"open"},
    "met": set(), "expired": set(), "withdrawn": set(),
}, initial=("open",), model="needs", labels=NEED_STATUSES,
    tones={"open": "green", "met": "green", "expired": "grey", "withdrawn": "grey", "hidden": "grey"},
    subject=lambda n: (n.holder, n.council_id))

REPLY_STATUSES = {"shown": "Shown", "hidden": "Hidden by an administrator"}
NEED_REPLY = StateMachine("need_reply", {"shown": {"hidden"}, "hidden": {"shown"}}, initial=("shown",),
                          model="need_replies", labels=REPLY_STATUSES, tones={"shown": "green", "hidden": "grey"},
                          subject=lambda r: (r.need.holder, r.need.council_id))

REPORT_REASONS = {
    "personal": "It gives someone's personal information",
    "offensive": "It is offensive or abusive",
    "spam": "It is advertising or spam",
    "other": "Something else",
}


class Need(Stateful, db.Model):
    """One post. ``district`` is the only place shown; the holder is never named to providers."""

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(Text)
    times: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(8), index=True)
    languages: Mapped[str | None] = mapped_column(String(200), nullable=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    holder = relationship("Holder")
    council = relationship("Council")
    posted_by = relationship("User")
    replies: Mapped[list["NeedReply"]] = relationship(back_populates="need", order_by="NeedReply.id")

    @property
    def who(self) -> str:
        """The poster as everyone but themselves sees them."""
        return f"someone in {self.district}"

    @property
    def who_sentence(self) -> str:
        return f"Someone in {self.district}"

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def chosen(self) -> list["NeedReply"]:
        return [r for r in self.replies if r.chosen_at is not None]


class NeedReply(Stateful, db.Model):
    """An organisation's one reply to a post: a short message; the poster may choose it."""

    __tablename__ = "need_replies"
    __table_args__ = (UniqueConstraint("need_id", "organisation_id", name="uq_need_replies_need_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    chosen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    need: Mapped[Need] = relationship(back_populates="replies")
    organisation = relationship("Organisation")
    author = relationship("User")

    @property
    def is_shown(self) -> bool:
        return self.status == "shown"


class NeedReport(db.Model):
    """Someone's report that a post (or one reply to it) breaks the rules, until an administrator acts."""

    __tablename__ = "need_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("need_replies.id"), nullable=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    need: Mapped[Need] = relationship()
    reply = relationship("NeedReply")

    @property
    def reason_words(self) -> str:
        return REPORT_REASONS.get(self.reason, self.reason)
