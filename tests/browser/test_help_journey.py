"""A visitor, not signed in, opens Help from the front page, chooses Aldermoor, reads what a personal
budget can be spent on (with a real listing of Aldermoor's), and switches to easy read and back; every
page passes the journey's checks (one h1, its own title, axe, no sideways scrolling at 320 px). And an
administrator of Aldermoor edits a page (the script and the handler are dropped), saves again, and restores
the first version from the history."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .. import factories
from .journeys import Journey

pytestmark = pytest.mark.browser


@pytest.fixture
def aldermoor(app):
    """Aldermoor and Birchley, and one published listing of a provider Aldermoor approves."""
    with app.app_context():
        council = factories.council("aldermoor")
        factories.council("birchley")
        organisation, _person = factories.provider(council, name="Moor Walkers")
        factories.listing(organisation, title="Weekly walking group", category="community")
        return council.slug


def test_a_visitor_reads_what_a_budget_can_be_spent_on_in_easy_read(page, aldermoor):
    journey = Journey(page, factories.PASSWORD)
    page.goto("/")
    journey.check()
    journey.follow(page.get_by_role("link", name="Read plain-English help about personal budgets"))
    journey.check()
    expect(page.locator("h1")).to_have_text("Help with personal budgets")
    journey.follow(page.get_by_role("link", name="Aldermoor Council", exact=True))
    journey.check()
    expect(page.locator(".govuk-caption-l")).to_have_text("Aldermoor Council")
    journey.follow(page.get_by_role("link", name="What a personal budget can be spent on", exact=True))
    journey.check()
    expect(page.locator("h1")).to_have_text("What a personal budget can be spent on")
    expect(page.get_by_test_id("help-text")).to_contain_text("legal, safe and helps you reach an outcome")
    expect(page.get_by_role("link", name="Weekly walking group")).to_be_visible()
    journey.follow(page.get_by_role("link", name="Read this in easy read"))
    journey.check()
    expect(page.locator("h1")).to_have_text("What a personal budget can be spent on (easy read)")
    expect(page.get_by_test_id("help-text")).to_contain_text("It must be legal.")
    journey.follow(page.get_by_role("link", name="Read the standard version"))
    expect(page.locator("h1")).to_have_text("What a personal budget can be spent on")
    assert len(journey.checked) == 5


def test_an_administrator_edits_a_page_and_restores_the_earlier_version(page, aldermoor, app):
    with app.app_context():
        factories.user("administrator", factories.council("aldermoor"), email="ada@example.com", name="Ada Admin")
    journey = Journey(page, factories.PASSWORD)
    journey.sign_in("ada@example.com")
    page.goto("/help/carers")
    journey.check()
    journey.follow(page.get_by_role("link", name="Edit this page (standard)"))
    journey.check()
    page.get_by_label("The text of the page").fill('<p onclick="x()">Carers in Aldermoor can ask for a break.</p><script>x()</script>')
    journey.follow(page.get_by_role("button", name="Save a new version"))
    expect(page.get_by_test_id("help-text")).to_have_text("Carers in Aldermoor can ask for a break.")
    journey.follow(page.get_by_role("link", name="Edit this page (standard)"))
    page.get_by_label("The text of the page").fill("<p>A second try.</p>")
    journey.follow(page.get_by_role("button", name="Save a new version"))
    journey.follow(page.get_by_role("link", name="Earlier versions"))
    journey.check()
    journey.follow(page.get_by_role("button", name="Restore").first)
    expect(page.get_by_test_id("help-versions").locator("li")).to_have_count(3)
    page.goto("/help/carers")
    expect(page.get_by_test_id("help-text")).to_have_text("Carers in Aldermoor can ask for a break.")
