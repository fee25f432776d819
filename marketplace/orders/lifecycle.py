"""An order's life after it is placed: the coordinator's check, the provider accepting or
declining, the buyer cancelling, and the order moving on as its dates are delivered, invoiced
and paid. Every status change goes through ``ORDER`` and ``OCCURRENCE`` (models.py)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from .. import clock
from ..budgets import ledger
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..money import format_pence
from ..policy import can
from .models import DECLINE_KINDS, OCCURRENCE, ORDER, Order
from .notices import announce, tell_buyers, tell_provider

# Where every date has reached one of these, the order has run its course.
SETTLED = frozenset({"confirmed", "cancelled", "cancelled_charged", "invoiced", "paid"})
# An order delivered (not merely cancelled) has at least one date the provider is paid for.
CHARGEABLE = frozenset({"confirmed", "cancelled_charged", "invoiced", "paid"})


def _occurrences(order: Order) -> list:
    return [o for line in order.lines for o in line.occurrences]


def advance(actor, order: Order) -> None:
    """Move the order on when its dates allow: every date settled makes it delivered (or cancelled,
    if nothing was delivered); every delivered date invoiced makes it invoiced; every one paid, paid.
    Deliveries and billing call this after changing dates; the caller commits."""
    occurrences = _occurrences(order)
    if not occurrences:
        return
    states = {o.status for o in occurrences}
    if ORDER.can_move(order, "delivered") and states <= SETTLED:
        if states & CHARGEABLE:
            ORDER.move(order, "delivered", actor=actor)
        else:
            ORDER.move(order, "cancelled", actor=actor, reason="Every date was cancelled")
        order.closed_at = clock.now()
    if ORDER.can_move(order, "invoiced") and states <= {"invoiced", "cancelled", "paid"}:
        ORDER.move(order, "invoiced", actor=actor)
    if ORDER.can_move(order, "paid") and states <= {"paid", "cancelled"}:
        ORDER.move(order, "paid", actor=actor)


def release_open(actor, order: Order, memo: str) -> int:
    """Cancel the dates not yet delivered and release their money; returns the amount."""
    released = 0
    for line in order.lines:
        amount = 0
        for occurrence in line.occurrences:
            if occurrence.status == "scheduled":
                amount += occurrence.amount_pence
                OCCURRENCE.move(occurrence, "cancelled", actor=actor, reason=memo)
        if amount:
            ledger.release(order.budget, amount, outcome_key=line.outcome_key, cause=order, actor=actor, memo=memo)
            released += amount
    return released


# --- the coordinator's check ---------------------------------------------------------------

def approve(actor, order: Order, approve_it: bool, reason: str | None = None) -> Order:
    """The care coordinator lets an order go to the provider, or refuses it (with a reason) and its money returns."""
    if not can(actor, "order.approve", order):
        raise NotAllowed("You cannot approve orders for this person.")
    reason = (reason or "").strip() or None
    if not approve_it and not reason:
        raise DomainError("Give a reason the person can read.")
    ORDER.move(order, "placed" if approve_it else "rejected", actor=actor, reason=reason)
    order.decided_by_id = actor.id
    order.decision_reason = reason
    if not approve_it:
        release_open(actor, order, "Not approved by the care coordinator")
        order.closed_at = clock.now()
    db.session.flush()  # told in the same transaction as the change
    if approve_it:
        announce(order)
        tell_buyers(order, "Your order was approved", f"The order with {order.organisation.name} has gone to the provider.")
    else:
        tell_buyers(order, "Your order was not approved", f"The reason given: {reason}")
    db.session.commit()
    return order


# --- the provider's side -------------------------------------------------------------------

def require_provider(actor, order: Order) -> None:
    if not can(actor, "order.provide", order):
        raise NotAllowed("This order is not for your organisation.")


def accept(actor, order: Order) -> Order:
    require_provider(actor, order)
    ORDER.move(order, "accepted", actor=actor)
    order.accepted_at = clock.now()
    db.session.flush()  # told in the same transaction as the change
    tell_buyers(order, f"{order.organisation.name} accepted your order", f"Order {order.id} is accepted.")
    db.session.commit()
    return order


def decline(actor, order: Order, reason: str, kind: str = "other") -> Order:
    """The provider says no, saying which kind of reason (``DECLINE_KINDS``: counted in the commissioners'
    unmet-demand report) and why in their own words (for the buyer); every penny promised goes back."""
    require_provider(actor, order)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason the person can read.")
    if kind not in DECLINE_KINDS:
        raise DomainError("Choose why you are declining.")
    ORDER.move(order, "declined", actor=actor, reason=reason, kind=kind)
    order.decision_reason = reason
    order.decline_kind = kind
    order.closed_at = clock.now()
    release_open(actor, order, "Declined by the provider")
    db.session.flush()  # told in the same transaction as the change
    tell_buyers(order, f"{order.organisation.name} declined your order",
                f"The reason given: {reason}. The money is back in the budget.")
    db.session.commit()
    return order


# --- the buyer cancelling --------------------------------------------------------------------

def _starts_at(day: date) -> datetime:
    """Notice is counted from the start of the day (00:00, London time) of the occurrence."""
    return datetime.combine(day, time(0, 0), tzinfo=clock.LONDON)


def cancel(actor, order: Order, from_date: date | None = None) -> dict:
    """The buyer cancels the order, or its dates from ``from_date``. Inside the listing's notice
    period the provider may charge what the listing states; everything else goes back to the budget.
    Returns {"released": pence, "charged": pence}."""
    if not can(actor, "holder.order", order.holder):
        raise NotAllowed("You cannot cancel orders for this person.")
    ORDER.check(order, "cancelled")
    moment = clock.now()
    provider_knows = order.status in ("placed", "accepted")  # an order waiting for the coordinator never reached them
    accepted = order.status == "accepted"
    released = charged = 0
    for line in order.lines:
        release_amount = 0
        for occurrence in line.occurrences:
            if occurrence.status != "scheduled" or (from_date is not None and occurrence.on < from_date):
                continue
            inside_notice = accepted and _starts_at(occurrence.on) - moment < timedelta(hours=line.notice_hours)
            charge = occurrence.amount_pence * line.cancellation_charge_percent // 100 if inside_notice else 0
            if charge:
                release_amount += occurrence.amount_pence - charge
                occurrence.amount_pence = charge
                OCCURRENCE.move(occurrence, "cancelled_charged", actor=actor, reason="Cancelled inside the notice period")
                charged += charge
            else:
                release_amount += occurrence.amount_pence
                OCCURRENCE.move(occurrence, "cancelled", actor=actor, reason="Cancelled by the buyer")
        if release_amount:
            ledger.release(order.budget, release_amount, outcome_key=line.outcome_key, cause=order, actor=actor,
                           memo=f"Order {order.id}: cancelled")
            released += release_amount
    if not any(o.status == "scheduled" for o in _occurrences(order)):
        if accepted:
            advance(actor, order)
        else:
            ORDER.move(order, "cancelled", actor=actor, released=released)
            order.closed_at = clock.now()
    db.session.commit()
    if provider_knows:
        tell_provider(order, f"Order {order.id} changed: dates cancelled",
                      f"{order.who_text}. Cancelled dates: {format_pence(released + charged)}"
                      + (f", of which {format_pence(charged)} may be charged as late cancellation." if charged else "."))
        db.session.commit()
    return {"released": released, "charged": charged}
