"""Placing a checked basket: one order per provider, each line's money promised in the same
transaction as the order, under the budget's lock. A double submission finds what was placed."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from .. import clock
from ..budgets import ledger
from ..errors import DomainError
from ..extensions import db
from .basket import basket, require_can_order
from .models import OCCURRENCE, ORDER, Occurrence, Order, OrderLine
from .notices import announce
from .quote import NO_PLAN, CheckoutContext, LineQuote, OrderDoesNotFit, category_reasons, limit_reasons, quote


def place(actor, holder, submission_key: str, note: str | None = None) -> list[Order]:
    """Check the basket again and place it. Submitting the same key twice returns the orders already placed.

    The holder's budget and plan are read once; the budget's lock is taken before anything is
    checked, so a twin request waits here and then finds the orders its twin placed.
    Raises OrderDoesNotFit (with the shortfall and what would fit) or DomainError.
    """
    require_can_order(actor, holder)
    context = CheckoutContext.for_holder(holder)
    if context.budget is None:
        raise DomainError("There is no budget yet.")
    ledger.lock_budget(context.budget)  # from here until commit, nobody else moves this budget's money
    existing = orders_for_submission(submission_key, holder, actor)
    if existing:
        db.session.rollback()
        return existing
    if context.plan is None:
        raise DomainError(NO_PLAN)
    items = basket(actor, holder)
    if not items:
        raise DomainError("The basket is empty.")
    checked = quote(actor, holder, items, context)
    if checked.problems:
        raise DomainError(" ".join(checked.problems))
    if checked.shortfalls:
        raise OrderDoesNotFit(checked)
    by_provider: dict[int, list[LineQuote]] = {}
    for line in checked.lines:
        by_provider.setdefault(line.listing.organisation_id, []).append(line)
    # The weekly limit applies to the whole checkout, as the basket showed it: splitting a
    # basket between providers must not get round the council's check.
    over_limit = limit_reasons(holder.council, checked.lines)
    orders = [_place_with(actor, context, organisation_id, lines, category_reasons(lines, context.outcomes) + over_limit,
                          f"{submission_key}:{organisation_id}", note)
              for organisation_id, lines in sorted(by_provider.items())]
    for item in items:
        db.session.delete(item)
    db.session.flush()
    for order in orders:  # told in the same transaction as the money is promised: a crash loses neither
        announce(order)
    try:
        db.session.commit()
    except IntegrityError:  # the same submission raced us to the database
        db.session.rollback()
        existing = orders_for_submission(submission_key, holder, actor)
        if existing:
            return existing
        raise
    return orders


def _place_with(actor, context: CheckoutContext, organisation_id: int, lines: list[LineQuote], reasons: list[str],
                key: str, note: str | None) -> Order:
    """One provider's order, its lines and dates, and the money promised for each line."""
    holder, budget = context.holder, context.budget
    order = Order(holder_id=holder.id, council_id=holder.council_id, budget_id=budget.id, organisation_id=organisation_id,
                  placed_by_id=actor.id, kind="schedule" if any(line.is_weekly for line in lines) else "purchase",
                  submission_key=key, approval_reasons=reasons, note_to_provider=(note or "").strip() or None,
                  placed_at=clock.now(), committed_pence=sum(line.total_pence for line in lines))
    db.session.add(order)
    ORDER.start(order, "awaiting_approval" if reasons else "placed", actor=actor, total_pence=order.committed_pence,
                on_behalf=(actor.id != holder.user_id) or None)
    for line in lines:
        order_line = OrderLine(order=order, listing_id=line.listing.id, title=line.listing.title, category=line.listing.category,
                               unit=line.listing.price_unit, unit_price_pence=line.unit_price_pence,
                               price_source=line.price_source, vat_rate_percent=line.listing.vat_rate_percent,
                               quantity_centi=line.item.quantity_centi, outcome_key=line.outcome_key,
                               outcome_words=line.outcome_words, schedule=line.item.schedule,
                               notice_hours=line.listing.notice_hours,
                               cancellation_charge_percent=line.listing.cancellation_charge_percent)
        db.session.add(order_line)
        per = line.total_pence // len(line.dates)
        for n, day in enumerate(line.dates):
            amount = per if n < len(line.dates) - 1 else line.total_pence - per * (len(line.dates) - 1)
            occurrence = Occurrence(line=order_line, order=order, on=day, quantity_centi=line.item.quantity_centi,
                                    amount_pence=amount)
            OCCURRENCE.start(occurrence, "scheduled", record=False)  # the order's own event says what was booked
            db.session.add(occurrence)
        ledger.commit(budget, line.total_pence, outcome_key=line.outcome_key, cause=order, actor=actor,
                      memo=f"Order {order.id}: {line.listing.title}")
    return order


def orders_for_submission(submission_key: str, holder=None, actor=None) -> list[Order]:
    """The orders one checkout placed. The key is matched as typed ("%" and "_" are not wildcards) and,
    given a holder and a buyer, only among the orders that buyer placed for that holder: a made-up or
    borrowed key never shows anyone else's orders."""
    query = db.select(Order).where(Order.submission_key.startswith(f"{submission_key}:", autoescape=True))
    if holder is not None:
        query = query.where(Order.holder_id == holder.id)
    if actor is not None:
        query = query.where(Order.placed_by_id == actor.id)
    return db.session.scalars(query.order_by(Order.id)).all()
