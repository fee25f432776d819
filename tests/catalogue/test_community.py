"""Free community resources: anyone suggests one; a council administrator decides; people see when it meets."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from catalogue import community, listings
from catalogue.models import CommunityEvent, Listing
from marketplace import clock, mail
from marketplace.errors import NotAllowed
from marketplace.extensions import db

from ..helpers import Browser, page_text
from .support import add_weekly_event, result_titles

SUGGEST = "/catalogue/community/suggest"
# A Wednesday. The walking group meets on Mondays from 2 March 2026.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def councils(make):
    return make.council("aldermoor"), make.council("birchley")


def _suggestion_form(council, **overrides):
    data = {
        "council": str(council.id), "title": "Reddish walking group", "summary": "A gentle walk every Monday.",
        "description": "", "venue_address": "Library steps, Reddish", "areas": "SK5 6AB",
        "how_to_join": "Just turn up at 10am.", "contact": "", "suggested_by_name": "Pat Walker",
        "suggested_by_email": "Pat@Example.com", "starts_on": ["2", "3", "2026"], "start_time": "10:00",
        "end_time": "11:30", "repeats": "weekly", "until": ["", "", ""],
    }
    data.update(overrides)
    return data


@pytest.fixture
def suggestion(councils, client):
    """A walking group suggested by an anonymous visitor through the form."""
    aldermoor, _birchley = councils
    with clock.frozen(NOW):
        response = Browser(client).submit(SUGGEST, _suggestion_form(aldermoor))
    assert response.status_code == 200, page_text(response)[:800]
    return db.session.scalars(db.select(Listing).filter_by(title="Reddish walking group")).one()


def _search(client, text="walking"):
    return result_titles(client.get(f"/catalogue?q={text}&council=aldermoor"))


def test_anyone_can_suggest_a_community_resource_without_signing_in(councils, browser):
    aldermoor, _birchley = councils

    response = browser.submit(SUGGEST, _suggestion_form(aldermoor))

    text = page_text(response)
    assert "Thank you We have your suggestion" in text
    assert "Aldermoor Council will check it, usually within a week." in text
    made = db.session.scalars(db.select(Listing)).one()
    assert (made.kind, made.status, made.council_id, made.organisation_id) == ("community", "submitted", aldermoor.id, None)
    assert (made.areas, made.delivery_modes, made.price_pence) == (["SK5"], ["venue"], None)
    assert (made.suggested_by_name, made.suggested_by_email) == ("Pat Walker", "pat@example.com")
    (event,) = made.events
    assert (event.starts_on, event.start_time, event.end_time, event.repeats, event.until) == (
        date(2026, 3, 2), "10:00", "11:30", "weekly", None)


def test_suggestion_form_says_what_is_missing(councils, browser):
    aldermoor, _birchley = councils

    response = browser.submit(SUGGEST, _suggestion_form(aldermoor, how_to_join="", title=""))

    text = page_text(response)
    assert "Say how people can join" in text and "Enter the name" in text
    assert db.session.scalars(db.select(Listing)).all() == []


def test_suggestion_with_a_bad_postcode_is_refused_with_a_clear_message(councils, browser):
    aldermoor, _birchley = councils

    response = browser.submit(SUGGEST, _suggestion_form(aldermoor, areas="Reddish"))

    assert "'Reddish' is not a postcode district (like SK4)." in page_text(response)
    assert db.session.scalars(db.select(Listing)).all() == []


def test_suggestion_is_not_searchable_or_visible_until_moderated(suggestion, client):
    assert _search(client) == []
    assert client.get(f"/catalogue/listings/{suggestion.id}").status_code == 404


def test_council_administrator_sees_suggestions_waiting_with_their_next_dates(councils, suggestion, make, browser):
    aldermoor, _birchley = councils
    browser.sign_in(make.user("administrator", aldermoor).email)

    with clock.frozen(NOW):
        waiting = page_text(browser.get("/council/community"))
        detail = page_text(browser.get(f"/council/community/{suggestion.id}"))

    assert "1 waiting for a decision." in waiting and "Reddish walking group" in waiting
    assert "Suggested by Pat Walker (pat@example.com)" in detail
    assert "Next dates Monday 16 March 2026, Monday 23 March 2026, Monday 30 March 2026" in detail


def test_publishing_a_suggestion_makes_it_searchable_and_tells_the_suggester(councils, suggestion, make, browser, client):
    aldermoor, _birchley = councils
    browser.sign_in(make.user("administrator", aldermoor).email)
    url = f"/council/community/{suggestion.id}"

    response = browser.submit(url, {"decision": "published", "reason": ""}, follow_redirects=True)

    assert "'Reddish walking group' has been published." in page_text(response)
    assert _search(client) == ["Reddish walking group"]
    (message,) = mail.outbox()
    assert message.to == "pat@example.com"
    assert message.subject == "Your suggestion 'Reddish walking group' has been published"


def test_rejecting_a_suggestion_needs_a_reason(councils, suggestion, make, browser):
    aldermoor, _birchley = councils
    browser.sign_in(make.user("administrator", aldermoor).email)

    response = browser.submit(f"/council/community/{suggestion.id}", {"decision": "rejected", "reason": "  "})

    assert response.status_code == 200
    assert "Give a reason the person who suggested it can read." in page_text(response)
    db.session.expire_all()
    assert db.session.get(Listing, suggestion.id).status == "submitted"
    assert mail.outbox() == []


def test_rejecting_a_suggestion_with_a_reason_tells_the_suggester_why(councils, suggestion, make, browser, client):
    aldermoor, _birchley = councils
    browser.sign_in(make.user("administrator", aldermoor).email)

    browser.submit(f"/council/community/{suggestion.id}", {"decision": "rejected", "reason": "It meets in Birchley."})

    db.session.expire_all()
    rejected = db.session.get(Listing, suggestion.id)
    assert (rejected.status, rejected.status_reason) == ("rejected", "It meets in Birchley.")
    (message,) = mail.outbox()
    assert message.subject == "Your suggestion 'Reddish walking group' has not been published"
    assert "Thank you for suggesting 'Reddish walking group'. It has not been published." in message.body
    assert "The reason: It meets in Birchley." in message.body
    assert _search(client) == []


def test_administrator_of_another_council_cannot_moderate_a_suggestion(councils, suggestion, make, browser):
    _aldermoor, birchley = councils
    outsider = make.user("administrator", birchley)
    browser.sign_in(outsider.email)

    assert browser.get(f"/council/community/{suggestion.id}").status_code == 403
    response = browser.submit(f"/council/community/{suggestion.id}", {"decision": "published"}, form_url="/")
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        listings.change_status(outsider, suggestion, "published")
    db.session.rollback()
    assert db.session.get(Listing, suggestion.id).status == "submitted"


@pytest.mark.parametrize("role", ["commissioner", "finance_officer", "care_coordinator"])
def test_only_administrators_moderate_suggestions(councils, suggestion, make, browser, role):
    aldermoor, _birchley = councils
    browser.sign_in(make.user(role, aldermoor).email)

    assert browser.get(f"/council/community/{suggestion.id}").status_code == 403


def test_listing_page_shows_the_next_dates_of_a_weekly_event(make, councils, client):
    aldermoor, _birchley = councils
    with clock.frozen(NOW):
        group = make.listing(None, council=aldermoor, title="Heaton walking group", category="community-activities",
                             price_pence=None)
        add_weekly_event(group, date(2026, 3, 2), start_time="10:00", end_time="12:00")

        text = page_text(client.get(f"/catalogue/listings/{group.id}"))

    assert ("Next dates Monday 16 March 2026, 10:00 to 12:00 Monday 23 March 2026, 10:00 to 12:00 "
            "Monday 30 March 2026, 10:00 to 12:00") in text
    assert "Free" in text and "How to join Just turn up." in text


def test_weekly_event_stops_at_its_last_date(make, councils):
    aldermoor, _birchley = councils
    group = make.listing(None, council=aldermoor, price_pence=None)
    add_weekly_event(group, date(2026, 3, 2), until=date(2026, 3, 23))

    with clock.frozen(NOW):
        dates = [d for d, _event in community.next_dates(group)]

    assert dates == [date(2026, 3, 16), date(2026, 3, 23)]


def test_next_dates_merge_several_events_soonest_first(make, councils):
    aldermoor, _birchley = councils
    group = make.listing(None, council=aldermoor, price_pence=None)
    add_weekly_event(group, date(2026, 3, 4))  # Wednesdays
    add_weekly_event(group, date(2026, 3, 20), repeats="none")

    with clock.frozen(NOW):
        dates = [d for d, _event in community.next_dates(group, count=4)]

    assert dates == [date(2026, 3, 11), date(2026, 3, 18), date(2026, 3, 20), date(2026, 3, 25)]


def test_suggested_event_dates_are_kept_with_the_suggestion(suggestion):
    (event,) = db.session.scalars(db.select(CommunityEvent).filter_by(listing_id=suggestion.id)).all()

    assert event.repeats == "weekly"
