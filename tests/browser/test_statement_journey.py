"""A holder opens this month's statement from their money page, reads where they stand against the
council's underspend rule, and downloads the PDF; every page passes the journey's checks (one h1, its
own title, axe, no sideways scrolling at 320 px)."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from playwright.sync_api import expect

from marketplace import clock
from marketplace.budgets import ledger
from marketplace.extensions import db
from marketplace.statements import service

from .. import factories
from .journeys import Journey

pytestmark = pytest.mark.browser

OUTING = "Getting out and about"


@pytest.fixture
def issued(app):
    """Sam Holder in Aldermoor: £1,000 for getting out paid in on 12 October 2026, £15 spent on a bus pass
    outside the marketplace; October's statement issued on 2 November."""
    with app.app_context(), clock.frozen(datetime(2026, 10, 12, 9, tzinfo=timezone.utc)) as frozen:
        council = factories.council("aldermoor")
        coordinator = factories.user("care_coordinator", council, name="Cath Coordinator")
        holder = factories.holder(council, user=factories.user(email="sam@example.com", name="Sam Holder"),
                                  named_contact_id=coordinator.id)
        budget = factories.budget(holder, approved_pence=100000)
        plan = factories.plan_for_ordering(holder, budget, [(OUTING, ["community"], 100000, ["social-support"])],
                                           by=coordinator, through_service=False)
        ledger.external_spend(budget, 1500, outcome_key=plan.outcomes[0].key, memo="Bus pass")
        db.session.commit()
        frozen.moment = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
        service.generate_month(date(2026, 10, 1))
        statement = service.for_holder(holder)[0]
        return {"holder": holder.id, "sentence": statement.underspend_sentence}


def test_a_holder_reads_this_months_statement_and_downloads_the_pdf(page, issued, app):
    journey = Journey(page, factories.PASSWORD)
    with clock.frozen(datetime(2026, 11, 2, 10, tzinfo=timezone.utc)):
        journey.sign_in("sam@example.com")
        page.goto(f"/holders/{issued['holder']}/money")
        journey.check()
        page.get_by_role("link", name="Monthly statements", exact=True).click()
        journey.check()
        expect(page.locator("h1")).to_have_text("Monthly statements")
        page.get_by_role("link", name="October 2026", exact=True).click()
        journey.check()
        expect(page.locator("h1")).to_have_text("Statement for October 2026")
        expect(page.get_by_text("At the end of October 2026 there was £985.00 in the budget.")).to_be_visible()
        expect(page.get_by_role("cell", name="Spent outside the marketplace: Bus pass")).to_be_visible()
        assert re.match(r"You have .* Aldermoor", issued["sentence"]), issued["sentence"]  # marketplace/underspend's words
        expect(page.locator("#underspend")).to_have_text(issued["sentence"])
        with page.expect_download() as download:
            page.get_by_role("link", name="Download this statement as a PDF").click()
        assert download.value.suggested_filename.endswith("-2026-10.pdf")
        data = open(download.value.path(), "rb").read()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
