"""Ordering rules: the basket, checking an order against the plan and the money, placing it
(with its ledger commitment, in one transaction), and everything that happens after.

The order status machine is the table below; ``_move`` is the only place an order
changes status and it writes an event row naming the actor and the holder.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import url_for
from sqlalchemy.exc import IntegrityError

from catalogue.listings import price_for
from catalogue.models import Listing

from .. import clock
from ..accounts import roles as R
from ..budgets import ledger
from ..budgets.service import current_budget
from ..errors import DomainError, InvalidTransition, NotAllowed
from ..events import service as events
from ..extensions import db
from ..money import format_pence, multiply
from ..notifications.service import notify, notify_all
from ..plans.service import approved_plan
from ..policy import can
from .models import WEEKDAYS, BasketItem, Occurrence, Order, OrderLine, to_centi

TRANSITIONS = {
    "awaiting_approval": {"placed", "rejected", "cancelled"},
    "placed": {"accepted", "declined", "cancelled"},
    "accepted": {"delivered", "cancelled"},
    "delivered": {"invoiced"},
    "invoiced": {"paid"},
    "rejected": set(),
    "declined": set(),
    "cancelled": set(),
    "paid": set(),
}
FINAL_OCCURRENCE = {"confirmed", "cancelled", "cancelled_charged", "invoiced", "paid"}
UNCONFIRMED_AFTER = timedelta(days=14)


def _move(actor, order: Order, to: str, reason: str | None = None) -> None:
    if to not in TRANSITIONS[order.status]:
        raise InvalidTransition("order", order.status, to)
    previous = order.status
    order.status = to
    events.record(f"order.{to}", actor=actor, holder=order.holder, obj=order, previous=previous, reason=reason,
                  on_behalf=order.on_behalf or None)


# --- schedules -------------------------------------------------------------------------

def occurrence_dates(days: list[str], starts_on: date, ends_on: date) -> list[date]:
    """Every date from ``starts_on`` to ``ends_on`` (inclusive) that falls on one of ``days``."""
    wanted = {WEEKDAYS.index(d) for d in days if d in WEEKDAYS}
    if not wanted or ends_on < starts_on:
        return []
    found, day = [], starts_on
    while day <= ends_on:
        if day.weekday() in wanted:
            found.append(day)
        day += timedelta(days=1)
    return found


def schedule_window(schedule: dict, budget) -> tuple[date, date, bool]:
    """(first day, last day, cut_short): a schedule runs to its end date or the plan end, whichever is first."""
    starts_on = date.fromisoformat(schedule["starts_on"])
    wanted_end = date.fromisoformat(schedule["ends_on"]) if schedule.get("ends_on") else budget.ends_on
    ends_on = min(wanted_end, budget.ends_on)
    return max(starts_on, budget.starts_on), ends_on, wanted_end > budget.ends_on


# --- the basket ---------------------------------------------------------------------------

def _require_can_order(actor, holder) -> None:
    if not can(actor, "holder.order", holder):
        raise NotAllowed("You cannot order for this person.")


def add_to_basket(actor, holder, listing: Listing, quantity, outcome_key: str | None, schedule: dict | None = None) -> BasketItem:
    _require_can_order(actor, holder)
    if listing.status != "published" or listing.kind == "community" or listing.organisation is None:
        raise DomainError("This cannot be ordered.")
    if not listing.organisation.is_approved_in(holder.council_id):
        raise DomainError("This provider is not approved by your council.")
    centi = to_centi(quantity)
    if centi <= 0:
        raise DomainError("Enter how many you need, more than zero.")
    if schedule is not None:
        days = [d for d in schedule.get("days", []) if d in WEEKDAYS]
        if not days:
            raise DomainError("Choose at least one day of the week.")
        schedule = {"days": days, "starts_on": schedule["starts_on"], "ends_on": schedule.get("ends_on")}
        if schedule["ends_on"] and schedule["ends_on"] < schedule["starts_on"]:
            raise DomainError("The end date must be after the start date.")
    item = BasketItem(actor_id=actor.id, holder_id=holder.id, listing_id=listing.id, quantity_centi=centi,
                      outcome_key=outcome_key, schedule=schedule)
    db.session.add(item)
    db.session.commit()
    return item


def basket(actor, holder) -> list[BasketItem]:
    return db.session.scalars(db.select(BasketItem).filter_by(actor_id=actor.id, holder_id=holder.id)
                              .order_by(BasketItem.id)).all()


def remove_from_basket(actor, item: BasketItem) -> None:
    if item.actor_id != actor.id:
        raise NotAllowed("That is not in your basket.")
    db.session.delete(item)
    db.session.commit()


def set_outcome(actor, item: BasketItem, outcome_key: str | None, quantity=None) -> None:
    if item.actor_id != actor.id:
        raise NotAllowed("That is not in your basket.")
    item.outcome_key = outcome_key
    if quantity is not None:
        if to_centi(quantity) <= 0:
            raise DomainError("Enter how many you need, more than zero.")
        item.quantity_centi = to_centi(quantity)
    db.session.commit()


# --- checking an order ------------------------------------------------------------------

@dataclass
class LineQuote:
    item: BasketItem
    listing: Listing
    unit_price_pence: int
    price_source: str
    dates: list[date]
    total_pence: int
    weekly_pence: int
    outcome_key: str | None
    outcome_words: str | None
    cut_short: bool = False


@dataclass
class Shortfall:
    pot: str | None
    words: str
    needed_pence: int
    available_pence: int
    fewer: list[str] = field(default_factory=list)  # what would fit instead
    cheaper: list[tuple[Listing, int]] = field(default_factory=list)

    @property
    def shortfall_pence(self) -> int:
        return self.needed_pence - self.available_pence


@dataclass
class Quote:
    lines: list[LineQuote]
    shortfalls: list[Shortfall]
    approval_reasons: list[str]
    problems: list[str]

    @property
    def total_pence(self) -> int:
        return sum(line.total_pence for line in self.lines)

    @property
    def fits(self) -> bool:
        return not self.shortfalls and not self.problems


class OrderDoesNotFit(DomainError):
    """The order is more than the money left; carries the shortfalls with what would fit."""

    def __init__(self, quote: Quote):
        parts = [f"{format_pence(s.shortfall_pence)} more than is left for \u201c{s.words}\u201d ({format_pence(s.available_pence)})"
                 for s in quote.shortfalls]
        super().__init__("This order does not fit the money left: it needs " + "; ".join(parts) + ".")
        self.quote = quote


def quote(actor, holder, items: list[BasketItem] | None = None) -> Quote:
    """Price the basket for the holder and check it against the plan and the money. Changes nothing."""
    _require_can_order(actor, holder)
    items = basket(actor, holder) if items is None else items
    budget = current_budget(holder)
    plan = approved_plan(budget) if budget else None
    problems: list[str] = []
    if plan is None:
        return Quote([], [], [], ["There is no approved support plan yet, so nothing can be ordered. Your care coordinator can help."])
    outcomes = {o.key: o for o in plan.outcomes}
    council = holder.council
    lines: list[LineQuote] = []
    for item in items:
        listing = item.listing
        if listing.status != "published":
            problems.append(f"\u201c{listing.title}\u201d is no longer available. Remove it from the basket.")
            continue
        if listing.organisation is None or not listing.organisation.is_approved_in(council.id):
            problems.append(f"\u201c{listing.title}\u201d is no longer available from a provider your council approves. "
                            "Remove it from the basket.")
            continue
        if item.outcome_key not in outcomes:
            problems.append(f"Choose which outcome in the plan \u201c{listing.title}\u201d is for.")
            continue
        price = price_for(listing, council)
        unit_price = price.pence or 0
        per_occurrence = multiply(unit_price, item.quantity)
        cut_short = False
        if item.schedule:
            first, last, cut_short = schedule_window(item.schedule, budget)
            dates = occurrence_dates(item.schedule["days"], max(first, clock.today()), last)
            if not dates:
                problems.append(f"The schedule for \u201c{listing.title}\u201d has no dates inside the plan year.")
                continue
            weekly = per_occurrence * len(item.schedule["days"])
        else:
            dates = [max(clock.today(), budget.starts_on)]
            weekly = per_occurrence
        outcome = outcomes[item.outcome_key]
        lines.append(LineQuote(item, listing, unit_price, price.source, dates, per_occurrence * len(dates), weekly,
                               item.outcome_key, outcome.own_words, cut_short))
    shortfalls = _shortfalls(holder, budget, lines, outcomes) if not problems else []
    return Quote(lines, shortfalls, _approval_reasons(council, lines, outcomes), problems)


def _category_reasons(lines: list[LineQuote], outcomes) -> list[str]:
    """Lines buying a kind of support the plan outcome does not foresee."""
    from catalogue.taxonomy import category_name

    reasons = []
    for line in lines:
        foreseen = outcomes[line.outcome_key].categories
        if foreseen and line.listing.category not in foreseen:
            reasons.append(f"{category_name(line.listing.category)} is not one of the kinds of support the plan foresees "
                           f"for \u201c{line.outcome_words}\u201d.")
    return reasons


def _approval_reasons(council, lines: list[LineQuote], outcomes) -> list[str]:
    """Why a coordinator must look first: support the plan does not foresee, or above the weekly limit.

    A one-off purchase counts as that week's spending, so a single large purchase above the
    council's weekly limit is checked too."""
    reasons = _category_reasons(lines, outcomes)
    limit = (council.approval_limits or [{}])[0].get("max_weekly_pence")
    weekly = sum(line.weekly_pence for line in lines)
    if limit is not None and weekly > limit:
        reasons.append(f"It costs {format_pence(weekly)} a week, above the {format_pence(limit)} a week that "
                       f"{council.name} lets people order without a check.")
    return reasons


