"""A move ends support only where the provider cannot reach the new address (or everywhere, when the
person leaves the council); a death ends it from that day. Providers are told the date and nothing more."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from marketplace import clock
from marketplace.errors import DomainError
from marketplace.lifeevents import service
from marketplace.orders import lifecycle

from ..orders.support import fresh, order, pot
from .conftest import DATES
from .support import committed_by_dates, dates, discreet, reconciles, told, told_text

DEC_2 = date(2026, 12, 2)
FRIDAYS = {"days": ["fri"], "starts_on": "2026-11-20", "ends_on": "2026-12-18"}


@pytest.fixture
def everywhere(make, aldermoor, jo, holder, outing, budget):
    """Jo's Friday outings with Far and Wide, who cover SK4 and SK9: (order, its provider's user)."""
    organisation, person = make.provider(aldermoor, name="Far and Wide", user_email="fay@example.com")
    listing = make.orderable(organisation, title="Outings anywhere", price_pence=3000, category="social-support",
                             areas=("SK4", "SK9"))
    return lifecycle.accept(person, order(jo, holder, listing, 1, outing, schedule=FRIDAYS)), person


# --- a move within the council ------------------------------------------------------------------

def test_a_move_ends_the_schedule_of_a_provider_who_does_not_cover_the_new_district(coordinator, holder, weekly, everywhere):
    service.record_move(coordinator, holder, DEC_2, "1 New Street, Brinnington", "SK9", leaves_council=False)
    assert [d for d, status in dates(weekly).items() if status == "scheduled"] == DATES[:2]
    assert set(dates(everywhere[0]).values()) == {"scheduled"}


def test_only_the_provider_who_stops_is_told_and_only_the_date(coordinator, holder, pat, weekly, everywhere):
    service.record_move(coordinator, holder, DEC_2, "1 New Street, Brinnington", "SK9", leaves_council=False)
    assert "Support for Jo ends on 2 December 2026." in told_text(pat)
    assert discreet(told_text(pat))
    assert not [n for n in told(everywhere[1]) if n.title.startswith("Support for")]


def test_the_money_of_the_ended_dates_is_released(coordinator, holder, budget, outing, weekly, everywhere):
    event = service.record_move(coordinator, holder, DEC_2, "1 New Street", "SK9", leaves_council=False)
    assert event.released_pence == 5 * 4000
    assert pot(budget, outing).committed == 2 * 4000 + 5 * 3000 == committed_by_dates(holder)
    reconciles(budget)


def test_the_record_takes_the_new_address_on_the_day_of_the_move(coordinator, holder, weekly):
    service.record_move(coordinator, holder, DEC_2, "1 New Street", "sk9", leaves_council=False)
    assert fresh(holder).postcode_district != "SK9"  # not yet: the move is in a fortnight
    assert service.apply_due_moves(date(2026, 12, 1)) == 0
    assert service.apply_due_moves(DEC_2) == 1
    assert (fresh(holder).postcode_district, fresh(holder).address) == ("SK9", "1 New Street")
    assert service.apply_due_moves(DEC_2) == 0  # once only


def test_the_same_move_cannot_be_recorded_twice(coordinator, holder, weekly):
    service.record_move(coordinator, holder, DEC_2, "1 New Street", "SK9", leaves_council=False)
    with pytest.raises(DomainError, match="already recorded"):
        service.record_move(coordinator, holder, DEC_2, "1 New Street", "SK9", leaves_council=False)


# --- a move to another council ------------------------------------------------------------------

def test_moving_to_another_council_ends_every_schedule_and_tells_finance_the_money_left(coordinator, finance, holder, budget,
                                                                                       weekly, everywhere):
    service.record_move(coordinator, holder, DEC_2, "9 Far Road, Elsewhere", "M1", leaves_council=True)
    for placed in (weekly, everywhere[0]):
        assert {status for day, status in dates(placed).items() if day >= DEC_2} == {"cancelled"}
    money = reconciles(budget)
    assert money.total.committed == 2 * 4000 + 2 * 3000 == committed_by_dates(holder)
    (note,) = told(finance)
    assert "budget ends on 2 December 2026" in note.title
    assert f"£{money.total.available / 100:,.2f} is not promised to anyone" in note.body
    with pytest.raises(DomainError, match="nothing more can be recorded"):
        service.record_hospital(coordinator, holder, date(2026, 12, 10))


# --- a death ------------------------------------------------------------------------------------

@pytest.fixture
def after_the_death():
    """The clock on Thursday 3 December 2026: the death on the 2nd is recorded the next day."""
    with clock.frozen(datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc)):
        yield


def test_a_death_cancels_every_date_from_that_day_and_keeps_those_before(coordinator, holder, weekly, after_the_death):
    service.record_death(coordinator, holder, DEC_2)
    statuses = dates(weekly)
    assert [statuses[day] for day in DATES] == ["scheduled"] * 2 + ["cancelled"] * 5
    assert fresh(weekly).status == "accepted"  # the two dates before can still be recorded and paid


def test_a_death_releases_the_money_of_the_cancelled_dates_without_a_late_charge(coordinator, holder, budget, outing, weekly,
                                                                                 after_the_death):
    event = service.record_death(coordinator, holder, DEC_2)
    assert (event.released_pence, event.charged_pence) == (5 * 4000, 0)
    assert pot(budget, outing).committed == 2 * 4000 == committed_by_dates(holder)
    reconciles(budget)


def test_the_provider_is_told_only_that_support_has_ended(coordinator, holder, pat, weekly, after_the_death):
    service.record_death(coordinator, holder, DEC_2)
    assert "Support for Jo has ended on 2 December 2026." in told_text(pat)
    assert discreet(told_text(pat))


def test_a_death_closes_the_sign_in_tells_helpers_gently_and_finance_the_money(coordinator, jo, broker, finance, holder, weekly,
                                                                               after_the_death):
    service.record_death(coordinator, holder, DEC_2)
    assert fresh(jo).is_active_account is False
    assert "We are very sorry for your loss" in told_text(broker)
    assert "is not promised to anyone and is for the council to settle" in told_text(finance)


def test_a_death_cannot_be_recorded_twice_nor_in_the_future(coordinator, holder, weekly, after_the_death):
    with pytest.raises(DomainError, match="future"):
        service.record_death(coordinator, holder, date(2026, 12, 4))
    service.record_death(coordinator, holder, DEC_2)
    with pytest.raises(DomainError, match="already recorded"):
        service.record_death(coordinator, holder, DEC_2)
