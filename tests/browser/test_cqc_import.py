"""An administrator imports the CQC's care directory on a phone 320 px wide: the upload page and the
report fit without the page scrolling sideways (a wide table scrolls in its own region), have one h1
and pass axe; the listing then shows the regulator's rating."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from marketplace.accounts import roles as R
from marketplace.extensions import db

from .. import factories

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "cqc_directory.csv"


def _fits(page, check_accessibility) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("h1").count() == 1
    check_accessibility(page)


def test_an_administrator_imports_the_directory_on_a_phone(app, page, check_accessibility):
    with app.app_context():
        council = factories.council("aldermoor")
        admin = factories.user(R.ADMINISTRATOR, council)
        organisation, _ = factories.provider(council, name="Brightwater")
        organisation.cqc_location_id = "1-101000001"
        factories.organisation(name="Typo Care").cqc_location_id = "1-555555555"
        db.session.commit()
        listing = factories.listing(organisation, title="Home care visits")
        email, listing_id = admin.email, listing.id
    page.set_viewport_size(PHONE)
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto("/admin/organisations")
    page.get_by_role("link", name="Import CQC ratings from the CQC's care directory").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import CQC ratings")
    _fits(page, check_accessibility)
    page.get_by_label("The CQC's care directory").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Import ratings").click()
    expect(page.get_by_role("heading", name="What the import did")).to_be_visible()
    expect(page.get_by_role("table", name="Rows that match no organisation")).to_contain_text("Faraway House")
    expect(page.get_by_role("table", name="Organisations whose location ID is not in the file")).to_contain_text("Typo Care")
    _fits(page, check_accessibility)
    page.goto(f"/catalogue/listings/{listing_id}")
    expect(page.get_by_text("Care Quality Commission rating: Outstanding, inspected 3 May 2026")).to_be_visible()
