"""The demo's buyers' ratings, made the only way real ones can be: a holder orders support, the provider
accepts and records the delivery, the holder confirms it, and then rates it through the ratings service.

Thirty of the demo council's holders (after Sam, the demo holder who signs in) buy for themselves here:
each gets a sign-in (holder.ald-0002@example.com and so on, with the demo password) and orders one or
two of ten listings their plan foresees, on days over the last two months. Providers answer two of the
reviews and one is reported, so the administrator's queue has something in it. Sam has one delivery
confirmed and not yet rated, so his order page shows the invitation. Runs once: if any review exists,
it does nothing, so ``flask demo load`` stays safe to run again.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from catalogue.models import Listing

from . import clock
from .accounts import roles as R
from .accounts import service as accounts
from .accounts.models import RoleGrant, User
from .budgets.service import current_budget
from .errors import DomainError
from .extensions import db
from .orders import basket, delivery, lifecycle, placing
from .plans.service import approved_plan
from .providers.models import OrganisationApproval
from .ratings import moderation
from .ratings import service as ratings
from .ratings.models import Review

RATERS = 30
LISTINGS = 10
SCORES = [5, 4, 5, 5, 3, 4, 5, 2, 4, 5, 4, 1, 5, 4, 3]
ASPECTS = [["reliable", "respect"], ["respect"], ["reliable", "value", "recommend"], [], ["value"], ["recommend"]]
WORDS = {
    5: ["Always on time and so patient with me. I look forward to Tuesdays now.",
        "Kind, calm and reliable. I felt listened to from the first visit.", None],
    4: ["Good support. Once they were a bit late but they rang ahead to say so.", None,
        "Helpful and friendly. The price is fair for what you get."],
    3: ["It was fine. I would like the same person each time rather than whoever is free."],
    2: ["Two visits started late and nobody told me. The support itself was all right."],
    1: ["They did not come on the day booked and I had to chase them twice."],
}


def buy_and_rate(holders, council, users, echo=print) -> int:
    """Make the demo orders and ratings (``holders``: the demo council's, the demo holder first). Returns
    how many reviews it wrote."""
    if db.session.scalar(db.select(db.func.count(Review.id))):
        return 0
    listings = _listings(council, _plan(holders[1]))
    written = 0
    for i, holder in enumerate(holders[1:1 + RATERS]):
        buyer = _buyer(holder, council, users[R.HOLDER].password_hash)
        for j in range(1 + i % 2):
            listing = listings[(i * 3 + j * 7) % len(listings)]
            day = clock.today() - timedelta(days=4 + (i * 11 + j * 5) % 56)
            with clock.frozen(datetime(day.year, day.month, day.day, 10, tzinfo=timezone.utc)):
                order = _delivered(buyer, holder, listing, users)
                if order is None:
                    continue
                score = SCORES[(i * 3 + j) % len(SCORES)]
                texts = WORDS[score]
                ratings.rate(buyer, order, listing.id, score=score, aspects=ASPECTS[(i + j) % len(ASPECTS)],
                             text=texts[(i + j) % len(texts)])
                written += 1
    _answers_and_a_report(users)
    waiting = _waiting(holders[1 + RATERS:4 + RATERS], council, users)
    _declined(holders[4 + RATERS:10 + RATERS], council, users)
    sam = holders[0]
    with clock.frozen(clock.now() - timedelta(days=2)):
        _delivered(sam.user, sam, listings[0], users)
    echo(f"Made {written} buyers' ratings from delivered demo orders; {waiting} orders wait for the demo provider.")
    return written


def _plan(holder):
    budget = current_budget(holder)
    return approved_plan(budget) if budget is not None else None


def _listings(council, plan) -> list[Listing]:
    """Ten paid listings of providers approved in the council, in categories the demo plans foresee."""
    foreseen = {category for outcome in plan.outcomes for category in outcome.categories} if plan else set()
    candidates = db.session.scalars(
        db.select(Listing).join(OrganisationApproval, OrganisationApproval.organisation_id == Listing.organisation_id)
        .where(OrganisationApproval.council_id == council.id, OrganisationApproval.status == "approved",
               Listing.status == "published", Listing.kind != "community", Listing.price_pence.between(500, 6000),
               Listing.category.in_(foreseen)).order_by(Listing.id)).all()
    step = max(1, len(candidates) // LISTINGS)
    return candidates[::step][:LISTINGS]


def _buyer(holder, council, password_hash: str) -> User:
    """The holder's sign-in, made with the demo password (its hash reused: hashing costs 0.13 s a time)."""
    if holder.user is None:
        email = f"holder.{holder.reference.lower()}@example.com"
        holder.user = accounts.find_by_email(email) or accounts.create_user(email, holder.name, password=None)
        holder.user.password_hash = password_hash
        accounts.grant_role(holder.user, R.HOLDER, council)
        db.session.commit()
    return holder.user


def _provider(organisation) -> User:
    """Someone who works for the organisation: its first person, else a demo team account for it."""
    grant = db.session.scalar(db.select(RoleGrant).where(RoleGrant.organisation_id == organisation.id,
                                                         RoleGrant.role.in_(R.ORGANISATION_ROLES)).order_by(RoleGrant.id))
    if grant is not None:
        return grant.user
    email = f"team.{organisation.id}@example.com"
    user = accounts.find_by_email(email) or accounts.create_user(email, f"{organisation.name} team", password=None)
    accounts.grant_role(user, R.PROVIDER_ADMIN, organisation=organisation)
    db.session.commit()
    return user


def _delivered(buyer, holder, listing, users):
    """One session of ``listing`` ordered by ``buyer``, accepted, delivered and confirmed today; None if
    the holder's plan or money does not allow it (nothing is forced)."""
    plan = _plan(holder)
    outcome = next((o for o in plan.outcomes if listing.category in o.categories), None) if plan else None
    if outcome is None:
        return None
    provider = _provider(listing.organisation)
    try:
        basket.add_to_basket(buyer, holder, listing, 1, outcome.key)
        (order,) = placing.place(buyer, holder, secrets.token_hex(16))
        if order.status == "awaiting_approval":
            lifecycle.approve(users[R.CARE_COORDINATOR], order, True)
        with clock.frozen(clock.now() + timedelta(hours=2 + order.id * 7 % 70)):  # providers take hours to days to answer
            lifecycle.accept(provider, order)
            for occurrence in [o for line in order.lines for o in line.occurrences]:
                delivery.record_delivery(provider, occurrence)
                delivery.confirm(buyer, occurrence)
    except DomainError:
        db.session.rollback()
        return None
    return order


def _waiting(holders, council, users) -> int:
    """Orders placed with the demo provider's organisation and not yet accepted: its inbox has work in it."""
    provider = users[R.PROVIDER_ADMIN]
    organisation_ids = [g.organisation_id for g in provider.grants if g.organisation_id]
    offered = db.session.scalars(db.select(Listing).where(Listing.organisation_id.in_(organisation_ids),
                                                          Listing.status == "published", Listing.kind != "community",
                                                          Listing.price_pence > 0)
                                 .order_by(Listing.price_pence, Listing.id)).all()  # the cheapest fits what is left
    placed = 0
    for holder in holders:
        plan = _plan(holder)
        listing = next((l for l in offered if plan and any(l.category in o.categories for o in plan.outcomes)), None)
        if listing is None:
            continue
        buyer = _buyer(holder, council, users[R.HOLDER].password_hash)
        outcome = next(o for o in plan.outcomes if listing.category in o.categories)
        try:
            basket.add_to_basket(buyer, holder, listing, 1, outcome.key)
            (order,) = placing.place(buyer, holder, secrets.token_hex(16))
        except DomainError:
            db.session.rollback()
            continue
        placed += order.status == "placed"
    return placed


DECLINED = [("capacity", "Sorry, we have nobody free on those days until the new year."),
            ("capacity", "We are fully booked at the moment."), ("area", "We do not cover your postcode, sorry."),
            ("needs", "We are not able to support someone who needs two people to help them move."),
            ("capacity", "Our only worker for this is off sick."), ("area", "That is too far for our team to travel.")]


def _declined(holders, council, users) -> None:
    """Six orders a provider turned down, each with its kind of reason, so the unmet-demand report has some."""
    for n, holder in enumerate(holders):
        plan = _plan(holder)
        offered = _listings(council, plan) if plan else []
        if not offered:
            continue
        listing = min(offered[n % len(offered):] or offered, key=lambda item: item.price_pence)
        outcome = next((o for o in plan.outcomes if listing.category in o.categories), None)
        buyer = _buyer(holder, council, users[R.HOLDER].password_hash)
        try:
            basket.add_to_basket(buyer, holder, listing, 1, outcome.key)
            (order,) = placing.place(buyer, holder, secrets.token_hex(16))
            if order.status == "placed":
                kind, words = DECLINED[n % len(DECLINED)]
                lifecycle.decline(_provider(listing.organisation), order, words, kind)
        except DomainError:
            db.session.rollback()


def _answers_and_a_report(users) -> None:
    low = db.session.scalars(db.select(Review).where(Review.score <= 3).order_by(Review.id)).all()
    for review in low[:2]:
        ratings.answer(_provider(review.organisation), review,
                       "Thank you for telling us. We have changed our rota so the same person comes each time, "
                       "and we now ring ahead if we are running late.")
    if low[2:]:
        moderation.report(users[R.REPRESENTATIVE], low[2], "untrue", "I do not think this happened as described.")