def _shortfalls(holder, budget, lines: list[LineQuote], outcomes) -> list[Shortfall]:
    balances = ledger.balances(budget.id)
    earmarked = budget.council.money_is_earmarked
    needed: dict[str | None, int] = {}
    for line in lines:
        pot = line.outcome_key if earmarked else None
        needed[pot] = needed.get(pot, 0) + line.total_pence
    found = []
    for pot, amount in needed.items():
        available = min(balances.pot(pot).available, balances.total.available)
        if amount > available:
            words = outcomes[pot].own_words if pot else "your budget"
            shortfall = Shortfall(pot, words, amount, available)
            for line in lines:
                if (line.outcome_key if earmarked else None) == pot:
                    shortfall.fewer += _fewer(line, available)
                    shortfall.cheaper += _cheaper(holder, line)
            found.append(shortfall)
    return found


def _fewer(line: LineQuote, available: int) -> list[str]:
    if line.unit_price_pence <= 0 or available <= 0:
        return []
    from catalogue.models import PRICE_UNITS

    if line.item.schedule:
        per = line.total_pence // max(1, len(line.dates))
        sessions = available // per if per else 0
        return [f"{sessions} of the {len(line.dates)} dates of \u201c{line.listing.title}\u201d would fit."] if sessions else []
    whole = available // line.unit_price_pence
    unit = {"hour": "hours", "half_hour": "half hours", "session": "sessions", "day": "days", "week": "weeks",
            "month": "months", "item": "items", "membership": "memberships"}.get(line.listing.price_unit, PRICE_UNITS.get(line.listing.price_unit, ""))
    return [f"{whole} {unit} of \u201c{line.listing.title}\u201d would fit ({format_pence(whole * line.unit_price_pence)})."] if whole else []


