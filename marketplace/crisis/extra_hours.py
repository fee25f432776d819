"""Extra support on an accepted schedule, paid from the plan's contingency.

Decisions:
- The extra is booked as separate dates on the same order line (one a week, on the first of the
  line's own days in that week, from tomorrow), at the line's agreed price, so the provider records,
  invoices and is paid for them like any other date, and stopping early cancels exactly those.
- The money for all of them is promised at once (``ledger.commit`` with the line's outcome), under the
  budget's lock: it must fit both the contingency left and the money left, or nothing is booked.
- What the contingency has left is derived from the extra dates still standing (a date the order's own
  cancellation cancels gives its money back to the contingency too).
"""
from __future__ import annotations

from datetime import date, timedelta

from .. import clock
from ..budgets import ledger
from ..errors import DomainError
from ..extensions import db
from ..money import format_pence, multiply
from ..orders.models import OCCURRENCE, ORDER, WEEKDAYS, Occurrence, Order, OrderLine
from ..orders.notices import tell_provider
from ..orders.schedules import schedule_window

UNIT_WORDS = {"hour": ("hour", "hours"), "session": ("session", "sessions"), "day": ("day", "days"),
              "half_hour": ("half-hour", "half-hours"), "week": ("week", "weeks"), "month": ("month", "months"),
              "item": ("item", "items"), "membership": ("membership", "memberships")}


def amount_words(quantity_centi: int, unit: str) -> str:
    """400, "hour" -> "4 hours"; 150, "session" -> "1.5 sessions"."""
    one, many = UNIT_WORDS.get(unit, (unit.replace("_", " "), unit.replace("_", " ") + "s"))
    number = f"{quantity_centi / 100:g}"
    return f"{number} {one if quantity_centi == 100 else many}"


def lines_for(budget) -> list[OrderLine]:
    """The weekly lines of the budget's accepted orders: what extra support can be added to."""
    if budget is None:
        return []
    orders = db.session.scalars(db.select(Order).filter_by(budget_id=budget.id, status="accepted").order_by(Order.id)).all()
    return [line for order in orders for line in order.lines if line.is_weekly]


def usable(line: OrderLine | None, budget) -> bool:
    return line is not None and line.order.budget_id == getattr(budget, "id", None) and line.is_weekly and ORDER.can_move(
        line.order, "delivered")


def per_date_pence(line: OrderLine, quantity_centi: int) -> int:
    return multiply(line.unit_price_pence, quantity_centi / 100)


def extra_dates(line: OrderLine, weeks: int, today: date | None = None) -> list[date]:
    """One date a week for ``weeks`` weeks from tomorrow: the first of the line's days that week,
    within the schedule and the plan period."""
    today = today or clock.today()
    last = schedule_window(line.schedule, line.order.budget)[1]
    wanted = {WEEKDAYS.index(d) for d in line.schedule.get("days", []) if d in WEEKDAYS}
    found = []
    for week in range(weeks):
        start = today + timedelta(days=1 + 7 * week)
        day = next((start + timedelta(days=n) for n in range(7) if (start + timedelta(days=n)).weekday() in wanted), None)
        if day is not None and day <= last:
            found.append(day)
    return found


def used_pence(runs) -> int:
    """What the extra dates booked by ``runs`` take from the contingency: those not cancelled."""
    ids = [i for run in runs for i in (run.occurrence_ids or [])]
    if not ids:
        return 0
    return sum(db.session.scalars(db.select(Occurrence.amount_pence).where(
        Occurrence.id.in_(ids), Occurrence.status != "cancelled")).all())


def book(actor, run, line: OrderLine, quantity_centi: int, weeks: int, contingency_left: int) -> int:
    """Book the extra dates and promise their money; returns the pence promised.

    Raises DomainError when the order cannot take them, when they cost more than the contingency
    left, and InsufficientFunds (a DomainError) when the budget has not got the money: then nothing
    is booked (the caller rolls back)."""
    if not usable(line, run.budget):
        raise DomainError("The order this extra support was to be added to is no longer running. "
                          "Ring your care coordinator, who can arrange it another way.")
    dates = extra_dates(line, weeks)
    if not dates:
        raise DomainError("The order has no dates left in the next weeks to add the extra support to. "
                          "Ring your care coordinator.")
    per = per_date_pence(line, quantity_centi)
    total = per * len(dates)
    if total > contingency_left:
        raise DomainError(f"The extra support costs {format_pence(total)}, but only {format_pence(contingency_left)} "
                          "of the contingency agreed with your plan is left. Nothing has been booked. "
                          "Ring your care coordinator to agree more.")
    order = line.order
    ledger.commit(order.budget, total, outcome_key=line.outcome_key, cause=order, actor=actor,
                  memo=f"Order {order.id}: crisis plan extra support", what="pay for the extra support")
    made = []
    for day in dates:
        occurrence = Occurrence(line=line, order=order, on=day, quantity_centi=quantity_centi, amount_pence=per)
        OCCURRENCE.start(occurrence, "scheduled", record=False)  # the run's own event says what was booked
        db.session.add(occurrence)
        made.append(occurrence)
    db.session.flush()
    run.occurrence_ids = [o.id for o in made]
    run.committed_pence = total
    run.ends_on = dates[-1] + timedelta(days=1)
    words = amount_words(quantity_centi, line.unit)
    tell_provider(order, f"Extra support for {order.holder.name} (crisis plan)",
                  f"{order.holder.name}'s crisis plan has started: {words} extra on "
                  + ", ".join(f"{d:%-d %B}" for d in dates) + f", {format_pence(per)} each, already paid for from their budget.")
    return total


def cancel_future(actor, run) -> int:
    """Stop early: cancel the extra dates after today that are still only booked and give their money back."""
    if not run.occurrence_ids:
        return 0
    today = clock.today()
    future = db.session.scalars(db.select(Occurrence).where(
        Occurrence.id.in_(run.occurrence_ids), Occurrence.status == "scheduled", Occurrence.on > today)).all()
    if not future:
        return 0
    released = sum(o.amount_pence for o in future)
    order = future[0].order
    for occurrence in future:
        OCCURRENCE.move(occurrence, "cancelled", actor=actor, reason="Crisis plan stopped early")
    ledger.release(order.budget, released, outcome_key=future[0].line.outcome_key, cause=order, actor=actor,
                   memo=f"Order {order.id}: crisis plan extra support stopped early")
    tell_provider(order, f"Extra support for {order.holder.name} is no longer needed",
                  "The crisis plan was stopped early. These dates are cancelled: "
                  + ", ".join(f"{o.on:%-d %B}" for o in future) + ".")
    return released
