"""Extra support from the contingency: starting it books one extra date a week on Jo's accepted weekly
order and promises exactly their price from the budget, never more than the contingency left or the
money left (then nothing at all is booked or posted); the provider is told; a second press adds nothing;
stopping early gives the money of the dates still to come back."""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.budgets import ledger
from marketplace.budgets.models import LedgerEntry
from marketplace.crisis import service as crisis
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.orders.models import Occurrence

from ..ledger_replay import replay
from ..orders.support import fresh, pot

EXTRA_DATES = [date(2026, 11, 17), date(2026, 11, 24), date(2026, 12, 1), date(2026, 12, 8)]  # the next 4 Tuesdays


def entries(budget) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(LedgerEntry.id)).filter_by(budget_id=budget.id))


def extra_dates(run) -> list[tuple[date, str]]:
    db.session.expire_all()
    return [(o.on, o.status) for o in db.session.scalars(db.select(Occurrence).where(
        Occurrence.id.in_(fresh(run).occurrence_ids)).order_by(Occurrence.on))]


def test_starting_books_one_extra_session_a_week_and_promises_exactly_their_price(jo, holder, budget, outing, extra, weekly, pat):
    before = pot(budget, outing).committed

    run = crisis.start(jo, extra, crisis.new_start_key())

    assert extra_dates(run) == [(day, "scheduled") for day in EXTRA_DATES]
    assert pot(budget, outing).committed == before + 16000 and fresh(run).committed_pence == 16000
    assert crisis.contingency_left(fresh(extra).plan) == 4000
    assert str(fresh(run).ends_on) == "2026-12-09"
    note = db.session.scalar(db.select(Notification).filter_by(user_id=pat.id, title="Extra support for Jo Holder (crisis plan)"))
    assert note is not None and "17 November, 24 November, 1 December, 8 December, £40.00 each" in note.body


def test_the_ledger_still_reconciles_after_starting_and_stopping(jo, holder, budget, extra):
    run = crisis.start(jo, extra, crisis.new_start_key())
    crisis.stop(jo, run)

    db.session.expire_all()
    assert replay(ledger.entries_for(budget.id)) == ledger.balances(budget.id)


def test_pressing_twice_books_and_promises_once(jo, holder, budget, outing, extra):
    key = crisis.new_start_key()
    first = crisis.start(jo, extra, key)
    committed = pot(budget, outing).committed

    assert crisis.start(jo, extra, key).id == first.id
    assert crisis.start(jo, extra, crisis.new_start_key()).id == first.id
    assert pot(budget, outing).committed == committed
    assert db.session.scalar(db.select(db.func.count(Occurrence.id))) == 10 + 4


def test_more_than_the_contingency_left_is_refused_and_nothing_is_posted(jo, coordinator, holder, budget, extra, weekly):
    second = crisis.agree(coordinator, holder, "extra_hours", {"line_id": weekly.lines[0].id, "quantity_centi": 100, "weeks": 4})
    crisis.start(jo, extra, crisis.new_start_key())  # £160 of the £200
    posted = entries(budget)

    with pytest.raises(DomainError, match="costs £160.00, but only £40.00 of the contingency"):
        crisis.start(jo, second, crisis.new_start_key())
    db.session.rollback()

    assert entries(budget) == posted
    assert fresh(second).running is None


def test_more_than_the_money_left_is_refused_and_nothing_is_posted(jo, coordinator, holder, budget, weekly, plan):
    crisis.set_contingency(coordinator, holder, 200000)
    big = crisis.agree(coordinator, holder, "extra_hours", {"line_id": weekly.lines[0].id, "quantity_centi": 1000, "weeks": 4})
    posted = entries(budget)  # £600 left for the outcome; this needs £1,600

    with pytest.raises(ledger.InsufficientFunds, match="not enough money for this outcome"):
        crisis.start(jo, big, crisis.new_start_key())
    db.session.rollback()

    assert entries(budget) == posted
    assert db.session.scalar(db.select(db.func.count(Occurrence.id))) == 10


def test_stopping_early_cancels_the_dates_to_come_and_gives_their_money_back(jo, holder, budget, outing, extra, frozen_clock, pat):
    run = crisis.start(jo, extra, crisis.new_start_key())
    committed = pot(budget, outing).committed
    frozen_clock.advance(days=8)  # Tuesday 24 November: the first two extra dates are past or today

    crisis.stop(jo, fresh(run))

    assert extra_dates(run) == [(EXTRA_DATES[0], "scheduled"), (EXTRA_DATES[1], "scheduled"),
                                (EXTRA_DATES[2], "cancelled"), (EXTRA_DATES[3], "cancelled")]
    assert pot(budget, outing).committed == committed - 8000
    assert crisis.contingency_left(fresh(extra).plan) == 12000
    assert db.session.scalar(db.select(Notification).filter_by(
        user_id=pat.id, title="Extra support for Jo Holder is no longer needed")) is not None
