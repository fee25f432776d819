"""Recording life events: a stay in hospital (and the return home), a move, a death.

Decisions (nobody was there to ask):
- Only the holder's council's care coordinators and team managers record (``lifeevents.record``).
- Occurrences are made when an order is placed, so pausing cancels booked dates through ``OCCURRENCE``
  and releases their money (orders/pausing.py); coming home books the same dates again and promises
  their money again. A stay in hospital respects the listing's notice rule exactly as the buyer's own
  cancelling does (a date inside the notice period of an accepted order is cancelled late and its charge
  stays promised). A move and a death release everything: a death is not a choice made late, and a move
  ends support only with providers who cannot reach the new address.
- Providers learn the dates and nothing else: never hospital, a move or a death. Only orders the
  provider has seen (placed or accepted) are told; one still with the coordinator is just stopped.
- A stay's window runs from its first day up to, not including, the day support is back (the return,
  else the expected return, else open). Windows may not overlap. On return, only dates cancelled free
  and on or after the later of the return and today are booked again: a date cancelled late was charged
  already, and a missed day in the past cannot be visited any more.
- A move to another council leaves the record as it is (the new council sets the person up); the new
  address is kept on the event. After a death or such a move nothing more is recorded. A move within the council may
  follow an earlier one, but never on or before it, nor while the earlier one's address is still waiting.
- The money left is for finance to settle: every finance officer of the council is told the balance
  (nothing is clawed back automatically: the underspend rules' proposals need a rule's figures, and
  taking money back is a finance officer's decision).
"""
from __future__ import annotations

from datetime import date, timedelta

from .. import clock
from ..accounts import roles as R
from ..accounts import sessions
from ..accounts.models import RoleGrant
from ..budgets import ledger
from ..budgets.service import current_budget
from ..errors import DomainError, NotAllowed
from ..events import service as events
from ..extensions import db
from ..money import format_pence
from ..notifications.service import notify_all
from ..orders import pausing
from ..orders.notices import tell_provider
from ..policy import can
from .models import LifeEvent, LifeEventChange

EARLIEST_DAYS = 366  # how far back a life event may be recorded
LATEST_DAYS = 366  # and how far ahead


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def first_name(holder) -> str:
    return (holder.name or "").split()[0] if (holder.name or "").split() else holder.name


def events_for(holder) -> list[LifeEvent]:
    return db.session.scalars(db.select(LifeEvent).filter_by(holder_id=holder.id)
                              .order_by(LifeEvent.starts_on.desc(), LifeEvent.id.desc())).all()


def open_stay(holder) -> LifeEvent | None:
    """The stay in hospital not yet ended by a recorded return."""
    return db.session.scalar(db.select(LifeEvent).filter_by(holder_id=holder.id, kind="hospital", returned_on=None)
                             .order_by(LifeEvent.starts_on.desc(), LifeEvent.id.desc()))


def support_ended(holder) -> LifeEvent | None:
    """A death or a move to another council: after it, nothing more is recorded here."""
    return db.session.scalar(db.select(LifeEvent).where(
        LifeEvent.holder_id == holder.id, db.or_(LifeEvent.kind == "death", LifeEvent.leaves_council.is_(True))))


def _check(actor, holder, day: date, what: str) -> None:
    if not can(actor, "lifeevents.record", holder):
        raise NotAllowed("Only the person's care coordinator or team manager can record this.")
    ended = support_ended(holder)
    if ended is not None:
        raise DomainError(f"{ended.kind_label} is already recorded for {holder.name}: nothing more can be recorded.")
    today = clock.today()
    if not today - timedelta(days=EARLIEST_DAYS) <= day <= today + timedelta(days=LATEST_DAYS):
        raise DomainError(f"Enter {what} within a year of today.")


def _new(actor, holder, kind: str, starts_on: date, **fields) -> LifeEvent:
    event = LifeEvent(holder_id=holder.id, council_id=holder.council_id, kind=kind, starts_on=starts_on,
                      recorded_by_id=actor.id, **fields)
    event.holder = holder
    db.session.add(event)
    db.session.flush()
    return event


def _keep(event: LifeEvent, stopped: list[pausing.Stopped]) -> None:
    for item in stopped:
        db.session.add(LifeEventChange(life_event=event, order_id=item.occurrence.order_id, occurrence_id=item.occurrence.id,
                                       effect="cancelled_charged" if item.charge_pence else "cancelled",
                                       amount_pence=item.released_pence))


def _stop(actor, event: LifeEvent, start: date, end: date | None, *, notice: bool, reason: str, close: bool,
          reaches=None) -> list:
    """Stop the holder's live orders' dates (only lines ``reaches(line)`` says no to, when given); returns
    the orders that lost a date and whose provider had seen them."""
    told = []
    for order in pausing.live_orders(event.holder):
        lines = [line for line in order.lines if not reaches(line)] if reaches is not None else None
        if lines == []:
            continue
        knew = pausing.provider_knows(order)
        stopped = pausing.stop_dates(actor, order, start, end, notice=notice, reason=reason, lines=lines)
        _keep(event, stopped)
        if close:
            pausing.close_if_done(actor, order, reason)
        if stopped and knew:
            told.append(order)
    db.session.flush()
    return told


