"""Rating support that was delivered: who may, once per order and listing, changed by its author within
30 days; the one invitation after the first confirmed delivery; each listing's summary recounted in the
same transaction as any change, so a hidden review stops counting in pages and search at once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from catalogue.models import Listing, RatingSummary

from .. import clock
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..holders.models import Holder
from ..notifications.service import notify_all
from ..orders.models import Occurrence, Order, OrderLine
from ..policy import can, who_may
from ..policy.ratings import rates_as
from .models import ASPECTS, REVIEW, SCORES, RatingInvitation, Review
from .screening import screen

CHANGE_DAYS = 30
TEXT_MAX = 2000
DELIVERED = ("confirmed", "invoiced", "paid")  # a delivery the buyer confirmed, whatever happened to it since


def confirmed_listings(order: Order) -> dict[int, str]:
    """listing id -> title for the listings of ``order`` with at least one confirmed delivery."""
    rows = db.session.execute(
        db.select(OrderLine.listing_id, OrderLine.title).join(Occurrence, Occurrence.line_id == OrderLine.id)
        .where(OrderLine.order_id == order.id, Occurrence.status.in_(DELIVERED)).distinct()).all()
    return {listing_id: title for listing_id, title in rows}


def review_of(order: Order, listing_id: int) -> Review | None:
    return db.session.scalar(db.select(Review).filter_by(order_id=order.id, listing_id=listing_id))


def reviews_of(order: Order) -> dict[int, Review]:
    """listing id -> the review written for it on ``order``, in one query (the order page lists them all)."""
    return {review.listing_id: review for review in db.session.scalars(db.select(Review).filter_by(order_id=order.id))}


def why_not(user, order: Order, listing_id: int) -> str | None:
    """None when ``user`` may rate ``listing_id`` for ``order`` now (or change their rating); else why not."""
    if not can(user, "review.write", order):
        return "Only the person the support was for, or their representative, can rate it."
    if listing_id not in confirmed_listings(order):
        return "You can rate this once a delivery has been confirmed."
    return why_not_change(user, review_of(order, listing_id))


def why_not_change(user, existing: Review | None) -> str | None:
    """For someone who may rate a confirmed listing: None when they may write or change ``existing``
    (their review, or None), else why not. Split from ``why_not`` so a page that has loaded an order's
    reviews together asks this for each without a query per listing."""
    if existing is not None:
        if existing.author_id != user.id:
            return "This support was rated for this order already."
        if clock.now() - existing.created_at > timedelta(days=CHANGE_DAYS):
            return f"A rating can be changed for {CHANGE_DAYS} days after it was written."
    return None


def _checked(score, aspects, text) -> tuple[int, list[str], str | None]:
    if score not in SCORES:
        raise DomainError("Choose a score from 1 (very poor) to 5 (very good).")
    aspects = [a for a in ASPECTS if a in set(aspects or [])]
    text = (text or "").strip() or None
    if text and len(text) > TEXT_MAX:
        raise DomainError(f"Keep what you write to {TEXT_MAX:,} characters.")
    problem = screen(text)
    if problem:
        raise DomainError(problem)
    return score, aspects, text


def rate(actor, order: Order, listing_id: int, *, score: int, aspects=(), text: str | None = None) -> Review:
    """Write (or, for its author within 30 days, change) the order's rating of a listing. Commits."""
    if not can(actor, "review.write", order):
        raise NotAllowed("Only the person the support was for, or their representative, can rate it.")
    problem = why_not(actor, order, listing_id)
    if problem:
        raise DomainError(problem)
    score, aspects, text = _checked(score, aspects, text)
    _lock(listing_id)
    review = review_of(order, listing_id)
    if review is None:
        listing = db.session.get(Listing, listing_id)
        review = Review(order_id=order.id, listing_id=listing_id, organisation_id=listing.organisation_id,
                        holder_id=order.holder_id, council_id=order.council_id, author_id=actor.id,
                        author_kind=rates_as(actor, order.holder), score=score, aspects=aspects, text=text)
        review.holder, review.listing = order.holder, listing
        REVIEW.start(review, "published", actor=actor, score=score)
        told = f"{review.reviewer.capitalize()} rated “{listing.title}” {score} out of 5."
    else:
        review.score, review.aspects, review.text, review.changed_at = score, aspects, text, clock.now()
        told = f"{review.reviewer.capitalize()} changed their rating of “{review.listing.title}” to {score} out of 5."
    recount(listing_id)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError("This support was rated for this order already.") from None
    notify_all(who_may("review.answer", review), told, "You can answer the review once, in public, from the listing's reviews.",
               f"/catalogue/listings/{listing_id}/reviews")
    db.session.commit()
    return review


