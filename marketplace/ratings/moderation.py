"""Reports and moderation: anyone signed in reports a review with a reason; an administrator of the
review's council hides it or restores it, with a reason, or redacts personal data about someone else
with a note shown beside it. The reviewer and the provider are told."""
from __future__ import annotations

import re

from .. import clock
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..notifications.service import notify_all
from ..policy import can, who_may
from .models import REPORT_REASONS, REVIEW, Review, ReviewReport
from .service import recount

REASON_MAX = 2000
PHRASE_MAX = 200
REMOVED = "[removed]"


def report(actor, review: Review, reason: str, details: str | None = None) -> ReviewReport:
    """Someone reports a review. One open report per person per review. Commits."""
    if not can(actor, "review.report", review):
        raise NotAllowed("This review cannot be reported.")
    if reason not in REPORT_REASONS:
        raise DomainError("Choose what is wrong with the review.")
    details = (details or "").strip() or None
    if details and len(details) > REASON_MAX:
        raise DomainError(f"Keep it to {REASON_MAX:,} characters.")
    if any(r.reporter_id == actor.id and r.resolved_at is None for r in review.reports):
        raise DomainError("You have reported this review already. An administrator will look at it.")
    entry = ReviewReport(review=review, reporter_id=actor.id, reason=reason, details=details)
    db.session.add(entry)
    db.session.flush()
    notify_all(who_may("review.moderate", review), "A review was reported",
               f"A review of “{review.listing.title}” was reported: {entry.reason_words}.", f"/council/reviews/{review.id}")
    db.session.commit()
    return entry


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason: the person who wrote the review and the provider will read it.")
    if len(reason) > REASON_MAX:
        raise DomainError(f"Keep the reason to {REASON_MAX:,} characters.")
    return reason


def _resolve(actor, review: Review, outcome: str) -> None:
    for entry in review.open_reports:
        entry.resolved_at, entry.resolved_by_id, entry.outcome = clock.now(), actor.id, outcome


def _tell(review: Review, title: str, body: str) -> None:
    notify_all([review.author] + who_may("review.answer", review), title, body,
               f"/catalogue/listings/{review.listing_id}/reviews")


def hide(actor, review: Review, reason: str) -> Review:
    """Take a review out of sight; it stops counting at once. Commits."""
    if not can(actor, "review.moderate", review):
        raise NotAllowed("Only an administrator of the council can hide a review.")
    reason = _reason(reason)
    REVIEW.move(review, "hidden", actor=actor, reason=reason)
    review.status_reason = reason
    _resolve(actor, review, "hidden")
    recount(review.listing_id)
    _tell(review, f"A review of “{review.listing.title}” was hidden",
          f"An administrator hid the review, so it is no longer shown or counted. The reason given: {reason}")
    db.session.commit()
    return review


def restore(actor, review: Review, reason: str) -> Review:
    """Show a hidden review again. Commits."""
    if not can(actor, "review.moderate", review):
        raise NotAllowed("Only an administrator of the council can restore a review.")
    reason = _reason(reason)
    REVIEW.move(review, "published", actor=actor, reason=reason)
    review.status_reason = None
    recount(review.listing_id)
    _tell(review, f"A review of “{review.listing.title}” is shown again",
          f"An administrator restored the review, so it is shown and counted again. The reason given: {reason}")
    db.session.commit()
    return review


def keep(actor, review: Review, reason: str) -> Review:
    """Close the open reports and leave the review as it is. Commits."""
    if not can(actor, "review.moderate", review):
        raise NotAllowed("Only an administrator of the council can decide on reports.")
    _reason(reason)
    if not review.open_reports:
        raise DomainError("There are no open reports about this review.")
    _resolve(actor, review, "kept")
    db.session.commit()
    return review


def redact(actor, review: Review, phrase: str) -> Review:
    """Replace every occurrence of ``phrase`` (personal data about someone else) in the review and its
    answer with "[removed]", and say so beside the review. Commits."""
    if not can(actor, "review.moderate", review):
        raise NotAllowed("Only an administrator of the council can redact a review.")
    text, answer = preview(review, phrase)
    review.text, review.answer = text or None, answer or None
    review.redaction_note = (f"An administrator removed personal information about someone else on "
                             f"{clock.today():%-d %B %Y}.")
    _resolve(actor, review, "redacted")
    notify_all([review.author], f"Part of your review of “{review.listing.title}” was removed",
               "An administrator removed personal information about someone else from your review. The rest is unchanged.",
               f"/catalogue/listings/{review.listing_id}/reviews")
    db.session.commit()
    return review


def queue(council) -> list[Review]:
    """The council's reviews with open reports, then its hidden reviews."""
    reported = db.session.scalars(db.select(Review).filter_by(council_id=council.id).where(
        Review.id.in_(db.select(ReviewReport.review_id).filter_by(resolved_at=None))).order_by(Review.id)).all()
    hidden = db.session.scalars(db.select(Review).filter_by(council_id=council.id, status="hidden")
                                .order_by(Review.id.desc())).all()
    return reported + [r for r in hidden if r not in reported]


def preview(review: Review, phrase: str) -> tuple[str, str]:
    """(the review's text, its answer) as they would read after ``redact``; DomainError when the words are not there."""
    phrase = " ".join((phrase or "").split())
    if not phrase or len(phrase) > PHRASE_MAX:
        raise DomainError(f"Enter the words to remove, at most {PHRASE_MAX} characters, exactly as they appear.")
    pattern = _pattern(phrase)
    text, found = pattern.subn(REMOVED, review.text or "")
    answer, found_in_answer = pattern.subn(REMOVED, review.answer or "")
    if not found and not found_in_answer:
        raise DomainError("Those words are not in the review or its answer. Copy them exactly as they appear.")
    return text, answer


def _pattern(phrase: str) -> re.Pattern:
    return re.compile(r"\s+".join(re.escape(word) for word in phrase.split()), re.IGNORECASE)
