"""Delivery: the provider records a date as delivered (a delivery note, or a timesheet with the
hours worked), the buyer confirms or disputes it, and a disputed date is recorded again or
withdrawn. Only confirmed delivery is paid for.

Billing needs to know when delivery is confirmed; rather than import billing, this module sends
the ``delivery_confirmed`` signal (blinker, as Flask uses) after the confirmation is committed,
and billing listens. Dependencies run one way: billing imports orders, never the reverse.
"""
from __future__ import annotations

from blinker import Namespace

from .. import clock
from ..budgets import ledger
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..money import multiply
from ..policy import can
from .lifecycle import advance, require_provider
from .models import OCCURRENCE, ORDER, Occurrence, to_centi
from .notices import tell_buyers, tell_provider

_signals = Namespace()
delivery_confirmed = _signals.signal("delivery-confirmed")
"""Sent with the confirmed ``Occurrence`` as sender and ``actor=`` the person who confirmed it."""


def can_record(occurrence: Occurrence) -> bool:
    """Whether a delivery can be recorded for this date now: the order is accepted, the date has come,
    and the date is booked or was disputed."""
    return (ORDER.can_move(occurrence.order, "delivered") and OCCURRENCE.can_move(occurrence, "delivered")
            and occurrence.on <= clock.today())


def record_delivery(actor, occurrence: Occurrence, delivered_quantity=None, note: str | None = None) -> Occurrence:
    """A delivery note or timesheet. A timesheet with different hours re-prices the occurrence:
    fewer hours release money, more hours must fit the money left."""
    order = occurrence.order
    require_provider(actor, order)
    if not ORDER.can_move(order, "delivered"):
        raise DomainError("Only accepted orders can have deliveries recorded.")
    if not OCCURRENCE.can_move(occurrence, "delivered"):
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
    OCCURRENCE.move(occurrence, "delivered", actor=actor, on=occurrence.on.isoformat(), amount_pence=occurrence.amount_pence)
    occurrence.delivery_note = (note or "").strip() or None
    occurrence.delivered_at = clock.now()
    occurrence.recorded_by_id = actor.id
    db.session.flush()  # told in the same transaction as the change
    tell_buyers(order, "Please confirm a delivery",
                f"{order.organisation.name} says they delivered \u201c{line.title}\u201d on {occurrence.on:%d %B %Y}. "
                "Please confirm it, or tell us if something is wrong.")
    db.session.commit()
    return occurrence


def _require_buyer(actor, occurrence: Occurrence) -> None:
    if not can(actor, "order.confirm", occurrence.order):
        raise NotAllowed("You cannot confirm deliveries for this person.")


def confirm(actor, occurrence: Occurrence) -> Occurrence:
    """Only confirmed delivery can be invoiced and paid; billing hears of it through ``delivery_confirmed``."""
    _require_buyer(actor, occurrence)
    if not OCCURRENCE.can_move(occurrence, "confirmed"):
        raise DomainError("Only a delivery the provider has recorded can be confirmed.")
    OCCURRENCE.move(occurrence, "confirmed", actor=actor)
    occurrence.confirmed_at = clock.now()
    occurrence.confirmed_by_id = actor.id
    advance(actor, occurrence.order)
    db.session.commit()
    delivery_confirmed.send(occurrence, actor=actor)
    return occurrence


def dispute(actor, occurrence: Occurrence, reason: str) -> Occurrence:
    _require_buyer(actor, occurrence)
    if not OCCURRENCE.can_move(occurrence, "disputed"):
        raise DomainError("Only a delivery the provider has recorded can be disputed.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say what is wrong, so the provider can put it right.")
    OCCURRENCE.move(occurrence, "disputed", actor=actor, reason=reason)
    occurrence.dispute_reason = reason
    db.session.flush()  # told in the same transaction as the change
    order = occurrence.order
    tell_provider(order, f"A delivery was disputed: {order.holder.name}",
                  f"\u201c{occurrence.line.title}\u201d on {occurrence.on:%d %B %Y}: {reason}")
    db.session.commit()
    return occurrence


def withdraw_delivery(actor, occurrence: Occurrence, response: str) -> Occurrence:
    """The provider accepts a dispute: the date is cancelled and its money released."""
    order = occurrence.order
    require_provider(actor, order)
    if occurrence.status != "disputed":
        raise DomainError("Only a disputed delivery can be withdrawn.")
    occurrence.provider_response = (response or "").strip() or None
    OCCURRENCE.move(occurrence, "cancelled", actor=actor, reason=occurrence.provider_response or "Withdrawn after a dispute")
    ledger.release(order.budget, occurrence.amount_pence, outcome_key=occurrence.line.outcome_key, cause=order, actor=actor,
                   memo=f"Order {order.id}: delivery withdrawn after a dispute")
    advance(actor, order)
    db.session.commit()
    return occurrence
