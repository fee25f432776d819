"""Every role's day as journeys in a real browser: each page on the way has one h1, its own title,
no serious or critical axe violations and no horizontal scrolling at 320 px (``journeys.Journey``).

Holder: orders within the plan and sees the money left drop; is refused past the money and follows
a suggestion; orders with the keyboard alone; orders with JavaScript off. Coordinator: approves an
order and a plan. Provider, holder and payer: accept, record a delivery, confirm it, pay by bank
transfer. Finance: a payment run and its file. A new provider: registers, is approved, publishes.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from marketplace import clock

from .. import factories
from .journeys import Journey

pytestmark = pytest.mark.browser

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)  # a Monday inside the plan year (April 2026 to March 2027)
OUTING = "Getting out and about"


@pytest.fixture
def frozen():
    with clock.frozen(NOW) as frozen_clock:
        yield frozen_clock


@pytest.fixture
def market(app, frozen):
    """Sam Holder in Aldermoor, £1,000 for getting out (£40 sessions from Out and About Ltd, £25 ones from
    Community Buddies); Cath coordinates; Pat runs Out and About Ltd."""
    with app.app_context():
        council = factories.council("aldermoor")
        coordinator = factories.user("care_coordinator", council, email="cath@example.com", name="Cath Coordinator")
        holder = factories.holder(council, user=factories.user(email="sam@example.com", name="Sam Holder"),
                                  named_contact_id=coordinator.id)
        budget = factories.budget(holder)
        factories.plan_for_ordering(holder, budget, [(OUTING, ["community"], 100000, ["social-support"])],
                                    by=coordinator, through_service=False)
        organisation, _pat = factories.provider(council, name="Out and About Ltd", user_email="pat@example.com")
        sessions = factories.orderable(organisation, title="Support worker for days out", price_pence=4000,
                                       category="social-support")
        buddies, _bea = factories.provider(council, name="Community Buddies", user_email="bea@example.com")
        cheaper = factories.orderable(buddies, title="Buddy outings", price_pence=2500, category="social-support")
        return {"holder": holder.id, "sessions": sessions.id, "cheaper": cheaper.id}


@pytest.fixture
def journey(page):
    return Journey(page, factories.PASSWORD)


def _order(journey, listing_id, quantity, *, check=True):
    page = journey.page
    page.goto(f"/catalogue/listings/{listing_id}")
    if check:
        journey.check()
    journey.follow(page.get_by_role("button", name="Order this"))
    if check:
        journey.check()
    page.get_by_label("How many?").fill(str(quantity))
    page.get_by_label(OUTING).check()
    page.get_by_label("Once", exact=True).check()
    journey.follow(page.get_by_role("button", name="Add to basket"))


def _money_left(page, holder_id) -> str:
    page.goto(f"/holders/{holder_id}/money")
    return page.get_by_role("row", name=re.compile(OUTING)).inner_text()


def test_a_holder_orders_within_the_plan_and_sees_the_money_left_drop(journey, market):
    page = journey.page
    journey.sign_in("sam@example.com")
    journey.check()
    assert "£1,000.00" in _money_left(page, market["holder"])
    journey.check()

    _order(journey, market["sessions"], 2)
    expect(page.get_by_role("heading", level=1)).to_have_text("Basket")
    journey.check()
    journey.follow(page.get_by_role("button", name="Place order"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Order placed")
    journey.check()

    assert "£920.00" in _money_left(page, market["holder"])


def test_a_holder_is_refused_past_the_money_and_follows_a_cheaper_suggestion(journey, market):
    page = journey.page
    journey.sign_in("sam@example.com")
    _order(journey, market["sessions"], 30)  # £1,200 for a £1,000 pot

    expect(page.get_by_role("heading", name="This does not fit the money left")).to_be_visible()
    expect(page.get_by_role("button", name="Place order")).to_have_count(0)
    journey.check()
    page.get_by_role("link", name="Buddy outings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buddy outings")

    page.goto(f"/holders/{market['holder']}/basket")
    page.get_by_role("button", name=re.compile("Remove")).click()
    _order(journey, market["cheaper"], 30, check=False)  # £750: fits
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Order placed")
    assert "£250.00" in _money_left(page, market["holder"])


def test_a_holder_orders_with_the_keyboard_alone(journey, market):
    page = journey.page
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).focus()
    page.keyboard.type("sam@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sam Holder")

    page.goto(f"/catalogue/listings/{market['sessions']}")
    _tab_to(page, "Order this")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Order:")
    _tab_to(page, "How many?")
    page.keyboard.type("1")
    _tab_to(page, OUTING)
    page.keyboard.press("Space")
    _tab_to(page, "Once")
    page.keyboard.press("Space")
    _tab_to(page, "Add to basket")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Basket")
    _tab_to(page, "Place order")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Order placed")


def _tab_to(page, name: str, limit: int = 80) -> None:
    """Press Tab until the focused element is called ``name`` (its text, label or value)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const el = document.activeElement;
            const label = el.labels && el.labels[0] ? el.labels[0].innerText : '';
            return [el.innerText || '', label, el.value || '', el.getAttribute('aria-label') || ''].join(' | ');
        }""")
        if name in focused:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_holder_orders_with_javascript_off(chromium, live_server, market):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        journey = Journey(page, factories.PASSWORD)
        journey.sign_in("sam@example.com")
        _order(journey, market["sessions"], 1, check=False)
        expect(page.get_by_role("heading", level=1)).to_have_text("Basket")
        page.get_by_role("button", name="Place order").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Order placed")
        assert "£960.00" in _money_left(page, market["holder"])
    finally:
        context.close()


@pytest.fixture
def waiting_for_cath(app, market):
    """An order Sam placed for gardening (not foreseen by the plan: it waits for Cath) and Ola's new plan,
    sent for a decision that is Cath's to make."""
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.holders.models import Holder
    from marketplace.orders import basket, placing

    with app.app_context():
        holder = db.session.get(Holder, market["holder"])
        sam = db.session.scalar(db.select(User).filter_by(email="sam@example.com"))
        cath = db.session.scalar(db.select(User).filter_by(email="cath@example.com"))
        organisation, _ = factories.provider(holder.council, name="Green Thumbs")
        gardening = factories.orderable(organisation, title="Garden tidy-up", price_pence=2000, category="gardening")
        basket.add_to_basket(sam, holder, gardening, 1, _outcome_key(holder))
        (order,) = placing.place(sam, holder, "journey-coordinator")
        ola = factories.holder(holder.council, user=factories.user(email="ola@example.com", name="Ola Other"),
                               named_contact_id=cath.id)
        plan = factories.written_plan(ola, factories.budget(ola), by=cath, submit=True)
        assert plan.waiting_on == "care_coordinator"
        return {"order": order.id, "plan": plan.id, "order_status": order.status}


