"""The staff's pages: who may open them, a bad date answered on the form, the death's check-your-answers
step, and the timeline the holder reads."""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.accounts import roles as R
from marketplace.extensions import db
from marketplace.lifeevents import service
from marketplace.lifeevents.models import LifeEvent

from ..orders.support import read
from ..plans.support import date_fields
from .conftest import DATES


def _life_events(holder) -> list[LifeEvent]:
    db.session.expire_all()
    return db.session.scalars(db.select(LifeEvent).filter_by(holder_id=holder.id)).all()


@pytest.fixture
def people(make, aldermoor):
    """Someone in each role that matters here, signed in by email."""
    birchley = make.council("birchley")
    return {"team manager": make.user(R.TEAM_MANAGER, aldermoor, email="tm@example.com"),
            "finance officer": make.user(R.FINANCE_OFFICER, aldermoor, email="fo@example.com"),
            "administrator": make.user(R.ADMINISTRATOR, aldermoor, email="ad@example.com"),
            "coordinator elsewhere": make.user(R.CARE_COORDINATOR, birchley, email="cc@birchley.example.com")}


@pytest.mark.parametrize("who, view, record", [
    ("team manager", 200, 200), ("finance officer", 200, 403), ("administrator", 403, 403),
    ("coordinator elsewhere", 403, 403), ("jo@example.com", 403, 403), ("pat@example.com", 403, 403),
])
def test_only_the_councils_casework_staff_record_and_finance_may_read(browser, people, holder, pat, who, view, record):
    browser.sign_in(people[who].email if who in people else who)
    assert browser.get(f"/holders/{holder.id}/life-events").status_code == view
    assert browser.get(f"/holders/{holder.id}/life-events/hospital").status_code == record
    assert browser.get(f"/holders/{holder.id}/life-events/death").status_code == record


def test_the_holders_page_links_staff_to_recording_a_life_event(browser, coordinator, holder):
    browser.sign_in("cath@example.com")
    assert "Record a life event" in read(browser.get(f"/holders/{holder.id}"))


def test_a_date_that_does_not_exist_is_a_form_error_not_a_crash(browser, coordinator, holder, weekly):
    browser.sign_in("cath@example.com")
    response = browser.submit(f"/holders/{holder.id}/life-events/hospital", {"starts_on": ["31", "2", "2026"]})
    assert response.status_code == 200 and "Enter a real date" in read(response)
    response = browser.submit(f"/holders/{holder.id}/life-events/hospital", {
        "starts_on": date_fields(DATES[4]), "expected_return_on": date_fields(DATES[2])})
    assert response.status_code == 200 and "The expected date home must be after" in read(response)
    assert _life_events(holder) == []


def test_a_death_is_recorded_only_after_the_check_your_answers_step(browser, coordinator, holder, weekly):
    browser.sign_in("cath@example.com")
    url = f"/holders/{holder.id}/life-events/death"
    today = date(2026, 11, 16)
    response = browser.submit(url, {"died_on": date_fields(today)})
    assert response.status_code == 200 and "This cannot be undone" in read(response)
    assert _life_events(holder) == []
    response = browser.submit(url, {"died_on": date_fields(today), "confirmed": "yes"})
    assert response.status_code == 302
    (event,) = _life_events(holder)
    assert (event.kind, event.starts_on) == ("death", today)


def test_a_date_of_death_in_the_future_is_a_form_error(browser, coordinator, holder):
    browser.sign_in("cath@example.com")
    response = browser.submit(f"/holders/{holder.id}/life-events/death", {"died_on": date_fields(DATES[1])})
    assert response.status_code == 200 and "Enter a date on or before 16 November 2026" in read(response)


def test_the_holder_reads_the_pause_in_kind_words_on_their_timeline(browser, coordinator, holder, weekly):
    service.record_hospital(coordinator, holder, DATES[2], DATES[4])
    browser.sign_in("jo@example.com")
    text = read(browser.get(f"/holders/{holder.id}"))
    assert "Support paused" in text and "hospital" not in text.lower()
    assert "Support is paused from 2 December 2026 until 16 December 2026" in text
    assert "Record a life event" not in text


def test_the_staff_page_shows_what_each_event_did(browser, coordinator, holder, weekly):
    service.record_hospital(coordinator, holder, DATES[2])
    service.record_return(coordinator, holder, DATES[4])
    browser.sign_in("cath@example.com")
    text = read(browser.get(f"/holders/{holder.id}/life-events"))
    assert "A stay in hospital: 2 December 2026" in text
    assert "Money released £200.00" in text and "Dates booked again 3 (£120.00 promised again)" in text
    assert "Still promised to providers £200.00" in text  # 18 and 25 November, 16, 23 and 30 December
