"""Changing an accepted schedule: one side proposes, only the other side agrees or refuses, the
proposer may withdraw, and an agreed change replaces the future dates and puts the promised money
right. Jo's £40 Tuesday sessions run from 24 November 2026 to 26 January 2027 (10 dates, £400)."""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.budgets.ledger import InsufficientFunds
from marketplace.errors import DomainError, NotAllowed
from marketplace.orders import amendments, lifecycle
from marketplace.orders.models import ScheduleAmendment

from ..helpers import Browser, page_text
from ..plans.support import date_fields
from .support import fresh, order, pot

WEEKLY = {"days": ["tue"], "starts_on": "2026-11-24", "ends_on": "2027-01-26"}
FROM_DECEMBER = date(2026, 12, 1)


@pytest.fixture
def weekly(jo, holder, outing, sessions, pat):
    made = order(jo, holder, sessions, 1, outing, schedule=WEEKLY)
    return lifecycle.accept(pat, made)


def booked(made) -> list[tuple[date, int]]:
    return [(o.on, o.amount_pence) for o in fresh(made).lines[0].occurrences if o.status == "scheduled"]


def test_an_agreed_change_replaces_the_dates_from_its_day_and_promises_the_difference(weekly, jo, pat, budget, outing):
    before = pot(budget, outing).committed
    change = amendments.propose(pat, weekly.lines[0], FROM_DECEMBER, ["tue", "thu"], 1, "We can come twice a week")
    amendments.decide(jo, change, agree=True)

    dates = [day for day, _ in booked(weekly)]
    assert dates[0] == date(2026, 11, 24) and date(2026, 12, 3) in dates and date(2026, 12, 1) in dates
    assert len(dates) == 1 + 17  # 24 November, then 9 Tuesdays and 8 Thursdays from 1 December to 26 January
    assert pot(budget, outing).committed == before + 8 * 4000
    assert (fresh(change).status, fresh(weekly).lines[0].schedule["days"]) == ("agreed", ["tue", "thu"])


def test_a_change_to_fewer_hours_gives_money_back(weekly, jo, pat, budget, outing):
    before = pot(budget, outing)
    amendments.decide(pat, amendments.propose(jo, weekly.lines[0], FROM_DECEMBER, ["tue"], "0.5"), agree=True)
    assert booked(weekly)[1:] == [(day, 2000) for day, _ in booked(weekly)[1:]]
    assert pot(budget, outing).committed == before.committed - 9 * 2000
    assert pot(budget, outing).available == before.available + 9 * 2000


def test_the_proposer_cannot_agree_to_their_own_change(weekly, pat):
    change = amendments.propose(pat, weekly.lines[0], FROM_DECEMBER, ["thu"], 1)
    with pytest.raises(NotAllowed, match="other side"):
        amendments.decide(pat, change, agree=True)
    assert fresh(change).status == "proposed"


def test_someone_on_the_proposers_side_cannot_agree_for_the_other(weekly, jo, broker):
    """Jo's broker orders for Jo: a change Jo proposed is for the provider to agree, not Bob."""
    change = amendments.propose(jo, weekly.lines[0], FROM_DECEMBER, ["thu"], 1)
    with pytest.raises(NotAllowed):
        amendments.decide(broker, change, agree=True)
    assert booked(weekly)[1][0] == FROM_DECEMBER


def test_someone_outside_the_order_can_neither_propose_nor_decide(make, aldermoor, weekly, pat):
    stranger = make.user("care_coordinator", aldermoor)
    with pytest.raises(NotAllowed):
        amendments.propose(stranger, weekly.lines[0], FROM_DECEMBER, ["thu"], 1)
    change = amendments.propose(pat, weekly.lines[0], FROM_DECEMBER, ["thu"], 1)
    with pytest.raises(NotAllowed):
        amendments.decide(stranger, change, agree=True)


