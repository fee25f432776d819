"""Someone the council does not know yet reads the help pages, asks for an assessment in small steps,
gets a reference and a private link, and follows the case timeline while a care coordinator books the
assessment; every page passes the journey's checks (one h1, its own title, axe, no sideways scrolling
at 320 px)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.extensions import db

from .. import factories
from .journeys import Journey

pytestmark = pytest.mark.browser

NOW = datetime(2026, 11, 30, 9, tzinfo=timezone.utc)  # a Monday


@pytest.fixture
def council(app):
    with app.app_context(), clock.frozen(NOW):
        aldermoor = factories.council("aldermoor")
        factories.user(R.CARE_COORDINATOR, aldermoor, email="cath@example.com", name="Cath Coordinator")
        db.session.commit()


def test_someone_new_asks_for_an_assessment_and_follows_it(page, council):
    journey = Journey(page, factories.PASSWORD)
    with clock.frozen(NOW):
        page.goto("/help?council=aldermoor")
        journey.check()
        journey.follow(page.get_by_role("link", name="Ask Aldermoor Council for support"))
        journey.check()
        page.get_by_label("An assessment of my needs").check()
        page.get_by_label("Myself").check()
        journey.follow(page.get_by_role("button", name="Continue"))
        journey.check()
        page.get_by_label("Your full name").fill("Robin Newcomer")
        page.get_by_label("Postcode").fill("AL1 2AB")
        page.get_by_label("Email address (optional)").fill("robin@example.org")
        journey.follow(page.get_by_role("button", name="Save and continue"))
        journey.check()
        page.get_by_label("Email", exact=True).check()
        page.get_by_label("Large print").check()
        journey.follow(page.get_by_role("button", name="Save and continue"))
        journey.check()
        page.get_by_label("What is happening, and what help do you think is needed?").fill(
            "I have been very unwell and cannot keep on top of the house or go out.")
        journey.follow(page.get_by_role("button", name="Save and continue"))
        journey.check()
        expect(page.get_by_text("Robin Newcomer")).to_be_visible()
        journey.follow(page.get_by_role("button", name="Send my request"))
        journey.check()
        expect(page.get_by_text("Your request is sent")).to_be_visible()
        expect(page.get_by_text("expected by 3 December 2026")).to_be_visible()
        private_link = page.url

        journey.sign_in("cath@example.com")
        journey.follow(page.get_by_role("link", name="1 request for support waiting on us"))
        journey.check()
        journey.follow(page.get_by_role("link", name="ALD-R"))
        journey.check()
        page.get_by_text("Book the assessment").first.click()
        page.get_by_label("Day").fill("10")
        page.get_by_label("Month").fill("12")
        page.get_by_label("Year").fill("2026")
        page.get_by_label("Who will do the assessment?").fill("Ali Assessor")
        journey.follow(page.get_by_role("button", name="Book the assessment"))
        journey.check()
        expect(page.get_by_text("The assessment is booked and the person is told.")).to_be_visible()

        page.context.clear_cookies()
        page.goto(private_link)
        journey.check()
        expect(page.get_by_text("Your assessment is booked for Thursday 10 December 2026 with Ali Assessor.")).to_be_visible()
        expect(page.get_by_text("your assessment meeting")).to_be_visible()
