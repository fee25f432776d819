"""What pages show of buyers' ratings: a listing's summary and latest reviews, an organisation's across
its listings, and the rating an order's buyer may write. Only published reviews are ever shown."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_login import current_user

from catalogue.models import Listing, RatingSummary
from catalogue.rating import rating_rank

from ..extensions import db
from ..policy import can
from .models import Review
from .service import confirmed_listings, reviews_of, why_not_change

PAGE_SIZE = 20


@dataclass
class Ratings:
    count: int = 0
    total: int = 0
    distribution: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    latest: list[Review] = field(default_factory=list)

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def rank(self) -> float:
        return rating_rank(self.count, self.total)

    def bars(self) -> list[tuple[int, int, int]]:
        """(score, how many, percent of all) from 5 down to 1, for the distribution."""
        return [(score, self.distribution[score - 1], round(100 * self.distribution[score - 1] / self.count) if self.count else 0)
                for score in range(5, 0, -1)]


def published(query):
    return query.filter_by(status="published").order_by(Review.created_at.desc(), Review.id.desc())


def for_listing(listing: Listing, latest: int = 3) -> Ratings:
    summary = listing.rating
    ratings = Ratings(summary.count, summary.total, list(summary.distribution)) if summary else Ratings()
    if ratings.count:
        ratings.latest = db.session.scalars(published(db.select(Review).filter_by(listing_id=listing.id)).limit(latest)).all()
    return ratings


def page_for_listing(listing: Listing, page: int) -> tuple[list[Review], int]:
    """One page of a listing's published reviews, newest first, and how many there are."""
    total = listing.rating.count if listing.rating else 0
    reviews = db.session.scalars(published(db.select(Review).filter_by(listing_id=listing.id))
                                 .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return reviews, total


def for_organisation(organisation) -> Ratings:
    """Buyers' ratings across every listing of ``organisation``."""
    ratings = Ratings()
    for summary in db.session.scalars(db.select(RatingSummary).join(RatingSummary.listing)
                                      .where(Listing.organisation_id == organisation.id)):
        ratings.count += summary.count
        ratings.total += summary.total
        ratings.distribution = [a + b for a, b in zip(ratings.distribution, summary.distribution)]
    return ratings


def for_order(order) -> list[dict]:
    """For the order page: each listing of ``order`` the signed-in person may rate (or has rated), with
    their review and whether they can still write or change it."""
    if not current_user.is_authenticated or not can(current_user, "review.write", order):
        return []
    reviews = reviews_of(order)  # one query for the whole order, not one (or two) per listing
    offers = []
    for listing_id, title in sorted(confirmed_listings(order).items()):
        review = reviews.get(listing_id)
        offers.append({"listing_id": listing_id, "title": title, "review": review,
                       "open": why_not_change(current_user, review) is None})
    return offers