def _outcome_key(holder) -> str:
    from marketplace.extensions import db
    from marketplace.plans.models import SupportPlan

    plan = db.session.scalar(db.select(SupportPlan).filter_by(holder_id=holder.id, status="approved"))
    return plan.outcomes[0].key


def test_a_coordinator_approves_an_order_and_a_plan(journey, waiting_for_cath):
    assert waiting_for_cath["order_status"] == "awaiting_approval"
    page = journey.page
    journey.sign_in("cath@example.com")
    journey.check()

    page.goto("/council/orders")
    journey.check()
    journey.follow(page.get_by_role("link", name=re.compile(f"order {waiting_for_cath['order']}")))
    journey.check()
    page.get_by_label(re.compile(r"^\s*Approve")).check()
    page.get_by_role("button", name="Save decision").click()
    page.goto(f"/orders/{waiting_for_cath['order']}")
    expect(page.locator("main")).to_contain_text("waiting for the provider to accept")

    page.goto("/council/plans")
    journey.check()
    journey.follow(page.get_by_role("link", name=re.compile("Ola Other")).first)
    journey.check()
    page.goto(f"/plans/{waiting_for_cath['plan']}/decide")
    journey.check()
    page.get_by_label("Approve the plan").check()
    page.get_by_role("button", name="Save decision").click()
    page.goto(f"/plans/{waiting_for_cath['plan']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("approved")


@pytest.fixture
def council_with_admin(app):
    with app.app_context():
        council = factories.council("aldermoor")
        factories.user("administrator", council, email="ada@example.com", name="Ada Administrator")
        return council.id


def test_a_new_provider_registers_is_approved_and_publishes_a_listing(journey, council_with_admin):
    page = journey.page
    page.goto("/register")
    journey.check()
    page.get_by_label("Provider organisation").check()
    page.get_by_label("Name of your organisation or business").fill("Hilltop Support")
    page.get_by_label("Aldermoor Council").check()
    page.get_by_label("Your name").fill("Hana Hill")
    page.get_by_label("Your email address").fill("hana@example.com")
    page.get_by_label("Choose a password").fill(factories.PASSWORD)
    journey.follow(page.get_by_role("button", name="Register"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    journey.check()

    journey.sign_in("ada@example.com")
    page.goto("/admin/organisations")
    journey.check()
    journey.follow(page.get_by_role("link", name="Hilltop Support"))
    journey.check()
    page.get_by_label(re.compile(r"^\s*Approve")).check()
    page.get_by_role("button", name="Save decision").click()

    journey.sign_in("hana@example.com")
    page.goto("/provider")
    journey.check()
    journey.follow(page.get_by_role("button", name="Add a listing"))
    journey.check()
    page.get_by_label("Title").fill("Help with shopping")
    page.get_by_label("Summary in one sentence").fill("We go shopping with you, or for you.")
    page.get_by_label("Category").select_option(index=1)
    page.get_by_label("Price in pounds").fill("18")
    page.get_by_label("Areas you cover").fill("SK1, SK2")
    page.get_by_role("checkbox", name=re.compile("home", re.I)).first.check()
    journey.follow(page.get_by_role("button", name="Save"))
    journey.check()
    page.get_by_role("button", name=re.compile("Publish")).first.click()
    expect(page.locator(".govuk-notification-banner").first).to_contain_text("Published")

    page.goto("/catalogue?q=shopping&council=aldermoor")
    expect(page.get_by_role("link", name="Help with shopping")).to_be_visible()


@pytest.fixture
def placed_order(app, frozen):
    """A direct-payment holder's order for one £40 session today, placed (not yet accepted) with a provider
    that has given its bank details (tests/billing/support.build_market)."""
    from marketplace.orders import basket, placing

    from ..billing.support import build_market

    with app.app_context():
        market = build_market()
        basket.add_to_basket(market.holder_user, market.holder, market.listing, 1, market.outcome.key)
        (order,) = placing.place(market.holder_user, market.holder, "journey-delivery")
        return {"order": order.id, "holder": market.holder_user.email, "provider": market.provider_user.email}


def test_a_provider_accepts_and_records_a_timesheet_the_holder_confirms_and_pays_by_bank_transfer(app, journey,
                                                                                                 placed_order):
    page = journey.page
    journey.sign_in(placed_order["provider"])
    page.goto("/provider/orders")
    journey.check()
    journey.follow(page.locator(f"a[href='/orders/{placed_order['order']}']").first)
    journey.check()
    page.get_by_role("button", name=re.compile("Accept")).click()
    expect(page.locator("main")).to_contain_text("ccepted")
    page.get_by_text("Record delivery", exact=False).first.click()  # opens the details
    page.get_by_label("Hours or number actually delivered (for a timesheet)").fill("1")
    page.get_by_label("Delivery note (optional)").fill("Went to the park and the library.")
    journey.follow(page.get_by_role("button", name="Record delivery"))
    expect(page.locator("main")).to_contain_text("Went to the park and the library.")
    journey.check()

    journey.sign_in(placed_order["holder"])
    page.goto(f"/orders/{placed_order['order']}")
    page.get_by_role("button", name=re.compile("^Confirm")).first.click()
    expect(page.locator("main")).to_contain_text("onfirmed")

    from marketplace.billing.models import Invoice
    from marketplace.extensions import db

    with app.app_context():
        invoice_id = db.session.scalar(db.select(Invoice.id).filter_by(order_id=placed_order["order"]))
    page.goto(f"/holders/{_holder_id(app, placed_order['order'])}/invoices")
    journey.check()
    journey.follow(page.locator(f"a[href='/invoices/{invoice_id}']").first)
    journey.check()
    if page.get_by_role("button", name="Approve the invoice").count():
        page.get_by_role("button", name="Approve the invoice").click()
    details = page.locator(".sm-bank-details")
    expect(details).to_contain_text("Bright Care Ltd")
    expect(details).to_contain_text("20-00-00")
    expect(details).to_contain_text("12345678")
    reference = details.locator("dd").nth(3).inner_text().strip()
    if not page.get_by_label("Bank reference").is_visible():
        page.get_by_text("Record a bank transfer or standing order").click()
    page.get_by_label("Bank reference").fill(reference)
    page.get_by_label("Day").fill("16")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    journey.follow(page.get_by_role("button", name="Record payment"))
    expect(page.locator("main")).to_contain_text("Paid")
    journey.check()


def _holder_id(app, order_id) -> int:
    from marketplace.extensions import db
    from marketplace.orders.models import Order

    with app.app_context():
        return db.session.get(Order, order_id).holder_id


@pytest.fixture
def invoices_for_finance(app, frozen):
    """Two approved council-paid invoices (a council-managed account) with a provider that has bank details."""
    from marketplace.billing import payments

    from ..billing.support import build_market, invoice_of

    with app.app_context():
        market = build_market(deployment="council_managed")
        for _ in range(2):
            payments.approve(market.finance, invoice_of(market.order(1)))
        return {"finance": market.finance.email}


def test_finance_makes_a_payment_run_and_downloads_the_bank_file(journey, invoices_for_finance):
    page = journey.page
    journey.sign_in(invoices_for_finance["finance"])
    journey.check()
    page.goto("/council/payments")
    journey.check()
    journey.follow(page.get_by_role("button", name="Make a payment run of approved council invoices"))
    journey.check()
    link = page.get_by_role("link", name=re.compile("Download the bank file")).first
    with page.expect_download() as download:
        link.click()
    rows = open(download.value.path(), encoding="utf-8").read().strip().splitlines()
    assert len(rows) == 2  # one row per invoice paid, its reference the invoice's
    for number, row in enumerate(sorted(rows), start=1):
        assert re.fullmatch(rf"200000,12345678,BRIGHT CARE LTD,40\.00,INV-\d{{4}}-0000{number}", row), row