def _cheaper(holder, line: LineQuote, limit: int = 3) -> list[tuple[Listing, int]]:
    """Published listings in the same category, from providers the council approves, at a lower price."""
    from catalogue.models import Organisation, OrganisationApproval

    candidates = db.session.scalars(
        db.select(Listing).join(Organisation, Listing.organisation_id == Organisation.id)
        .join(OrganisationApproval, OrganisationApproval.organisation_id == Organisation.id)
        .where(Listing.category == line.listing.category, Listing.status == "published", Listing.id != line.listing.id,
               Listing.price_unit == line.listing.price_unit, OrganisationApproval.council_id == holder.council_id,
               OrganisationApproval.status == "approved")
    ).all()
    priced = sorted(((c, price_for(c, holder.council).pence or 0) for c in candidates), key=lambda pair: pair[1])
    return [(c, p) for c, p in priced if 0 < p < line.unit_price_pence][:limit]


# --- placing an order --------------------------------------------------------------------

def place(actor, holder, submission_key: str, note: str | None = None) -> list[Order]:
    """Check the basket again and place it: one order per provider, each line's money promised
    in the same transaction. Submitting the same key twice returns the orders already placed.

    Raises OrderDoesNotFit (with the shortfall and what would fit) or DomainError.
    """
    _require_can_order(actor, holder)
    existing = orders_for_submission(submission_key, holder, actor)
    if existing:
        return existing
    budget = current_budget(holder)
    if budget is None:
        raise DomainError("There is no budget yet.")
    ledger.lock_budget(budget)  # from here until commit, nobody else moves this budget's money
    existing = orders_for_submission(submission_key, holder, actor)  # a twin request may have finished while we waited
    if existing:
        db.session.rollback()
        return existing
    items = basket(actor, holder)
    if not items:
        raise DomainError("The basket is empty.")
    checked = quote(actor, holder, items)
    if checked.problems:
        raise DomainError(" ".join(checked.problems))
    if checked.shortfalls:
        raise OrderDoesNotFit(checked)
    by_provider: dict[int, list[LineQuote]] = {}
    for line in checked.lines:
        by_provider.setdefault(line.listing.organisation_id, []).append(line)
    orders = []
    outcomes = {o.key: o for o in approved_plan(budget).outcomes}
    # The weekly limit applies to the whole checkout, as the basket showed it: splitting a
    # basket between providers must not get round the council's check.
    over_limit = [r for r in checked.approval_reasons if r not in _category_reasons(checked.lines, outcomes)]
    for organisation_id, lines in sorted(by_provider.items()):
        reasons = _category_reasons(lines, outcomes) + over_limit
        order = Order(holder_id=holder.id, council_id=holder.council_id, budget_id=budget.id, organisation_id=organisation_id,
                      placed_by_id=actor.id, kind="schedule" if any(l.item.schedule for l in lines) else "purchase",
                      status="awaiting_approval" if reasons else "placed", submission_key=f"{submission_key}:{organisation_id}",
                      approval_reasons=reasons, note_to_provider=(note or "").strip() or None, placed_at=clock.now())
        db.session.add(order)
        db.session.flush()
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
                db.session.add(Occurrence(line=order_line, order=order, on=day, quantity_centi=line.item.quantity_centi,
                                          amount_pence=amount))
            ledger.commit(budget, line.total_pence, outcome_key=line.outcome_key, cause=order, actor=actor,
                          memo=f"Order {order.id}: {line.listing.title}")
        order.committed_pence = sum(l.total_pence for l in lines)
        events.record("order.placed" if not reasons else "order.awaiting_approval", actor=actor, holder=holder, obj=order,
                      total_pence=order.committed_pence, on_behalf=(actor.id != holder.user_id) or None)
        orders.append(order)
    for item in items:
        db.session.delete(item)
    try:
        db.session.commit()
    except IntegrityError:  # the same submission raced us to the database
        db.session.rollback()
        existing = orders_for_submission(submission_key, holder, actor)
        if existing:
            return existing
        raise
    for order in orders:
        _announce(order)
    db.session.commit()
    return orders


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


