"""Every role's day on a phone 320 px wide (WCAG 1.4.10 reflow; also what 1280 px at 400% zoom shows),
on the demo data: no page scrolls sideways, "Sign out" can be seen, every link and button in the
header is at least 24 by 24 px (WCAG 2.2 2.5.8), each page has one h1 and passes axe. The demo is
loaded once for the module (``shared_demo``); the search page on a phone is in test_phone_search.py."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from catalogue.models import Listing
from marketplace import demo
from marketplace.accounts.models import User
from marketplace.budgets import service as budgets
from marketplace.extensions import db
from marketplace.holders.service import holder_for_user
from marketplace.orders import basket
from marketplace.plans.service import approved_plan

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}

# What a link or button in the header measures on screen, for every visible one (the service
# navigation's links are behind its "Menu" button on a phone, so only the button is measured).
HEADER_TARGETS = """() => Array.from(document.querySelectorAll(
    'header a, header button, .govuk-service-navigation a, .govuk-service-navigation button'))
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
              return {text: e.textContent.trim().replace(/\\s+/g, ' '), width: r.width, height: r.height} })"""


def _demo_day() -> dict[str, list[str]]:
    """Sam Taylor's basket with one thing in it, and each role's pages of the day (on the demo data)."""
    sam = db.session.scalar(db.select(User).filter_by(email="holder@example.com"))
    holder = holder_for_user(sam)
    plan = approved_plan(budgets.current_budget(holder))
    outcome = plan.outcomes[0]  # "Get out and about": leisure, among others
    cinema = db.session.scalars(db.select(Listing).filter_by(category="leisure", status="published", kind="service")
                                .order_by(Listing.id)).all()
    listing = next(item for item in cinema if item.organisation.is_approved_in(holder.council_id))
    basket.add_to_basket(sam, holder, listing, 1, outcome.key)
    h = holder.id
    return {
        "holder": ["/", f"/holders/{h}/money", f"/holders/{h}/basket", f"/holders/{h}/orders", "/catalogue?q=cinema"],
        "representative": ["/", f"/holders/{h}", f"/holders/{h}/money"],
        "broker": ["/", "/caseload"],
        "provider": ["/", "/provider/orders", "/provider", "/provider/finance"],
        "community": ["/", "/provider"],
        "coordinator": ["/", "/council/orders", "/holders"],
        "finance": ["/", "/council/payments"],
        "commissioner": ["/", "/council/prices", "/council/reports", "/council/reports/spend"],
        "admin": ["/", "/admin/organisations", "/admin/events"],
    }


def _sign_in(page, who: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(f"{who}@example.com")
    page.get_by_label("Password", exact=True).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def _problems_on(page, check_accessibility) -> list[str]:
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"the page is {width} px wide")
    sign_out = page.get_by_role("button", name="Sign out")
    box = sign_out.bounding_box() if sign_out.is_visible() else None
    if box is None or box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
        problems.append(f"'Sign out' is not on the screen ({box})")
    small = [t for t in page.evaluate(HEADER_TARGETS) if t["width"] < 24 or t["height"] < 24]
    if small:
        problems.append(f"header targets under 24 x 24 px: {small}")
    h1s = page.locator("h1").count()
    if h1s != 1:
        problems.append(f"{h1s} h1 headings")
    try:
        check_accessibility(page)
    except AssertionError as failure:
        problems.append(str(failure))
    return problems


def test_every_roles_day_fits_a_phone(app, shared_demo, page, check_accessibility):
    with app.app_context():
        days = _demo_day()
    page.set_viewport_size(PHONE)
    problems = []
    for who, paths in days.items():
        page.context.clear_cookies()
        _sign_in(page, who)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, f"{who} {path}: {response.status}"
            problems += [f"{who} {path}: {p}" for p in _problems_on(page, check_accessibility)]
        if who == "holder":
            # Sam's basket line can be removed without scrolling sideways (before: the Remove column was off-screen).
            page.goto(days["holder"][2])
            remove = page.get_by_role("button", name=re.compile("Remove")).first
            remove.scroll_into_view_if_needed()
            box = remove.bounding_box()
            assert box and box["x"] + box["width"] <= PHONE["width"], box
    assert not problems, "\n".join(problems)


def test_the_menu_offers_each_role_only_its_own_pages(app, shared_demo, page):
    expected = {
        "provider": ["Home", "Find support", "Help", "Your listings", "Orders", "Questions", "Invoices"],
        "community": ["Home", "Find support", "Help", "Your listings", "Questions"],
        "coordinator": ["Home", "Find support", "Help", "Approvals", "Plans", "Budget holders", "Audit"],
        "finance": ["Home", "Find support", "Help", "Budget holders", "Audit", "Payments", "Underspend", "Prices"],
        "commissioner": ["Home", "Find support", "Help", "Prices", "Reports"],
    }
    for who, names in expected.items():
        page.context.clear_cookies()
        _sign_in(page, who)
        menu = page.get_by_role("navigation", name="Your pages")
        assert menu.get_by_role("link").all_inner_texts() == names, who
        for name in names:  # every page offered opens
            href = menu.get_by_role("link", name=name, exact=True).get_attribute("href")
            assert page.request.get(href).status == 200, f"{who}: {name} {href}"
