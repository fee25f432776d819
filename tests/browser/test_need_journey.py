"""A holder posts what they are looking for, a personal assistant approved in their council finds it in the
list (as "someone in SK4", never a name) and replies, and the holder sees the reply; every page passes the
journey's checks (one h1, its own title, axe, no sideways scrolling at 320 px)."""
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

NOW = datetime(2026, 11, 16, 9, tzinfo=timezone.utc)


@pytest.fixture
def people(app):
    """Sam Holder in Aldermoor (SK4) and Pat, a personal assistant Aldermoor approved."""
    with app.app_context(), clock.frozen(NOW):
        council = factories.council("aldermoor")
        holder = factories.holder(council, user=factories.user(email="sam@example.com", name="Sam Holder"),
                                  postcode_district="SK4")
        pa = factories.organisation(name="Pat Helps", kind="personal_assistant", approved_in=[council])
        factories.user(R.PERSONAL_ASSISTANT, organisation=pa, email="pat@example.com", name="Pat Assistant")
        db.session.commit()
        return {"holder": holder.id}


def test_a_holder_posts_a_need_and_a_personal_assistant_replies(page, people, app):
    journey = Journey(page, factories.PASSWORD)
    with clock.frozen(NOW):
        journey.sign_in("sam@example.com")
        page.goto(f"/holders/{people['holder']}/needs")
        journey.check()
        page.get_by_label("What are you looking for?").fill("A PA, 6 hours a week")
        page.get_by_label("What is it for?").fill("Help getting to the shops and the library")
        page.get_by_label("Which days and times?").fill("Tuesday and Thursday mornings")
        page.get_by_label("Kind of support").select_option(index=1)
        journey.follow(page.get_by_role("button", name="Post the need"))
        journey.check()
        expect(page.locator("h1")).to_have_text("A PA, 6 hours a week")

        journey.sign_in("pat@example.com")
        page.goto("/needs")
        journey.check()
        expect(page.get_by_text("Someone in SK4")).to_be_visible()
        expect(page.get_by_text("Sam Holder")).to_have_count(0)
        journey.follow(page.get_by_role("link", name="A PA, 6 hours a week"))
        journey.check()
        page.get_by_label("Your reply").fill("I can help on Tuesday and Thursday mornings.")
        journey.follow(page.get_by_role("button", name="Send the reply"))
        journey.check()
        expect(page.get_by_text("I can help on Tuesday and Thursday mornings.")).to_be_visible()

        journey.sign_in("sam@example.com")
        page.goto(f"/holders/{people['holder']}/needs")
        journey.follow(page.get_by_role("link", name="A PA, 6 hours a week"))
        journey.check()
        expect(page.get_by_text("I can help on Tuesday and Thursday mornings.")).to_be_visible()
        expect(page.get_by_role("link", name="Pat Helps")).to_be_visible()
