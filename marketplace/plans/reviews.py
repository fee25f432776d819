"""Asking for a review of the plan, and the council's answer.

The holder, or whoever writes the plan with them (the policy's ``holder.write_plan``), asks with a
reason. The request goes to the holder's named contact at the council (else to its care
coordinators), in the product and by email; it shows on the case timeline and waits on them, with an
expected-by date like a plan decision, until someone who works the council's plans answers it.
Requests change status only through ``REVIEW`` (plans/models.py).
"""
from __future__ import annotations

from datetime import timedelta

from flask import url_for

from .. import clock
from ..accounts import roles as R
from ..accounts.models import RoleGrant
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..notifications.service import notify_all
from ..policy import can
from .models import REVIEW, REVIEW_REASON_MAX, PlanReviewRequest
from .service import DECISION_DAYS, latest_plan

# A review request is answered in the time a care coordinator takes to decide on a plan.
REVIEW_DAYS = DECISION_DAYS["care_coordinator"]


def _path(endpoint: str, fallback: str, **values) -> str:
    """A path inside the product (notify adds the host for email), inside a request or out of one."""
    try:
        return url_for(endpoint, _external=False, **values)
    except RuntimeError:
        return fallback


def _bounded(text: str | None, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(missing)
    if len(text) > REVIEW_REASON_MAX:
        raise DomainError(f"Use {REVIEW_REASON_MAX:,} characters or fewer.")
    return text


def waiting_request(holder) -> PlanReviewRequest | None:
    return db.session.scalar(db.select(PlanReviewRequest).filter_by(holder_id=holder.id, status="waiting")
                             .order_by(PlanReviewRequest.id.desc()))


def requests_of(holder) -> list[PlanReviewRequest]:
    """The person's review requests, newest first."""
    return db.session.scalars(db.select(PlanReviewRequest).filter_by(holder_id=holder.id)
                              .order_by(PlanReviewRequest.created_at.desc(), PlanReviewRequest.id.desc())).all()


def waiting_in(council) -> list[PlanReviewRequest]:
    """Requests still to answer in ``council``, oldest first."""
    return db.session.scalars(db.select(PlanReviewRequest).filter_by(council_id=council.id, status="waiting")
                              .order_by(PlanReviewRequest.created_at, PlanReviewRequest.id)).all()


def who_answers(holder) -> list:
    """The holder's named contact, else every care coordinator of their council."""
    if holder.named_contact is not None:
        return [holder.named_contact]
    return [g.user for g in db.session.scalars(db.select(RoleGrant).filter_by(council_id=holder.council_id, role=R.CARE_COORDINATOR))]


def ask(actor, holder, reason: str | None) -> PlanReviewRequest:
    """Ask the council to look at the plan again. One request waits at a time."""
    if not can(actor, "holder.write_plan", holder):
        raise NotAllowed("You cannot ask for a review of this person's plan.")
    reason = _bounded(reason, "Say why you would like the plan looked at again.")
    open_request = waiting_request(holder)
    if open_request is not None:
        raise DomainError(f"A review was already asked for on {open_request.created_at:%-d %B %Y}. It is waiting for "
                          f"{open_request.waiting_on}, who aim to answer by {open_request.expected_by:%-d %B %Y}.")
    plan = latest_plan(holder)
    request = PlanReviewRequest(holder_id=holder.id, council_id=holder.council_id, plan_id=plan.id if plan else None,
                                reason=reason, asked_by_id=actor.id, contact_id=holder.named_contact_id,
                                expected_by=clock.today() + timedelta(days=REVIEW_DAYS))
    request.holder = holder
    REVIEW.start(request, "waiting", actor=actor, reason=reason)
    asker = "" if actor.id == holder.user_id else f" ({actor.name} asked for them)"
    notify_all(who_answers(holder), f"{holder.name} asks for a review of their plan",
               f"{holder.name}{asker} asks for their support plan to be looked at again: “{reason}” "
               f"Please answer by {request.expected_by:%-d %B %Y}.",
               _path("plans.review", f"/plan-reviews/{request.id}", review_id=request.id))
    db.session.commit()
    return request


def answer(actor, request: PlanReviewRequest, text: str | None) -> PlanReviewRequest:
    """Someone who works the council's plans answers; the holder and those helping them are told."""
    if not can(actor, "council.plans", request.council):
        raise NotAllowed("Only the council's care staff can answer a request for a review.")
    text = _bounded(text, "Write your answer.")
    REVIEW.move(request, "answered", actor=actor, reason=text)
    request.answer = text
    request.answered_by_id = actor.id
    request.answered_at = clock.now()
    holder = request.holder
    people = [holder.user] + [d.delegate for d in holder.active_delegations() if d.allows("view")]
    notify_all(people, "Your request for a review of the plan has been answered",
               f"{actor.name} answered: “{text}”",
               _path("plans.money", f"/holders/{holder.id}/money", holder_id=holder.id) + "#review")
    db.session.commit()
    return request


def waits(holder) -> list[dict]:
    """What the person's review request waits on, for the timeline: empty when nothing waits."""
    request = waiting_request(holder)
    if request is None:
        return []
    return [{"on": request.waiting_on, "what": "to answer your request for a review of the plan",
             "since": request.created_at, "expected_by": request.expected_by}]
