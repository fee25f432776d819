"""Stopping and restarting a holder's booked dates for a reason outside the order itself: a stay in
hospital, a move or a death, recorded by council staff (``marketplace.lifeevents``).

Every date changes state through ``OCCURRENCE`` and every penny through the ledger, as the buyer's own
cancelling does (lifecycle.cancel). Occurrences are made when an order is placed (there is no rolling
generator), so a paused date is cancelled and its money released; restarting books new occurrences for
the same dates and promises their money again. A cancelled occurrence cannot be booked again (the
table has no way back), which keeps the record of what was paused.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .. import clock
from ..budgets import ledger
from ..extensions import db
from .lifecycle import advance
from .models import OCCURRENCE, ORDER, Occurrence, Order, OrderLine
from .notices import announce

# Orders whose booked dates may still happen: waiting for the coordinator, for the provider, or accepted.
LIVE = ("awaiting_approval", "placed", "accepted")


@dataclass
class Stopped:
    """One date stopped: cancelled free (``charge_pence`` 0) or late, with the listing's charge kept."""

    occurrence: Occurrence
    released_pence: int
    charge_pence: int = 0


def live_orders(holder) -> list[Order]:
    return db.session.scalars(db.select(Order).where(Order.holder_id == holder.id, Order.status.in_(LIVE))
                              .order_by(Order.id)).all()


def provider_knows(order: Order) -> bool:
    """An order waiting for the coordinator never reached the provider, so they are not told about it."""
    return order.status in ("placed", "accepted")


def _inside_notice(order: Order, line: OrderLine, day: date, moment: datetime) -> bool:
    """As lifecycle.cancel counts it: from 00:00 London on the date, only once the provider has accepted."""
    starts = datetime.combine(day, time(0, 0), tzinfo=clock.LONDON)
    return order.status == "accepted" and starts - moment < timedelta(hours=line.notice_hours)


def stop_dates(actor, order: Order, start: date, end: date | None = None, *, notice: bool, reason: str,
               lines: list[OrderLine] | None = None) -> list[Stopped]:
    """Cancel the booked dates of ``order`` (or of some of its ``lines``) from ``start`` up to, not
    including, ``end`` (open-ended when None), and release their money, one ledger entry per line.

    With ``notice`` the listing's notice rule applies as when the buyer cancels: a date inside the
    notice period of an accepted order is cancelled late and the listing's charge stays promised.
    Dates already delivered, confirmed or invoiced are never touched. The order itself stays open:
    ``close_if_done`` ends it when nothing is left. The caller commits."""
    moment = clock.now()
    stopped: list[Stopped] = []
    for line in lines if lines is not None else order.lines:
        released = 0
        for occurrence in line.occurrences:
            if occurrence.status != "scheduled" or occurrence.on < start or (end is not None and occurrence.on >= end):
                continue
            charge = 0
            if notice and _inside_notice(order, line, occurrence.on, moment):
                charge = occurrence.amount_pence * line.cancellation_charge_percent // 100
            if charge:
                free = occurrence.amount_pence - charge
                occurrence.amount_pence = charge
                OCCURRENCE.move(occurrence, "cancelled_charged", actor=actor, reason=f"{reason}: inside the notice period")
            else:
                free = occurrence.amount_pence
                OCCURRENCE.move(occurrence, "cancelled", actor=actor, reason=reason)
            released += free
            stopped.append(Stopped(occurrence, free, charge))
        if released:
            ledger.release(order.budget, released, outcome_key=line.outcome_key, cause=order, actor=actor, memo=f"Order {order.id}: {reason}")
    return stopped


def close_if_done(actor, order: Order, reason: str) -> None:
    """End an order with no booked date left, as lifecycle.cancel does: an accepted one moves on
    (delivered, or cancelled when nothing was delivered); one never accepted is cancelled."""
    if any(o.status == "scheduled" for line in order.lines for o in line.occurrences):
        return
    if order.status == "accepted":
        advance(actor, order)
    elif ORDER.can_move(order, "cancelled"):
        ORDER.move(order, "cancelled", actor=actor, reason=reason)
        order.closed_at = clock.now()


def still_open(order: Order) -> bool:
    return order.status in LIVE


def restart_dates(actor, order: Order, dates: list[tuple[OrderLine, date, int, int]], *, reason: str,
                  key: str) -> tuple[Order, list[Occurrence]]:
    """Book again ``dates`` ((line, day, quantity_centi, amount_pence)) of ``order`` and promise their money.

    While the order is open the dates join it. An order that ended meanwhile (its last dates before the
    pause were delivered and it moved on) cannot take new dates, so a continuation order with the same
    provider, prices and lines is placed and sent to the provider to accept (``key`` makes it once only).
    Raises InsufficientFunds when the money was spent meanwhile. The caller commits."""
    target = order
    copies: dict[int, OrderLine] = {}
    if not still_open(order):
        target = Order(holder_id=order.holder_id, council_id=order.council_id, budget_id=order.budget_id,
                       organisation_id=order.organisation_id, placed_by_id=actor.id, kind=order.kind,
                       submission_key=key[:64], approval_reasons=[], placed_at=clock.now(),
                       note_to_provider=f"This continues order {order.id}.",
                       committed_pence=sum(amount for _line, _day, _q, amount in dates))
        db.session.add(target)
        ORDER.start(target, "placed", actor=actor, reason=reason, continues=order.id)
    made: list[Occurrence] = []
    per_line: dict[int, tuple[OrderLine, int]] = {}
    for line, day, quantity, amount in dates:
        booked_line = line
        if target is not order:
            if line.id not in copies:
                copies[line.id] = OrderLine(
                    order=target, listing_id=line.listing_id, title=line.title, category=line.category, unit=line.unit,
                    unit_price_pence=line.unit_price_pence, price_source=line.price_source,
                    vat_rate_percent=line.vat_rate_percent, quantity_centi=line.quantity_centi,
                    outcome_key=line.outcome_key, outcome_words=line.outcome_words, schedule=line.schedule,
                    notice_hours=line.notice_hours, cancellation_charge_percent=line.cancellation_charge_percent)
                db.session.add(copies[line.id])
            booked_line = copies[line.id]
        occurrence = Occurrence(line=booked_line, order=target, on=day, quantity_centi=quantity, amount_pence=amount)
        OCCURRENCE.start(occurrence, "scheduled", actor=actor, reason=reason)
        db.session.add(occurrence)
        made.append(occurrence)
        _, total = per_line.get(line.id, (booked_line, 0))
        per_line[line.id] = (booked_line, total + amount)
    for booked_line, total in per_line.values():
        ledger.commit(order.budget, total, outcome_key=booked_line.outcome_key, cause=target, actor=actor,
                      memo=f"Order {target.id}: {reason}", what="book these dates again")
    if target is not order:
        db.session.flush()
        announce(target)
    return target, made
