"""Rules for buyers' ratings: who may rate an order's support, answer a review, report one or moderate."""
from __future__ import annotations

from ..accounts import roles as R
from .base import _own, _staff, _works_for, rule


def rates_as(user, holder) -> str | None:
    """"holder" or "representative" when ``user`` may rate support bought for ``holder``: the holder, or
    a representative with the right to order (brokers and council staff do not rate: the rating is the
    buyer's own word); else None. Whether there was confirmed delivery is the ratings service's check."""
    if _own(user, holder):
        return "holder"
    if any(d.delegate_id == user.id and d.kind == "representative" and d.allows("order") for d in holder.delegations):
        return "representative"
    return None


@rule("review.write")
def _review_write(user, order) -> bool:
    return rates_as(user, order.holder) is not None


@rule("review.answer")
def _review_answer(user, review) -> bool:
    return _works_for(user, review.organisation_id)


@rule("review.report")
def _review_report(_user, review) -> bool:
    """Anyone signed in may report a published review (a hidden one is out of sight already)."""
    return review.status == "published"


@rule("review.moderate")
def _review_moderate(user, review) -> bool:
    return _staff(user, review.council_id, R.ADMINISTRATOR)


@rule("council.moderate_reviews")
def _council_moderate_reviews(user, council) -> bool:
    return _staff(user, council.id, R.ADMINISTRATOR)