def _order_link(order: Order) -> str:
    """The order's path inside the product (never a full URL, even outside a request: notify() adds the host)."""
    try:
        return url_for("orders.show", order_id=order.id, _external=False)
    except RuntimeError:
        return f"/orders/{order.id}"


def _provider_people_for(organisation_id: int):
    from ..accounts.models import RoleGrant

    return [g.user for g in db.session.scalars(db.select(RoleGrant).where(
        RoleGrant.organisation_id == organisation_id, RoleGrant.role.in_(R.ORGANISATION_ROLES)))]


def _provider_people(order: Order):
    return _provider_people_for(order.organisation_id)


def _buyers(order: Order):
    holder = order.holder
    people = [holder.user] if holder.user is not None else []
    people += [d.delegate for d in holder.active_delegations() if d.allows("order") or d.allows("approve_invoices")]
    return people + [order.placed_by]


def _coordinators(order: Order):
    from ..accounts.models import RoleGrant

    named = order.holder.named_contact
    if named is not None:
        return [named]
    return [g.user for g in db.session.scalars(db.select(RoleGrant).filter_by(council_id=order.council_id, role=R.CARE_COORDINATOR))]


def _announce(order: Order) -> None:
    link = _order_link(order)
    if order.status == "awaiting_approval":
        notify_all(_coordinators(order), f"An order needs your approval: {order.holder.name}",
                   f"{order.who_text}: {format_pence(order.committed_pence)} with {order.organisation.name}. "
                   + " ".join(order.approval_reasons), link)
    else:
        notify_all(_provider_people(order), f"New order from {order.holder.name}",
                   f"{order.who_text}: {format_pence(order.committed_pence)}. Please accept or decline it.", link)


