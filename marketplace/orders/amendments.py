"""Changing an accepted schedule, with both sides agreeing: one side proposes new days or a new
amount each time from a date; the other side agrees (the future dates are replaced and the money
promised is put right) or refuses; the proposer may withdraw it while it waits."""
from __future__ import annotations

from datetime import date

from .. import clock
from ..budgets import ledger
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..money import multiply
from ..policy import can
from .models import AMENDMENT, OCCURRENCE, ORDER, WEEKDAYS, Occurrence, OrderLine, ScheduleAmendment, days_in_words, to_centi
from .notices import tell_buyers, tell_provider
from .schedules import occurrence_dates, schedule_window


def _side(user, order) -> str | None:
    """Which side of the order ``user`` is on: "provider", "buyer", or None (the policy's
    ``order.change_schedule`` lets exactly these two sides in)."""
    if not can(user, "order.change_schedule", order):
        return None
    return "provider" if can(user, "order.provide", order) else "buyer"


def can_propose(user, line: OrderLine) -> bool:
    """A change can be proposed for a schedule line of an accepted order, by either side."""
    return line.is_weekly and ORDER.can_move(line.order, "delivered") and _side(user, line.order) is not None


def open_amendments(order) -> list[ScheduleAmendment]:
    return db.session.scalars(db.select(ScheduleAmendment).where(
        ScheduleAmendment.line_id.in_([line.id for line in order.lines] or [-1]), ScheduleAmendment.status == "proposed")
        .order_by(ScheduleAmendment.id)).all()


def may_decide(user, amendment: ScheduleAmendment) -> bool:
    """Only the other side decides: never the proposer, nor anyone on the proposer's side."""
    order = amendment.line.order
    proposer_side = _side(amendment.proposed_by, order)
    return (AMENDMENT.can_move(amendment, "agreed") and user.id != amendment.proposed_by_id
            and _side(user, order) not in (None, proposer_side))


def propose(actor, line: OrderLine, from_date: date, days: list[str], quantity, reason: str | None = None) -> ScheduleAmendment:
    """Propose new days and an amount each time from ``from_date`` (after today). Raises NotAllowed or DomainError."""
    order = line.order
    if _side(actor, order) is None:
        raise NotAllowed("You cannot change this order.")
    if not can_propose(actor, line):
        raise DomainError("Only an accepted schedule can be changed.")
    days = [d for d in WEEKDAYS if d in set(days or [])]
    if not days or to_centi(quantity) <= 0:
        raise DomainError("Choose the days and how much each time.")
    if from_date <= clock.today():
        raise DomainError("A change must start after today.")
    if from_date > schedule_window(line.schedule, order.budget)[1]:
        raise DomainError("A change must start before the schedule ends.")
    if any(a.line_id == line.id for a in open_amendments(order)):
        raise DomainError("A change to this schedule is already waiting for an answer.")
    amendment = ScheduleAmendment(line_id=line.id, proposed_by_id=actor.id, from_date=from_date, days=days,
                                  quantity_centi=to_centi(quantity), reason=(reason or "").strip() or None)
    db.session.add(amendment)
    amendment.line = line
    AMENDMENT.start(amendment, "proposed", actor=actor, reason=amendment.reason)
    db.session.flush()  # told in the same transaction as the change
    title = f"A change to order {order.id} is proposed"
    body = f"From {from_date:%-d %B %Y}: on {days_in_words(days)}, {amendment.quantity_centi / 100:g} each time."
    (tell_buyers if _side(actor, order) == "provider" else tell_provider)(order, title, body)
    db.session.commit()
    return amendment


def decide(actor, amendment: ScheduleAmendment, agree: bool) -> ScheduleAmendment:
    """The other side agrees (future dates replaced, money re-promised) or refuses.

    Raises NotAllowed for the proposer's own side, DomainError when already decided, and
    InsufficientFunds when the changed schedule costs more than is left."""
    line = amendment.line
    order = line.order
    if not may_decide(actor, amendment):
        if AMENDMENT.can_move(amendment, "agreed") or _side(actor, order) is None:
            raise NotAllowed("The other side must agree to this change.")
        raise DomainError("This change has already been decided.")
    if agree:
        _apply(actor, amendment)
    AMENDMENT.move(amendment, "agreed" if agree else "refused", actor=actor)
    amendment.decided_by_id = actor.id
    db.session.flush()  # told in the same transaction as the change
    title = f"Your change to order {order.id} was {'agreed' if agree else 'refused'}"
    (tell_buyers if _side(amendment.proposed_by, order) == "buyer" else tell_provider)(order, title, f"From {amendment.from_date:%-d %B %Y}.")
    db.session.commit()
    return amendment


def withdraw(actor, amendment: ScheduleAmendment) -> ScheduleAmendment:
    """The proposer takes their proposal back before it is decided."""
    if actor.id != amendment.proposed_by_id:
        raise NotAllowed("Only the person who proposed the change can withdraw it.")
    AMENDMENT.move(amendment, "withdrawn", actor=actor)
    db.session.commit()
    return amendment


def _apply(actor, amendment: ScheduleAmendment) -> None:
    """Replace the booked dates from the change's date and put right the money promised."""
    line = amendment.line
    order = line.order
    old = [o for o in line.occurrences if o.status == "scheduled" and o.on >= amendment.from_date]
    old_total = sum(o.amount_pence for o in old)
    dates = occurrence_dates(amendment.days, amendment.from_date, schedule_window(line.schedule, order.budget)[1])
    per = multiply(line.unit_price_pence, amendment.quantity_centi / 100)
    new_total = per * len(dates)
    # The money first: a change the budget cannot cover is refused before any date is touched.
    if new_total > old_total:
        ledger.commit(order.budget, new_total - old_total, outcome_key=line.outcome_key, cause=order, actor=actor,
                      memo=f"Order {order.id}: schedule changed", what="pay for the changed schedule")
    elif old_total > new_total:
        ledger.release(order.budget, old_total - new_total, outcome_key=line.outcome_key, cause=order, actor=actor,
                       memo=f"Order {order.id}: schedule changed")
    for occurrence in old:
        OCCURRENCE.move(occurrence, "cancelled", actor=actor, reason="Replaced by an agreed change")
    for day in dates:
        occurrence = Occurrence(line=line, order=order, on=day, quantity_centi=amendment.quantity_centi, amount_pence=per)
        OCCURRENCE.start(occurrence, "scheduled", record=False)
        db.session.add(occurrence)
    line.schedule = {**line.schedule, "days": amendment.days}
    line.quantity_centi = amendment.quantity_centi
