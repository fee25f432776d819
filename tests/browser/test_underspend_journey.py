"""Underspend and spending outside the marketplace, walked in a browser. Sam Holder (Aldermoor) records a bus
pass bought at the station with a photo of the receipt; Fran, a finance officer, finds the proposal to take
back money held above Aldermoor's rule, approves a smaller amount with a reason, checks the decision before it
is posted, and then reads the audit. Every page passes the journey's checks (one h1, its own title, axe, no
sideways scrolling at 320 px).

The figures (tests/underspend/test_decisions.py): £1,700 held on 23 June 2026, £160 above 10 weeks of
payments (£1,540)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from playwright.sync_api import expect

from marketplace import clock
from marketplace.budgets.models import LedgerEntry
from marketplace.extensions import db
from marketplace.underspend.models import ClawbackProposal
from marketplace.underspend.service import check

from .. import factories
from ..spending.files import photo
from ..underspend.support import case, four_weekly
from .journeys import Journey

pytestmark = pytest.mark.browser

ON = datetime(2026, 6, 23, 10, tzinfo=timezone.utc)


@pytest.fixture
def proposed(app, tmp_path):
    with app.app_context():
        c = case("aldermoor", 800_800)
        c.receive(*four_weekly(3), amount=61_600)
        c.spend(14_800)
        check(date(2026, 6, 23))
        receipt = tmp_path / "receipt.jpg"
        receipt.write_bytes(photo())
        return {"holder": c.holder.id, "holder_email": c.holder_user.email, "finance_email": c.finance.email,
                "budget": c.budget.id, "proposal": db.session.scalar(db.select(ClawbackProposal.id)), "receipt": str(receipt)}


def test_a_holder_records_a_purchase_and_finance_decides_the_clawback(page, proposed, app):
    journey = Journey(page, factories.PASSWORD)
    with clock.frozen(ON):
        journey.sign_in(proposed["holder_email"])
        page.goto(f"/holders/{proposed['holder']}/money")
        journey.check()
        expect(page.get_by_text("you hold £160 more than that", exact=False)).to_be_visible()
        journey.follow(page.get_by_role("link", name="Record something you bought elsewhere"))
        journey.check()
        page.get_by_label("What did you buy?").fill("Bus pass for June")
        page.get_by_label("Day").fill("20")
        page.get_by_label("Month").fill("6")
        page.get_by_label("Year").fill("2026")
        page.get_by_label("How much did it cost, in pounds?").fill("12.50")
        page.get_by_label("Get out and meet people").check()
        page.get_by_label("A photo or PDF of the receipt").set_input_files(proposed["receipt"])
        journey.follow(page.get_by_role("button", name="Record this purchase"))
        journey.check()
        expect(page.get_by_role("cell", name="Bus pass for June", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Download the receipt for Bus pass for June")).to_be_visible()

        journey.sign_in(proposed["finance_email"])
        journey.follow(page.get_by_role("link", name="Underspend", exact=False).first)
        journey.check()
        expect(page.locator("h1")).to_have_text("Underspend decisions: Aldermoor Council")
        journey.follow(page.get_by_role("link", name="Sam Holder"))
        journey.check()
        expect(page.get_by_text("Most you can decide")).to_be_visible()
        page.get_by_role("radio", name="Approve a different amount").check()
        page.get_by_role("textbox", name="The different amount").fill("120")
        page.get_by_label("Your reason", exact=False).fill("Keep £40 for the winter, as agreed with Sam.")
        journey.follow(page.get_by_role("button", name="Record the decision"))
        journey.check()
        expect(page.locator("h1")).to_have_text("Check your decision")
        with app.app_context():
            assert db.session.scalar(db.select(LedgerEntry.id).filter_by(kind="clawback")) is None  # nothing yet
        journey.follow(page.get_by_role("button", name="Yes, take back £120.00"))
        journey.check()
        expect(page.get_by_text("Sam Holder, approved with a changed amount (£120.00)")).to_be_visible()
        with app.app_context():
            assert db.session.scalars(db.select(LedgerEntry.amount_pence).filter_by(kind="clawback")).all() == [12_000]

        page.goto("/council/audit")
        journey.check()
        page.goto(f"/holders/{proposed['holder']}/audit")
        journey.check()
        expect(page.get_by_text("Bus pass for June", exact=False).first).to_be_visible()
    assert len(journey.checked) == 9, journey.checked
