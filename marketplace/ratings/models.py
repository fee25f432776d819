"""A buyer's review of a listing they had delivered, reports about reviews, and the one invitation to rate."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..states import Stateful, StateMachine
from ..types import UTCDateTime

SCORES = {5: "Very good", 4: "Good", 3: "All right", 2: "Poor", 1: "Very poor"}
ASPECTS = {
    "reliable": "Reliable: came when they said they would",
    "respect": "Treated me with respect",
    "value": "Good value for the money",
    "recommend": "I would recommend them",
}
REVIEW_STATUSES = {"published": "Published", "hidden": "Hidden by an administrator"}
# A review is published once written (after screening for personal data); an administrator may hide
# it, with a reason, and restore it. A hidden review stops counting in averages and search at once.
REVIEW = StateMachine("review", {
    "published": {"hidden"},
    "hidden": {"published"},
}, initial=("published",), model="reviews", labels=REVIEW_STATUSES,
    tones={"published": "green", "hidden": "grey"}, subject=lambda r: (r.holder, r.council_id))

REPORT_REASONS = {
    "personal": "It gives someone's personal information",
    "untrue": "It is untrue or unfair",
    "offensive": "It is offensive or abusive",
    "unrelated": "It is not about this support",
    "other": "Something else",
}


class Review(Stateful, db.Model):
    """One order's rating of one listing (so one per order and listing), by the holder or their
    representative. Shown without a name: "a budget holder in Aldermoor"."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("order_id", "listing_id", name="uq_reviews_order_listing"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_kind: Mapped[str] = mapped_column(String(20))  # holder | representative
    score: Mapped[int] = mapped_column(Integer)
    aspects: Mapped[list] = mapped_column(JSON, default=list)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    redaction_note: Mapped[str | None] = mapped_column(Text, nullable=True)  # shown with the review when set
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)  # the provider's one public answer
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    order = relationship("Order")
    listing = relationship("Listing")
    organisation = relationship("Organisation")
    holder = relationship("Holder")
    council = relationship("Council")
    author = relationship("User", foreign_keys=[author_id])
    reports: Mapped[list["ReviewReport"]] = relationship(back_populates="review", order_by="ReviewReport.id")

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def reviewer(self) -> str:
        """Who wrote it, as the public sees it: never a name."""
        who = "a budget holder" if self.author_kind == "holder" else "the representative of a budget holder"
        return f"{who} in {self.council.name.removesuffix(' Council')}"

    @property
    def score_words(self) -> str:
        return SCORES.get(self.score, "")

    @property
    def aspect_words(self) -> list[str]:
        return [ASPECTS[a] for a in self.aspects if a in ASPECTS]

    @property
    def open_reports(self) -> list["ReviewReport"]:
        return [r for r in self.reports if r.resolved_at is None]


class ReviewReport(db.Model):
    """Someone's report that a review breaks the rules; an administrator resolves it by hiding the review
    or keeping it."""

    __tablename__ = "review_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)  # hidden | kept

    review: Mapped[Review] = relationship(back_populates="reports")
    reporter = relationship("User", foreign_keys=[reporter_id])

    @property
    def reason_words(self) -> str:
        return REPORT_REASONS.get(self.reason, self.reason)


class RatingInvitation(db.Model):
    """The one invitation to rate a listing of an order, sent after its first confirmed delivery."""

    __tablename__ = "rating_invitations"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
