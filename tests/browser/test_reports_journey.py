"""Unmet demand, walked in a browser. Cal, a commissioner in Aldermoor, opens Reports, then Unmet demand,
narrows it to SK1 and downloads it as a CSV; a provider opens their portal and reads what people in
Aldermoor looked for and could not find, then the public page behind it. Every page passes the journey's
checks (one h1, its own title, axe, no sideways scrolling at 320 px)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from playwright.sync_api import expect

from catalogue.demand import record_search
from catalogue.search import SearchRequest
from marketplace import clock

from .. import factories
from .journeys import Journey

pytestmark = pytest.mark.browser

NOW = datetime(2026, 11, 16, 10, tzinfo=timezone.utc)


@pytest.fixture
def demand(app):
    """October 2026: "yoga for beginners" found nothing 7 times in SK1, "bsl interpreter" 6 times in SK2; six
    holders in SK1 have approved plans foreseeing a gym, which nobody offers there."""
    with app.app_context(), clock.frozen(datetime(2026, 10, 5, 10, tzinfo=timezone.utc)) as frozen:
        council = factories.council("aldermoor")
        for text, area, times in (("Yoga for beginners", "SK1", 7), ("BSL interpreter", "SK2", 6)):
            for _ in range(times):
                record_search(council, SearchRequest(text=text, area=area), 0, "public")
        frozen.moment = NOW
        coordinator = factories.user("care_coordinator", council)
        finance = factories.user("finance_officer", council)
        for n in range(6):
            holder = factories.holder(council, name=f"Holder Number{n}", postcode_district="SK1")
            budget = factories.budget(holder, starts_on=date(2026, 4, 1), set_up_by=finance)
            factories.plan_for_ordering(holder, budget, [("Keeping fit", ["community"], 30000, ["gym"])], by=coordinator,
                                        through_service=False)
        factories.user("commissioner", council, email="cal@aldermoor.example.com", name="Cal Commissioner")
        organisation, _provider = factories.provider(council, name="Bright Care", user_email="pat@brightcare.example.com")
        factories.listing(organisation, title="Gym sessions", category="gym", areas=["SK3"])
        return council.slug


def test_a_commissioner_narrows_unmet_demand_to_an_area_and_a_provider_reads_the_panel(page, demand):
    journey = Journey(page, factories.PASSWORD)
    with clock.frozen(NOW):
        journey.sign_in("cal@aldermoor.example.com")
        journey.follow(page.get_by_role("link", name="Reports", exact=True))
        journey.check()
        journey.follow(page.get_by_role("link", name="Unmet demand", exact=True))
        journey.check()
        expect(page.locator("h1")).to_have_text("Unmet demand")
        expect(page.get_by_role("row", name="yoga for beginners 7")).to_be_visible()
        page.get_by_text("Filter, or compare two areas or periods").click()
        page.locator("#area").select_option("SK1")
        journey.follow(page.get_by_role("button", name="Show the report"))
        journey.check()
        expect(page.get_by_role("row", name="yoga for beginners 7")).to_be_visible()
        expect(page.get_by_text("bsl interpreter")).to_have_count(0)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download this report as a spreadsheet (CSV)").click()
        assert download.value.suggested_filename == "aldermoor-demand-2025-12-to-2026-11.csv"
        body = open(download.value.path(), encoding="utf-8").read()
        assert "Aldermoor Council: December 2025 to November 2026, area SK1" in body
        assert "yoga for beginners,7" in body and "SK1,7,0" in body and "Gym membership,6" in body
        assert "bsl interpreter" not in body and "Number" not in body

        journey.sign_in("pat@brightcare.example.com")
        page.goto("/provider")
        journey.check()
        panel = page.get_by_role("heading", name="What people in Aldermoor are looking for")
        expect(panel).to_be_visible()
        expect(page.get_by_text("Gym membership in SK1: 6 people")).to_be_visible()
        expect(page.get_by_text("“bsl interpreter” in SK2: 6 searches")).to_be_visible()
        journey.follow(page.get_by_role("link", name="Everything people in Aldermoor looked for and could not find"))
        journey.check()
        expect(page.locator("h1")).to_have_text("What people in Aldermoor are looking for")
        expect(page.get_by_role("link", name="How to list with us")).to_be_visible()