# --- the coordinator's check ---------------------------------------------------------------

def approve(actor, order: Order, approve_it: bool, reason: str | None = None) -> Order:
    if not can(actor, "order.approve", order):
        raise NotAllowed("You cannot approve orders for this person.")
    reason = (reason or "").strip() or None
    if not approve_it and not reason:
        raise DomainError("Give a reason the person can read.")
    _move(actor, order, "placed" if approve_it else "rejected", reason)
    order.decided_by_id = actor.id
    order.decision_reason = reason
    if not approve_it:
        _release_open(actor, order, "Not approved by the care coordinator")
        order.closed_at = clock.now()
    db.session.commit()
    link = _order_link(order)
    if approve_it:
        _announce(order)
        notify_all(_buyers(order), "Your order was approved", f"The order with {order.organisation.name} has gone to the provider.", link)
    else:
        notify_all(_buyers(order), "Your order was not approved", f"The reason given: {reason}", link)
    db.session.commit()
    return order


def _release_open(actor, order: Order, memo: str) -> int:
    """Release the money still promised for occurrences not yet delivered; returns the amount."""
    released = 0
    for line in order.lines:
        amount = 0
        for occurrence in line.occurrences:
            if occurrence.status == "scheduled":
                amount += occurrence.amount_pence
                occurrence.status = "cancelled"
        if amount:
            ledger.release(order.budget, amount, outcome_key=line.outcome_key, cause=order, actor=actor, memo=memo)
            released += amount
    return released


# --- the provider's side -------------------------------------------------------------------

def _require_provider(actor, order: Order) -> None:
    if not can(actor, "order.provide", order):
        raise NotAllowed("This order is not for your organisation.")


def accept(actor, order: Order) -> Order:
    _require_provider(actor, order)
    _move(actor, order, "accepted")
    order.accepted_at = clock.now()
    db.session.commit()
    notify_all(_buyers(order), f"{order.organisation.name} accepted your order", f"Order {order.id} is accepted.", _order_link(order))
    db.session.commit()
    return order


def decline(actor, order: Order, reason: str) -> Order:
    """The provider says no; every penny promised goes back to the budget."""
    _require_provider(actor, order)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason the person can read.")
    _move(actor, order, "declined", reason)
    order.decision_reason = reason
    order.closed_at = clock.now()
    _release_open(actor, order, "Declined by the provider")
    db.session.commit()
    notify_all(_buyers(order), f"{order.organisation.name} declined your order",
               f"The reason given: {reason}. The money is back in the budget.", _order_link(order))
    db.session.commit()
    return order