def test_a_refused_change_leaves_the_schedule_as_it_was(weekly, jo, pat, budget, outing):
    before = (booked(weekly), pot(budget, outing))
    change = amendments.decide(jo, amendments.propose(pat, weekly.lines[0], FROM_DECEMBER, ["thu"], 2), agree=False)
    assert fresh(change).status == "refused"
    assert (booked(weekly), pot(budget, outing)) == before


def test_a_decided_change_cannot_be_decided_again(weekly, jo, pat):
    change = amendments.decide(jo, amendments.propose(pat, weekly.lines[0], FROM_DECEMBER, ["thu"], 1), agree=False)
    with pytest.raises(DomainError, match="already been decided"):
        amendments.decide(jo, change, agree=True)


def test_the_proposer_may_withdraw_a_change_while_it_waits_and_nobody_else_may(weekly, jo, pat):
    change = amendments.propose(pat, weekly.lines[0], FROM_DECEMBER, ["thu"], 1)
    with pytest.raises(NotAllowed):
        amendments.withdraw(jo, change)
    amendments.withdraw(pat, change)
    assert fresh(change).status == "withdrawn"
    with pytest.raises(DomainError, match="already been decided"):
        amendments.decide(jo, fresh(change), agree=True)


def test_a_change_costing_more_than_is_left_is_refused_and_changes_nothing(weekly, jo, pat, budget, outing):
    before = (booked(weekly), pot(budget, outing))
    change = amendments.propose(pat, weekly.lines[0], FROM_DECEMBER, ["mon", "tue", "wed", "thu", "fri"], 4)
    with pytest.raises(InsufficientFunds):
        amendments.decide(jo, change, agree=True)
    assert (booked(weekly), pot(budget, outing), fresh(change).status) == (*before, "proposed")


@pytest.mark.parametrize("from_date, days, quantity, problem", [
    (date(2026, 11, 16), ["thu"], 1, "after today"),
    (date(2027, 2, 1), ["thu"], 1, "before the schedule ends"),
    (FROM_DECEMBER, [], 1, "Choose the days"),
    (FROM_DECEMBER, ["thu"], 0, "Choose the days and how much"),
])
def test_a_change_must_start_after_today_inside_the_schedule_with_days_and_an_amount(weekly, pat, from_date, days,
                                                                                    quantity, problem):
    with pytest.raises(DomainError, match=problem):
        amendments.propose(pat, weekly.lines[0], from_date, days, quantity)


def test_only_one_change_to_a_schedule_waits_at_a_time(weekly, jo, pat):
    amendments.propose(pat, weekly.lines[0], FROM_DECEMBER, ["thu"], 1)
    with pytest.raises(DomainError, match="already waiting"):
        amendments.propose(jo, weekly.lines[0], FROM_DECEMBER, ["wed"], 1)


def test_a_schedule_not_yet_accepted_cannot_be_changed(jo, holder, outing, sessions, pat):
    placed = order(jo, holder, sessions, 1, outing, schedule=WEEKLY)
    with pytest.raises(DomainError, match="accepted schedule"):
        amendments.propose(pat, placed.lines[0], FROM_DECEMBER, ["thu"], 1)


def test_the_provider_proposes_on_the_page_and_the_holder_agrees_there(weekly, browser, app, jo, pat):
    provider = Browser(app.test_client())
    provider.sign_in(pat.email)
    line = weekly.lines[0]
    response = provider.submit(f"/order-lines/{line.id}/change", {
        "from_date": date_fields(FROM_DECEMBER), "days": ["thu"], "quantity": "1", "reason": "Thursdays suit us better"})
    assert response.status_code == 302, page_text(response)[:500]
    browser.sign_in(jo.email)
    page = page_text(browser.get(f"/orders/{weekly.id}"))
    assert "Proposed change from 1 December 2026" in page and "Thursdays suit us better" in page
    change = ScheduleAmendment.query.filter_by(line_id=line.id).one()
    assert browser.submit(f"/amendments/{change.id}/agree", form_url=f"/orders/{weekly.id}").status_code == 302
    assert fresh(change).status == "agreed"
    assert booked(weekly)[1][0] == date(2026, 12, 3)