def _finance(holder, title: str, body: str) -> None:
    officers = [g.user for g in db.session.scalars(db.select(RoleGrant).filter_by(council_id=holder.council_id,
                                                                                 role=R.FINANCE_OFFICER))]
    notify_all(officers, title, body, f"/holders/{holder.id}/life-events")


def money_left(holder, on: date) -> tuple[int, int]:
    """(available, still promised) in the budget in force on ``on``: what finance settles."""
    budget = current_budget(holder, on)
    if budget is None:
        return 0, 0
    total = ledger.balances(budget.id).total
    return total.available, total.committed


# --- a stay in hospital ---------------------------------------------------------------------

def _overlaps(holder, starts_on: date, until: date | None) -> bool:
    for stay in db.session.scalars(db.select(LifeEvent).filter_by(holder_id=holder.id, kind="hospital")):
        other_end = stay.until
        if (other_end is None or starts_on < other_end) and (until is None or stay.starts_on < until):
            return True
    return False


def record_hospital(actor, holder, starts_on: date, expected_return_on: date | None = None) -> LifeEvent:
    """Pause support from ``starts_on`` (to the expected return, or until the return is recorded)."""
    _check(actor, holder, starts_on, "the date they went into hospital")
    if expected_return_on is not None and expected_return_on <= starts_on:
        raise DomainError("The expected date home must be after the date they went in.")
    if _overlaps(holder, starts_on, expected_return_on):
        raise DomainError("This overlaps a stay in hospital already recorded. Record the return home first, or change the dates.")
    event = _new(actor, holder, "hospital", starts_on, expected_return_on=expected_return_on)
    told = _stop(actor, event, starts_on, expected_return_on, notice=True, reason="Support paused", close=False)
    until = long_date(expected_return_on) if expected_return_on else "further notice"
    for order in told:
        tell_provider(order, f"Support for {first_name(holder)} is paused",
                      f"Support for {first_name(holder)} is paused from {long_date(starts_on)} until {until}. "
                      "You do not need to visit.")
    events.record("life_event.support_paused", actor=actor, holder=holder, obj=event, starts_on=starts_on.isoformat(),
                  until=expected_return_on.isoformat() if expected_return_on else None, dates=len(event.changes),
                  released_pence=event.released_pence)
    db.session.commit()
    return event


def record_return(actor, holder, returned_on: date) -> LifeEvent:
    """End the open stay: dates after an expected return that came too soon are stopped too, and the
    dates the stay cancelled free from ``returned_on`` (and not before today) are booked again."""
    stay = open_stay(holder)
    if stay is None:
        raise DomainError(f"There is no stay in hospital to end for {holder.name}.")
    _check(actor, holder, returned_on, "the date they came home")
    if returned_on < stay.starts_on:
        raise DomainError(f"The date home cannot be before they went in ({long_date(stay.starts_on)}).")
    if stay.expected_return_on and returned_on > stay.expected_return_on:
        _stop(actor, stay, stay.expected_return_on, returned_on, notice=True, reason="Support paused", close=False)
    from_day = max(returned_on, clock.today())
    again: dict[int, list] = {}
    for change in stay.changes:
        occurrence = change.occurrence
        if change.effect == "cancelled" and occurrence.on >= from_day:
            again.setdefault(change.order_id, []).append(occurrence)
    stay.returned_on = returned_on
    told = {change.order_id: change.order for change in stay.changes}  # the provider of a continuation is told on it
    for order_id, occurrences in again.items():
        order = occurrences[0].order
        target, made = pausing.restart_dates(actor, order, [(o.line, o.on, o.quantity_centi, o.amount_pence) for o in occurrences],
                                             reason="Support started again", key=f"resume-{order.id}-{stay.id}")
        for occurrence in made:
            db.session.add(LifeEventChange(life_event=stay, order_id=target.id, occurrence_id=occurrence.id, effect="restored",
                                           amount_pence=occurrence.amount_pence))
        told[order_id] = target
    for order in told.values():
        if pausing.provider_knows(order):
            tell_provider(order, f"Support for {first_name(holder)} resumes",
                          f"Support for {first_name(holder)} resumes on {long_date(returned_on)}.")
    db.session.flush()
    events.record("life_event.support_resumed", actor=actor, holder=holder, obj=stay, on=returned_on.isoformat(),
                  restored_pence=stay.restored_pence)
    db.session.commit()
    return stay


# --- a move -----------------------------------------------------------------------------------

def covers(district: str):
    """Whether a line's listing reaches ``district``, as the catalogue's search decides: one of its
    areas, or delivered online."""
    def reaches(line) -> bool:
        listing = line.listing
        return district in (listing.areas or []) or "online" in (listing.delivery_modes or [])
    return reaches


