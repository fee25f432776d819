"""Listings nobody has confirmed for six months are flagged, and their providers reminded (at most monthly)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from catalogue import listings
from catalogue.models import Listing
from marketplace import clock, mail
from marketplace.extensions import db

from ..helpers import page_text
from .support import results_by_title

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
OUT_OF_DATE = "Possibly out of date"


@pytest.fixture
def frozen():
    with clock.frozen(NOW) as frozen_clock:
        yield frozen_clock


@pytest.fixture
def provider(make, frozen):
    council = make.council("aldermoor")
    return make.provider(council, name="Greenfingers Co-op", email="hello@greenfingers.example.com")


@pytest.fixture
def stale(make, provider):
    """Published, last confirmed 200 days ago (14 August 2025)."""
    organisation, _admin = provider
    return make.listing(organisation, title="Hedge trimming", category="gardening",
                        last_confirmed_at=NOW - timedelta(days=200))


@pytest.fixture
def fresh(make, provider):
    organisation, _admin = provider
    return make.listing(organisation, title="Hedge laying", category="gardening",
                        last_confirmed_at=NOW - timedelta(days=20))


def test_listing_confirmed_over_six_months_ago_is_marked_possibly_out_of_date_in_results(stale, fresh, client):
    results = results_by_title(client.get("/catalogue?q=hedge&council=aldermoor"))

    assert OUT_OF_DATE in results["Hedge trimming"]
    assert OUT_OF_DATE not in results["Hedge laying"]


def test_stale_listing_page_warns_it_may_be_out_of_date(stale, client):
    text = page_text(client.get(f"/catalogue/listings/{stale.id}"))

    assert ("This listing was last confirmed on 14 August 2025, so it may be out of date. "
            "Check with the provider before you buy.") in text


def test_recently_confirmed_listing_page_has_no_warning(fresh, client):
    text = page_text(client.get(f"/catalogue/listings/{fresh.id}"))

    assert "may be out of date" not in text


@pytest.mark.parametrize("days, is_stale", [(181, False), (182, False), (183, True)])
def test_a_listing_becomes_stale_after_six_months(make, provider, days, is_stale):
    organisation, _admin = provider

    made = make.listing(organisation, last_confirmed_at=NOW - timedelta(days=days))

    assert made.is_stale() is is_stale


def test_reminder_emails_the_provider_of_a_stale_listing(stale, fresh):
    assert listings.remind_stale() == 1

    (message,) = mail.outbox()
    assert message.to == "hello@greenfingers.example.com"
    assert message.subject == "Is 'Hedge trimming' still right?"
    assert "'Hedge trimming' was last confirmed on 14 August 2025." in message.body


def test_reminders_are_sent_once_however_often_the_job_runs_within_a_month(stale, frozen):
    listings.remind_stale()
    listings.remind_stale()
    frozen.advance(days=20)

    assert listings.remind_stale() == 0
    assert len(mail.outbox()) == 1


def test_provider_is_reminded_again_after_a_month_if_still_unconfirmed(stale, frozen):
    listings.remind_stale()
    frozen.advance(days=31)

    assert listings.remind_stale() == 1
    assert len(mail.outbox()) == 2


def test_only_published_listings_are_reminded(make, provider):
    organisation, _admin = provider
    make.listing(organisation, status="paused", last_confirmed_at=NOW - timedelta(days=300))

    assert listings.remind_stale() == 0
    assert mail.outbox() == []


def test_remind_stale_command_reports_how_many_it_reminded(app, stale):
    result = app.test_cli_runner().invoke(args=["catalogue", "remind-stale"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Reminded 1 listings."


def test_provider_portal_asks_to_confirm_a_stale_listing(stale, provider, browser):
    _organisation, admin = provider
    browser.sign_in(admin.email)

    assert "Hedge trimming Please confirm it is still right" in page_text(browser.get("/provider"))


def test_confirming_a_stale_listing_clears_the_warning_and_the_reminder(stale, provider, browser, client, frozen):
    _organisation, admin = provider
    listings.remind_stale()
    browser.sign_in(admin.email)
    preview = f"/provider/listings/{stale.id}/preview"

    response = browser.submit(f"/provider/listings/{stale.id}/confirm", form_url=preview, follow_redirects=True)

    assert "Thank you: the listing is marked as up to date." in page_text(response)
    db.session.expire_all()
    confirmed = db.session.get(Listing, stale.id)
    assert confirmed.last_confirmed_at == NOW
    assert confirmed.stale_reminder_sent_at is None
    assert "may be out of date" not in page_text(client.get(f"/catalogue/listings/{stale.id}"))
    assert OUT_OF_DATE not in results_by_title(client.get("/catalogue?q=hedge&council=aldermoor"))["Hedge trimming"]
    frozen.advance(days=40)
    assert listings.remind_stale() == 0


def test_editing_a_listing_also_confirms_it(stale, provider):
    _organisation, admin = provider

    listings.update(admin, stale, summary="Hedges trimmed and cleared away.")

    assert not stale.is_stale()