def record_delivery(actor, occurrence: Occurrence, delivered_quantity=None, note: str | None = None) -> Occurrence:
    """A delivery note or timesheet. A timesheet with different hours re-prices the occurrence:
    fewer hours release money, more hours must fit the money left."""
    order = occurrence.order
    _require_provider(actor, order)
    if order.status != "accepted":
        raise DomainError("Only accepted orders can have deliveries recorded.")
    if occurrence.status not in ("scheduled", "disputed"):
        raise DomainError("This delivery has already been recorded.")
    if occurrence.on > clock.today():
        raise DomainError("This date has not come yet.")
    line = occurrence.line
    if delivered_quantity is not None:
        centi = to_centi(delivered_quantity)
        if centi <= 0:
            raise DomainError("Enter the hours or number delivered, more than zero, or cancel the date instead.")
        new_amount = multiply(line.unit_price_pence, centi / 100)
        difference = new_amount - occurrence.amount_pence
        if difference > 0:
            ledger.commit(order.budget, difference, outcome_key=line.outcome_key, cause=order, actor=actor,
                          memo=f"Order {order.id}: extra time delivered", what="cover the extra time")
        elif difference < 0:
            ledger.release(order.budget, -difference, outcome_key=line.outcome_key, cause=order, actor=actor,
                           memo=f"Order {order.id}: less time delivered than booked")
        occurrence.delivered_quantity_centi = centi
        occurrence.amount_pence = new_amount
    else:
        occurrence.delivered_quantity_centi = occurrence.quantity_centi
    occurrence.status = "delivered"
    occurrence.delivery_note = (note or "").strip() or None
    occurrence.delivered_at = clock.now()
    occurrence.recorded_by_id = actor.id
    events.record("order.delivery_recorded", actor=actor, holder=order.holder, obj=order, occurrence=occurrence.id,
                  on=occurrence.on.isoformat(), amount_pence=occurrence.amount_pence)
    db.session.commit()
    notify_all(_buyers(order), "Please confirm a delivery",
               f"{order.organisation.name} says they delivered \u201c{line.title}\u201d on {occurrence.on:%d %B %Y}. "
               "Please confirm it, or tell us if something is wrong.", _order_link(order))
    db.session.commit()
    return occurrence


# --- the buyer's side -----------------------------------------------------------------------

def _require_buyer(actor, order: Order) -> None:
    if not can(actor, "order.confirm", order):
        raise NotAllowed("You cannot confirm deliveries for this person.")


def confirm(actor, occurrence: Occurrence) -> Occurrence:
    """Only confirmed delivery can be invoiced and paid."""
    order = occurrence.order
    _require_buyer(actor, order)
    if occurrence.status != "delivered":
        raise DomainError("Only a delivery the provider has recorded can be confirmed.")
    occurrence.status = "confirmed"
    occurrence.confirmed_at = clock.now()
    occurrence.confirmed_by_id = actor.id
    events.record("order.delivery_confirmed", actor=actor, holder=order.holder, obj=order, occurrence=occurrence.id)
    _maybe_delivered(actor, order)
    db.session.commit()
    from ..billing.service import invoice_on_confirmation

    invoice_on_confirmation(occurrence, actor)
    return occurrence


def dispute(actor, occurrence: Occurrence, reason: str) -> Occurrence:
    order = occurrence.order
    _require_buyer(actor, order)
    if occurrence.status != "delivered":
        raise DomainError("Only a delivery the provider has recorded can be disputed.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say what is wrong, so the provider can put it right.")
    occurrence.status = "disputed"
    occurrence.dispute_reason = reason
    events.record("order.delivery_disputed", actor=actor, holder=order.holder, obj=order, occurrence=occurrence.id, reason=reason)
    db.session.commit()
    notify_all(_provider_people(order), f"A delivery was disputed: {order.holder.name}",
               f"\u201c{occurrence.line.title}\u201d on {occurrence.on:%d %B %Y}: {reason}", _order_link(order))
    db.session.commit()
    return occurrence


def withdraw_delivery(actor, occurrence: Occurrence, response: str) -> Occurrence:
    """The provider accepts a dispute: the date is cancelled and its money released."""
    order = occurrence.order
    _require_provider(actor, order)
    if occurrence.status != "disputed":
        raise DomainError("Only a disputed delivery can be withdrawn.")
    occurrence.provider_response = (response or "").strip() or None
    occurrence.status = "cancelled"
    ledger.release(order.budget, occurrence.amount_pence, outcome_key=occurrence.line.outcome_key, cause=order, actor=actor,
                   memo=f"Order {order.id}: delivery withdrawn after a dispute")
    events.record("order.delivery_withdrawn", actor=actor, holder=order.holder, obj=order, occurrence=occurrence.id)
    _maybe_delivered(actor, order)
    db.session.commit()
    return occurrence