def answer(actor, review: Review, text: str) -> Review:
    """The provider's one public answer. Commits."""
    if not can(actor, "review.answer", review):
        raise NotAllowed("Only the provider can answer this review.")
    if review.answer is not None:
        raise DomainError("This review has been answered already: each review is answered once.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Write your answer.")
    if len(text) > TEXT_MAX:
        raise DomainError(f"Keep your answer to {TEXT_MAX:,} characters.")
    problem = screen(text)
    if problem:
        raise DomainError(problem)
    review.answer, review.answered_at, review.answered_by_id = text, clock.now(), actor.id
    notify_all([review.author], f"{review.organisation.name} answered your review",
               f"Your review of “{review.listing.title}” has a public answer from the provider.",
               f"/catalogue/listings/{review.listing_id}/reviews")
    db.session.commit()
    return review


def recount(listing_id: int) -> RatingSummary:
    """Make the listing's summary what its published reviews say (the caller commits)."""
    db.session.flush()
    counts = dict(db.session.execute(
        db.select(Review.score, func.count(Review.id)).where(Review.listing_id == listing_id, Review.status == "published")
        .group_by(Review.score)).all())
    summary = db.session.get(RatingSummary, listing_id)
    if summary is None:
        summary = RatingSummary(listing_id=listing_id)
        db.session.add(summary)
    summary.distribution = [counts.get(score, 0) for score in range(1, 6)]
    summary.count = sum(summary.distribution)
    summary.total = sum(score * n for score, n in counts.items())
    return summary


def recount_all() -> int:
    """Rebuild every listing's summary from the reviews (``flask ratings recount``)."""
    ids = set(db.session.scalars(db.select(Review.listing_id).distinct())) | set(
        db.session.scalars(db.select(RatingSummary.listing_id)))
    for listing_id in sorted(ids):
        recount(listing_id)
    db.session.commit()
    return len(ids)


def invite(occurrence: Occurrence) -> bool:
    """After a confirmed delivery: invite the buyer to rate, once per order and listing. Commits."""
    order, listing_id = occurrence.order, occurrence.line.listing_id
    if db.session.get(RatingInvitation, (order.id, listing_id)) is not None or review_of(order, listing_id) is not None:
        return False
    db.session.add(RatingInvitation(order_id=order.id, listing_id=listing_id))
    notify_all(raters(order.holder), f"How was “{occurrence.line.title}”?",
               "If you like, rate it and say what it was like: it helps other people choose. Your name is never shown. "
               "This is the only reminder you will get.", f"/orders/{order.id}/rate/{listing_id}")
    try:
        db.session.commit()
    except IntegrityError:  # the same order's other delivery was confirmed at the same moment
        db.session.rollback()
        return False
    return True


def raters(holder: Holder) -> list:
    """The people who may rate support bought for ``holder``."""
    people = [holder.user] + [d.delegate for d in holder.delegations if d.kind == "representative" and d.allows("order")]
    return [p for p in people if p is not None]


def _lock(listing_id: int) -> None:
    """Two reviews of one listing at once recount one after the other (PostgreSQL; SQLite writes one at a time)."""
    db.session.execute(db.select(Listing.id).where(Listing.id == listing_id).with_for_update())