def record_move(actor, holder, moves_on: date, new_address: str, new_postcode_district: str, leaves_council: bool) -> LifeEvent:
    """A move on ``moves_on``. Within the council: the record takes the new address on that day
    (``apply_due_moves``), and only providers whose listing does not reach the new district stop from
    that day. To another council: every schedule ends on that day and finance is told the money left."""
    _check(actor, holder, moves_on, "the date of the move")
    district = (new_postcode_district or "").strip().upper()
    if not district or not (new_address or "").strip():
        raise DomainError("Enter the new address and the first part of its postcode.")
    earlier = db.session.scalars(db.select(LifeEvent).filter_by(holder_id=holder.id, kind="move")).all()
    if any(m.starts_on >= moves_on or not m.address_applied for m in earlier):
        raise DomainError("A move on or after this date, or one still to happen, is already recorded.")
    event = _new(actor, holder, "move", moves_on, new_address=new_address.strip(), new_postcode_district=district,
                 leaves_council=bool(leaves_council))
    reason = "Support ends: moving away" if leaves_council else "Support ends: the provider does not cover the new address"
    told = _stop(actor, event, moves_on, None, notice=False, reason=reason, close=True,
                 reaches=None if leaves_council else covers(district))
    for order in told:
        tell_provider(order, f"Support for {first_name(holder)} ends on {long_date(moves_on)}",
                      f"Support for {first_name(holder)} ends on {long_date(moves_on)}. You do not need to visit from that date.")
    if leaves_council:
        available, committed = money_left(holder, moves_on)
        events.record("life_event.moved_away", actor=actor, holder=holder, obj=event, on=moves_on.isoformat(),
                      released_pence=event.released_pence, available_pence=available, committed_pence=committed)
        _finance(holder, f"{holder.name}: the budget ends on {long_date(moves_on)}",
                 f"{holder.name} is moving to another council on {long_date(moves_on)}, so their budget here ends on that "
                 f"date. {format_pence(available)} is not promised to anyone and is for the council to settle"
                 + (f"; {format_pence(committed)} is still promised for support before the move." if committed else "."))
    else:
        events.record("life_event.moved_home", actor=actor, holder=holder, obj=event, on=moves_on.isoformat(),
                      district=district, released_pence=event.released_pence)
        if moves_on <= clock.today():
            _apply_address(event)
    db.session.commit()
    return event


def _apply_address(event: LifeEvent) -> None:
    holder = event.holder
    holder.address = event.new_address
    holder.postcode_district = event.new_postcode_district
    event.address_applied = True
    events.record("life_event.address_changed", holder=holder, obj=event, district=event.new_postcode_district)


def apply_due_moves(on: date | None = None) -> int:
    """Put the new address on the record of everyone whose move within the council is due by ``on``.
    Safe to re-run: a move's address is applied once (``flask lifeevents moves``)."""
    on = on or clock.today()
    due = db.session.scalars(db.select(LifeEvent).where(LifeEvent.kind == "move", LifeEvent.leaves_council.is_(False),
                                                        LifeEvent.address_applied.is_(False), LifeEvent.starts_on <= on)).all()
    for event in due:
        _apply_address(event)
    db.session.commit()
    return len(due)


# --- a death ----------------------------------------------------------------------------------

def check_death(actor, holder, died_on: date) -> None:
    """Everything that would refuse the record, asked before the confirmation page is shown."""
    _check(actor, holder, died_on, "the date of death")
    if died_on > clock.today():
        raise DomainError("The date of death cannot be in the future.")


def record_death(actor, holder, died_on: date) -> LifeEvent:
    """Support ends from ``died_on``: every later booked date is cancelled and its money released (dates
    before it still go through), providers are told only that support has ended, the holder's sign-in is
    closed, the people who helped them are told gently, and finance is told the money left."""
    check_death(actor, holder, died_on)
    event = _new(actor, holder, "death", died_on)
    told = _stop(actor, event, died_on, None, notice=False, reason="Support ended", close=True)
    name = first_name(holder)
    for order in told:
        tell_provider(order, f"Support for {name} has ended", f"Support for {name} has ended on {long_date(died_on)}.")
    if holder.user is not None and holder.user.is_active_account:
        holder.user.is_active_account = False
        sessions.end_others(holder.user, keep_this=False)
    contact = holder.named_contact.name if holder.named_contact is not None else "your contact at the council"
    notify_all([d.delegate for d in holder.active_delegations()], f"Support for {holder.name} has ended",
               f"We are very sorry for your loss. Support for {name} ended on {long_date(died_on)}, and the people who "
               f"provided it have been told. You do not need to do anything now. If you would like to talk to someone, "
               f"{contact} is there to help.")
    available, committed = money_left(holder, died_on)
    _finance(holder, f"{holder.name}: support has ended",
             f"{holder.name} died on {long_date(died_on)} and their support has ended. {format_pence(available)} in the budget "
             "is not promised to anyone and is for the council to settle"
             + (f"; {format_pence(committed)} is still promised for support before that date." if committed else "."))
    events.record("life_event.support_ended", actor=actor, holder=holder, obj=event, on=died_on.isoformat(),
                  released_pence=event.released_pence, available_pence=available, committed_pence=committed)
    db.session.commit()
    return event
