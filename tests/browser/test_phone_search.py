"""On a phone 320 px wide the search page's results come before its filters (WCAG 1.4.10 reflow)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .. import factories

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}


def test_on_a_phone_search_results_come_before_the_filters(app, page, check_accessibility):
    with app.app_context():
        council = factories.council("aldermoor")
        organisation, _ = factories.provider(council, name="Out and About Ltd")
        for title in ("Cinema trips with support", "Supported day trips"):
            factories.listing(organisation, title=title, category="days-out", summary="Days out with someone to help.")
    page.set_viewport_size(PHONE)

    page.goto("/catalogue?council=aldermoor&q=someone+to+help+me+get+out+of+the+house")

    first = page.locator(".sm-result").first
    filters = page.get_by_role("heading", name="Filter results", level=2)
    expect(first).to_be_visible()
    assert first.bounding_box()["y"] < filters.bounding_box()["y"]
    assert first.bounding_box()["y"] < PHONE["height"] * 1.5  # near the top, not after a screenful of filters
    page.get_by_role("link", name="Filter results").click()
    expect(filters).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_accessibility(page)
