"""Buyers' ratings walked in a browser. Jo's second order of support-worker sessions was delivered and
confirmed; her first she rated 2 out of 5. She rates the second 5 (the listing's average goes from 2.0 to
3.5); the provider answers her review; the provider reports the old review as untrue and an administrator
hides it (the average becomes 5.0). Every page passes the journey's checks (one h1, its own title, axe,
no sideways scrolling at 320 px)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.ratings import service

from .. import factories
from ..billing.support import build_market
from .journeys import Journey

pytestmark = pytest.mark.browser

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def delivered(app):
    with app.app_context(), clock.frozen(NOW):
        market = build_market()
        first = market.order()
        service.rate(market.holder_user, first, market.listing.id, score=2, text="They came late twice.")
        second = market.order()
        admin = factories.user(R.ADMINISTRATOR, market.council, name="Ada Admin")
        return {"holder": market.holder_user.email, "provider": market.provider_user.email, "admin": admin.email,
                "order": second.id, "listing": market.listing.id}


def average(page) -> str:
    return page.get_by_test_id("rating-average").inner_text()


def test_a_holder_rates_the_provider_answers_and_an_administrator_hides_a_reported_review(page, delivered):
    journey = Journey(page, factories.PASSWORD)
    listing = f"/catalogue/listings/{delivered['listing']}"
    with clock.frozen(NOW):
        journey.sign_in(delivered["holder"])
        page.goto(listing)
        journey.check()
        assert average(page) == "2.0 out of 5 from 1 buyer"

        page.goto(f"/orders/{delivered['order']}")
        journey.check()
        journey.follow(page.get_by_role("link", name="Rate it"))
        journey.check()
        page.get_by_label("5: Very good").check()
        page.get_by_label("Treated me with respect").check()
        page.get_by_label("What was it like? (optional)").fill("Patient and kind. We went to the lake every week.")
        journey.follow(page.get_by_role("button", name="Publish my rating"))
        journey.check()
        expect(page.get_by_text("Thank you. Your rating is published.")).to_be_visible()
        page.goto(listing)
        assert average(page) == "3.5 out of 5 from 2 buyers"

        journey.sign_in(delivered["provider"])
        page.goto(f"{listing}/reviews")
        journey.check()
        journey.follow(page.get_by_role("link", name="Answer this review").first)
        journey.check()
        page.get_by_label("Your public answer").fill("Thank you, Jo's feedback means a lot to the team.")
        journey.follow(page.get_by_role("button", name="Publish the answer"))
        journey.check()
        expect(page.get_by_text("Thank you, Jo's feedback means a lot to the team.")).to_be_visible()
        assert average(page) == "3.5 out of 5 from 2 buyers"
        journey.follow(page.get_by_role("link", name="Report this review").last)  # the older, 2-star review
        journey.check()
        page.get_by_label("It is untrue or unfair").check()
        journey.follow(page.get_by_role("button", name="Report this review"))
        journey.check()

        journey.sign_in(delivered["admin"])
        page.goto("/")
        journey.follow(page.get_by_role("link", name="Reviews to look at"))
        journey.check()
        journey.follow(page.get_by_role("link", name="2 out of 5", exact=False))
        journey.check()
        page.get_by_label("Hide the review").check()
        page.get_by_label("Your reason", exact=False).fill("The provider's records show every visit on time.")
        journey.follow(page.get_by_role("button", name="Record the decision"))
        journey.check()
        page.goto(listing)
        assert average(page) == "5.0 out of 5 from 1 buyer"
        expect(page.get_by_text("They came late twice.")).to_have_count(0)