def _maybe_delivered(actor, order: Order) -> None:
    occurrences = [o for line in order.lines for o in line.occurrences]
    if order.status == "accepted" and occurrences and all(o.status in FINAL_OCCURRENCE for o in occurrences):
        if any(o.status in ("confirmed", "cancelled_charged", "invoiced", "paid") for o in occurrences):
            _move(actor, order, "delivered")
        else:
            _move(actor, order, "cancelled", "Every date was cancelled")
        order.closed_at = clock.now()


def _starts_at(day: date) -> datetime:
    """Notice is counted from the start of the day (00:00, London time) of the occurrence."""
    return datetime.combine(day, time(0, 0), tzinfo=clock.LONDON)


def cancel(actor, order: Order, from_date: date | None = None) -> dict:
    """The buyer cancels the order, or its dates from ``from_date``. Inside the listing's notice
    period the provider may charge what the listing states; everything else goes back to the budget.
    Returns {"released": pence, "charged": pence}."""
    if not can(actor, "holder.order", order.holder):
        raise NotAllowed("You cannot cancel orders for this person.")
    if order.status not in ("awaiting_approval", "placed", "accepted"):
        raise InvalidTransition("order", order.status, "cancelled")
    moment = clock.now()
    provider_knows = order.status in ("placed", "accepted")  # an order waiting for the coordinator never reached them
    released = charged = 0
    for line in order.lines:
        release_amount = 0
        for occurrence in line.occurrences:
            if occurrence.status != "scheduled" or (from_date is not None and occurrence.on < from_date):
                continue
            inside_notice = order.status == "accepted" and _starts_at(occurrence.on) - moment < timedelta(hours=line.notice_hours)
            charge = occurrence.amount_pence * line.cancellation_charge_percent // 100 if inside_notice else 0
            if charge:
                release_amount += occurrence.amount_pence - charge
                occurrence.amount_pence = charge
                occurrence.status = "cancelled_charged"
                charged += charge
            else:
                release_amount += occurrence.amount_pence
                occurrence.status = "cancelled"
        if release_amount:
            ledger.release(order.budget, release_amount, outcome_key=line.outcome_key, cause=order, actor=actor,
                           memo=f"Order {order.id}: cancelled")
            released += release_amount
    events.record("order.dates_cancelled", actor=actor, holder=order.holder, obj=order, released=released, charged=charged,
                  from_date=from_date.isoformat() if from_date else None)
    remaining = [o for line in order.lines for o in line.occurrences if o.status == "scheduled"]
    if not remaining:
        if order.status == "accepted":
            _maybe_delivered(actor, order)
        else:
            _move(actor, order, "cancelled")
            order.closed_at = clock.now()
    db.session.commit()
    notify_all(_provider_people(order) if provider_knows else [], f"Order {order.id} changed: dates cancelled",
               f"{order.who_text}. Cancelled dates: {format_pence(released + charged)}"
               + (f", of which {format_pence(charged)} may be charged as late cancellation." if charged else "."),
               _order_link(order))
    db.session.commit()
    return {"released": released, "charged": charged}


# --- amending a schedule, with both sides agreeing ----------------------------------------------

def propose_amendment(actor, line: OrderLine, from_date: date, days: list[str], quantity, reason: str | None = None):
    from .models import ScheduleAmendment

    order = line.order
    if not (can(actor, "order.provide", order) or can(actor, "holder.order", order.holder)):
        raise NotAllowed("You cannot change this order.")
    if order.status != "accepted" or not line.schedule:
        raise DomainError("Only an accepted schedule can be changed.")
    days = [d for d in days if d in WEEKDAYS]
    if not days or to_centi(quantity) <= 0:
        raise DomainError("Choose the days and how much each time.")
    if from_date <= clock.today():
        raise DomainError("A change must start after today.")
    amendment = ScheduleAmendment(line_id=line.id, proposed_by_id=actor.id, from_date=from_date, days=days,
                                  quantity_centi=to_centi(quantity), reason=(reason or "").strip() or None)
    db.session.add(amendment)
    events.record("order.amendment_proposed", actor=actor, holder=order.holder, obj=order)
    db.session.commit()
    other = _buyers(order) if can(actor, "order.provide", order) else _provider_people(order)
    notify_all(other, f"A change to order {order.id} is proposed", f"From {from_date:%d %B %Y}: {', '.join(days)}.",
               _order_link(order))
    db.session.commit()
    return amendment


