"""A stay in hospital pauses support: the dates of the stay are cancelled (late ones charged as the
listing says), their money released, the provider told only the dates; the return books them again."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from marketplace import clock
from marketplace.errors import DomainError
from marketplace.lifeevents import service
from marketplace.orders import delivery

from ..orders.support import orders_of, pot
from .conftest import DATES
from .support import committed_by_dates, dates, discreet, reconciles, told, told_text

DEC_2, DEC_16 = date(2026, 12, 2), date(2026, 12, 16)


def test_a_stay_with_a_known_return_cancels_only_the_dates_in_between(coordinator, holder, weekly):
    service.record_hospital(coordinator, holder, DEC_2, DEC_16)
    assert dates(weekly) == {day: ("cancelled" if day in (DEC_2, date(2026, 12, 9)) else "scheduled") for day in DATES}


def test_the_money_released_is_what_the_cancelled_dates_held(coordinator, holder, budget, outing, weekly):
    event = service.record_hospital(coordinator, holder, DEC_2, DEC_16)
    assert event.released_pence == 2 * 4000
    money = reconciles(budget)
    assert (pot(budget, outing).committed, pot(budget, outing).available) == (5 * 4000, 100000 - 5 * 4000)
    assert money.total.committed == committed_by_dates(holder)


def test_a_date_inside_the_notice_period_is_cancelled_late_with_the_listings_charge(coordinator, holder, budget, outing, weekly):
    # Monday 9am: Wednesday 18 November starts 39 hours away, inside the 48 hours' notice.
    event = service.record_hospital(coordinator, holder, date(2026, 11, 17))
    assert dates(weekly)[DATES[0]] == "cancelled_charged"
    assert {dates(weekly)[day] for day in DATES[1:]} == {"cancelled"}
    assert (event.released_pence, event.charged_pence) == (2000 + 6 * 4000, 2000)
    assert pot(budget, outing).committed == 2000 == committed_by_dates(holder)
    reconciles(budget)


def test_the_provider_is_told_the_dates_and_not_why(coordinator, holder, pat, weekly):
    service.record_hospital(coordinator, holder, DEC_2, DEC_16)
    (note,) = [n for n in told(pat) if n.title.startswith("Support for")]
    assert note.body == "Support for Jo is paused from 2 December 2026 until 16 December 2026. You do not need to visit."
    assert discreet(told_text(pat))


def test_an_open_ended_stay_is_paused_until_further_notice(coordinator, holder, pat, weekly):
    service.record_hospital(coordinator, holder, DEC_2)
    assert "until further notice" in told_text(pat)
    assert [day for day, status in dates(weekly).items() if status == "scheduled"] == DATES[:2]


def test_the_return_books_the_dates_from_that_day_again_and_promises_their_money(coordinator, holder, budget, outing, pat, weekly):
    service.record_hospital(coordinator, holder, DEC_2)
    stay = service.record_return(coordinator, holder, DEC_16)
    assert stay.restored_pence == 3 * 4000
    booked = [day for day, status in dates(weekly).items() if status == "scheduled"]
    assert booked == DATES[:2] + DATES[4:]
    assert pot(budget, outing).committed == 5 * 4000 == committed_by_dates(holder)
    assert "Support for Jo resumes on 16 December 2026." in told_text(pat)
    assert discreet(told_text(pat))
    reconciles(budget)


def test_a_return_after_the_order_moved_on_places_a_continuation_for_the_provider(coordinator, jo, holder, budget, pat, weekly):
    service.record_hospital(coordinator, holder, DEC_2)
    with clock.frozen(datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)):
        for occurrence in [o for o in weekly.lines[0].occurrences if o.status == "scheduled"]:
            delivery.record_delivery(pat, occurrence)
            delivery.confirm(jo, occurrence)
        assert orders_of(holder)[0].status in ("delivered", "invoiced")  # nothing left to deliver: it moved on
        service.record_return(coordinator, holder, DEC_16)
    first, continuation = orders_of(holder)
    assert continuation.status == "placed" and continuation.organisation_id == first.organisation_id
    assert [o.on for o in continuation.lines[0].occurrences] == DATES[4:]
    assert reconciles(budget).total.committed == (2 + 3) * 4000 == committed_by_dates(holder)  # two delivered, not yet paid


def test_a_stay_cannot_overlap_another(coordinator, holder, weekly):
    service.record_hospital(coordinator, holder, DEC_2, DEC_16)
    with pytest.raises(DomainError, match="overlaps"):
        service.record_hospital(coordinator, holder, date(2026, 12, 9))
    service.record_hospital(coordinator, holder, DEC_16, date(2026, 12, 20))  # the day the first ends is free


def test_a_return_before_the_stay_began_is_refused(coordinator, holder, weekly):
    service.record_hospital(coordinator, holder, DEC_2)
    with pytest.raises(DomainError, match="cannot be before"):
        service.record_return(coordinator, holder, date(2026, 11, 30))
