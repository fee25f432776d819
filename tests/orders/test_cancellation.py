"""Cancelling: inside the listing's notice period the provider may keep its cancellation charge;
outside it, everything goes back to the budget.

The schedule is Wednesdays 25 November to 16 December 2026 (4 dates at £40), with 48 hours'
notice and half the price charged inside it. Notice counts from midnight (London) starting the date.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from marketplace import clock
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.orders import lifecycle

from .support import fresh, order, pot, read

WEDNESDAYS = {"days": ["wed"], "starts_on": "2026-11-25", "ends_on": "2026-12-16"}


def accepted_schedule(jo, pat, holder, outing, sessions):
    placed = order(jo, holder, sessions, 1, outing, schedule=WEDNESDAYS)
    lifecycle.accept(pat, placed)
    return placed


def statuses(placed):
    return [(o.on.day, o.status, o.amount_pence) for o in fresh(placed).lines[0].occurrences]


def test_cancelling_inside_the_notice_period_keeps_the_charge_committed_and_releases_the_rest(jo, pat, holder, budget, outing,
                                                                                             sessions):
    placed = accepted_schedule(jo, pat, holder, outing, sessions)
    with clock.frozen(datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)):  # 36 hours before 25 November
        result = lifecycle.cancel(jo, placed)
    assert result == {"released": 14000, "charged": 2000}
    assert statuses(placed) == [(25, "cancelled_charged", 2000), (2, "cancelled", 4000), (9, "cancelled", 4000),
                                (16, "cancelled", 4000)]
    money = pot(budget, outing)
    assert (money.available, money.committed) == (98000, 2000)


def test_cancelling_outside_the_notice_period_releases_everything(jo, pat, holder, budget, outing, sessions):
    placed = accepted_schedule(jo, pat, holder, outing, sessions)
    with clock.frozen(datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)):  # five days before
        result = lifecycle.cancel(jo, placed)
    assert result == {"released": 16000, "charged": 0}
    assert {status for _, status, _ in statuses(placed)} == {"cancelled"}
    money = pot(budget, outing)
    assert (money.available, money.committed) == (100000, 0)


def test_a_date_exactly_the_notice_period_away_is_cancelled_free(jo, pat, holder, budget, outing, sessions):
    placed = accepted_schedule(jo, pat, holder, outing, sessions)
    with clock.frozen(datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc)):  # exactly 48 hours before
        assert lifecycle.cancel(jo, placed) == {"released": 16000, "charged": 0}


def test_cancelling_every_date_free_cancels_the_order(jo, pat, holder, budget, outing, sessions):
    placed = accepted_schedule(jo, pat, holder, outing, sessions)
    lifecycle.cancel(jo, placed)
    placed = fresh(placed)
    assert placed.status == "cancelled" and placed.closed_at is not None


def test_cancelling_from_a_date_keeps_the_dates_before_it(jo, pat, holder, budget, outing, sessions):
    placed = accepted_schedule(jo, pat, holder, outing, sessions)
    assert lifecycle.cancel(jo, placed, from_date=date(2026, 12, 9)) == {"released": 8000, "charged": 0}
    assert statuses(placed) == [(25, "scheduled", 4000), (2, "scheduled", 4000), (9, "cancelled", 4000),
                                (16, "cancelled", 4000)]
    assert fresh(placed).status == "accepted"
    assert pot(budget, outing).committed == 8000


def test_an_order_not_yet_accepted_is_cancelled_free_even_inside_the_notice_period(jo, holder, budget, outing, sessions):
    placed = order(jo, holder, sessions, 1, outing, schedule=WEDNESDAYS)
    with clock.frozen(datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)):
        assert lifecycle.cancel(jo, placed) == {"released": 16000, "charged": 0}
    assert fresh(placed).status == "cancelled"


def test_a_listing_with_no_cancellation_charge_releases_everything_inside_the_notice_period(make, provider, jo, pat, holder,
                                                                                           budget, outing):
    free_to_cancel = make.orderable(provider[0], title="Walk and talk", price_pence=3000, category="social-support",
                                    notice_hours=48, cancellation_charge_percent=0)
    placed = order(jo, holder, free_to_cancel, 1, outing, schedule=WEDNESDAYS)
    lifecycle.accept(pat, placed)
    with clock.frozen(datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)):
        assert lifecycle.cancel(jo, placed) == {"released": 12000, "charged": 0}
    assert pot(budget, outing).committed == 0


def test_the_cancel_page_tells_the_buyer_what_is_back_and_what_may_be_charged(browser, jo, pat, holder, budget, outing,
                                                                               sessions):
    placed = accepted_schedule(jo, pat, holder, outing, sessions)
    browser.sign_in("jo@example.com")
    with clock.frozen(datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)):
        response = browser.submit(f"/orders/{placed.id}/cancel", {"scope": "all"})
        assert response.status_code == 302
        text = read(browser.get(response.headers["Location"]))
    assert "Cancelled. £140.00 is back in the budget." in text
    assert "The provider may charge £20.00 because it was inside their notice period." in text
    assert "Cancelled late: charge applies" in text


def test_the_provider_is_told_which_dates_were_cancelled(jo, pat, holder, budget, outing, sessions):
    placed = accepted_schedule(jo, pat, holder, outing, sessions)
    with clock.frozen(datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)):
        lifecycle.cancel(jo, placed)
    (note,) = db.session.scalars(db.select(Notification).filter_by(user_id=pat.id,
                                                                   title=f"Order {placed.id} changed: dates cancelled"))
    assert note.body == "Ordered by Jo Holder. Cancelled dates: £160.00, of which £20.00 may be charged as late cancellation."


def test_cancelling_an_order_still_waiting_for_the_coordinator_does_not_tell_the_provider(jo, pat, holder, budget, outing,
                                                                                        gardening, coordinator):
    placed = order(jo, holder, gardening, 2, outing)
    assert lifecycle.cancel(jo, placed) == {"released": 4000, "charged": 0}
    assert fresh(placed).status == "cancelled"
    assert db.session.scalars(db.select(Notification).filter_by(user_id=pat.id)).all() == []
    assert pot(budget, outing).committed == 0