def decide_amendment(actor, amendment, agree: bool):
    """The other side agrees (future dates replaced, money re-promised) or refuses."""
    line = amendment.line
    order = line.order
    proposer_is_provider = can(amendment.proposed_by, "order.provide", order)
    allowed = can(actor, "holder.order", order.holder) if proposer_is_provider else can(actor, "order.provide", order)
    if not allowed or actor.id == amendment.proposed_by_id:
        raise NotAllowed("The other side must agree to this change.")
    if amendment.status != "proposed":
        raise DomainError("This change has already been decided.")
    amendment.status = "agreed" if agree else "refused"
    amendment.decided_by_id = actor.id
    if agree:
        old = [o for o in line.occurrences if o.status == "scheduled" and o.on >= amendment.from_date]
        old_total = sum(o.amount_pence for o in old)
        for occurrence in old:
            occurrence.status = "cancelled"
        dates = occurrence_dates(amendment.days, amendment.from_date, schedule_window(line.schedule, order.budget)[1])
        per = multiply(line.unit_price_pence, amendment.quantity_centi / 100)
        new_total = per * len(dates)
        if new_total > old_total:
            ledger.commit(order.budget, new_total - old_total, outcome_key=line.outcome_key, cause=order, actor=actor,
                          memo=f"Order {order.id}: schedule changed", what="pay for the changed schedule")
        elif old_total > new_total:
            ledger.release(order.budget, old_total - new_total, outcome_key=line.outcome_key, cause=order, actor=actor,
                           memo=f"Order {order.id}: schedule changed")
        for day in dates:
            db.session.add(Occurrence(line=line, order=order, on=day, quantity_centi=amendment.quantity_centi, amount_pence=per))
        line.schedule = {**line.schedule, "days": amendment.days}
        line.quantity_centi = amendment.quantity_centi
    events.record(f"order.amendment_{amendment.status}", actor=actor, holder=order.holder, obj=order)
    db.session.commit()
    return amendment


# --- queues ----------------------------------------------------------------------------------

def unconfirmed(holder_ids: list[int] | None = None, council_id: int | None = None) -> list[Occurrence]:
    """Deliveries recorded more than 14 days ago and still not confirmed: nothing is paid silently."""
    cutoff = clock.now() - UNCONFIRMED_AFTER
    query = (db.select(Occurrence).join(Order, Occurrence.order_id == Order.id)
             .where(Occurrence.status == "delivered", Occurrence.delivered_at < cutoff).order_by(Occurrence.delivered_at))
    if holder_ids is not None:
        query = query.where(Order.holder_id.in_(holder_ids or [-1]))
    if council_id is not None:
        query = query.where(Order.council_id == council_id)
    return db.session.scalars(query).all()


def orders_for_holder(holder) -> list[Order]:
    return db.session.scalars(db.select(Order).filter_by(holder_id=holder.id).order_by(Order.created_at.desc(), Order.id.desc())).all()


def orders_for_organisations(organisation_ids: set[int], statuses: tuple[str, ...] | None = None) -> list[Order]:
    query = db.select(Order).where(Order.organisation_id.in_(organisation_ids or {-1}))
    if statuses:
        query = query.where(Order.status.in_(statuses))
    return db.session.scalars(query.order_by(Order.created_at.desc(), Order.id.desc())).all()


def awaiting_approval(council) -> list[Order]:
    return db.session.scalars(db.select(Order).filter_by(council_id=council.id, status="awaiting_approval")
                              .order_by(Order.created_at)).all()
