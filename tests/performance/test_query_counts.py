"""Hot pages make a bounded number of database round trips (issue 18, "hot pages without waste"): each
page is rendered with a few rows, then with about three times as many, and must send the same number of
SQL statements (a loop that loads something per row would send more), and no more than a ceiling.

Each test warms up with one request first (the first page after signing in is not the one measured),
and counts the statements of one GET with ``counting.counted_statements``. The ceilings are today's
counts with room to spare; a query per row on the larger page would pass none of them.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from catalogue.models import Listing, ListingPhoto
from marketplace import caching
from marketplace.accounts import roles as R
from marketplace.events import service as events
from marketplace.extensions import db
from marketplace.orders import basket
from marketplace.statements import service as statements

from .. import factories
from .conftest import MONTH, NOW
from .counting import assert_bounded, statements_for
from .world import add_orders, big_order, council_invoices, gardening, orders_for_others

FEW, MANY = 3, 9


def measure(app, browser, url: str, grow, check=None, cold: bool = False) -> tuple[list[str], list[str]]:
    """Render ``url`` (after a warm-up), call ``grow()``, render it again; ``check(text, grown)`` reads each page.
    ``cold``: empty the cache before each, to count what a page sends when it has to work everything out."""
    statements_for(app, browser, url)
    _cool(app, cold)
    few, text = statements_for(app, browser, url)
    if check:
        check(text, False)
    grow()
    _cool(app, cold)
    many, text = statements_for(app, browser, url)
    if check:
        check(text, True)
    return few, many


def _cool(app, cold: bool) -> None:
    if cold:
        with app.app_context():
            caching.clear()


# --- the catalogue: search results and a listing ----------------------------------------


def test_the_search_page_sends_as_many_statements_for_15_results_as_for_5(app, make, signed_in):
    council = make.council("aldermoor")
    person, _holder = make.holder_account(council, postcode_district="SK4")
    browser = signed_in(person)
    gardening(council, 0, 5)

    def shown(text, grown):
        assert text.count("Mowing and weeding.") + text.count("Grow things together.") == (15 if grown else 5)
        assert "Aldermoor Council's agreed rate for people it funds" in text
    few, many = measure(app, browser, "/catalogue?q=gardening", lambda: gardening(council, 5, 10), shown, cold=True)

    assert_bounded(few, many, ceiling=20)


def test_a_repeated_search_page_loads_no_listings_until_one_changes(app, make, client):
    council = make.council("aldermoor")
    gardening(council, 0, 5)
    url = "/catalogue?q=gardening&council=aldermoor"
    first, _ = statements_for(app, client, url)
    again, text = statements_for(app, client, url)
    db.session.scalars(db.select(Listing).filter_by(title="Gardening help 0")).one().title = "Mowing and hedges"
    db.session.commit()
    changed, changed_text = statements_for(app, client, url)

    def loads(statements):
        return [s for s in statements if "listings.title" in s]  # the listings loaded, not their ids checked
    assert loads(first) and not loads(again) and loads(changed)
    assert text.count("Mowing and weeding.") + text.count("Grow things together.") == 5
    assert "Mowing and hedges" in changed_text and "Mowing and hedges" not in text


def test_an_anonymous_search_page_sends_as_many_statements_for_15_results_as_for_5(app, make, client):
    council = make.council("aldermoor")
    gardening(council, 0, 5)

    few, many = measure(app, client, "/catalogue?q=gardening&council=aldermoor", lambda: gardening(council, 5, 10), cold=True)

    assert_bounded(few, many, ceiling=12)


def test_a_listing_page_sends_as_many_statements_whatever_the_number_of_agreed_rates_and_photos(app, make, signed_in):
    council = make.council("aldermoor")
    person, _holder = make.holder_account(council)
    organisation = make.organisation(name="Green Fingers", approved_in=(council,))
    listing = make.listing(organisation, title="Gardening help", category="gardening", price_pence=1800)
    make.agreed_price(listing, council, 1200)

    def grow():
        for n, slug in enumerate(("birchley", "coldwater", "dunmere", "eskbridge")):
            make.agreed_price(listing, make.council(slug), 1000 + n, commit=False)
        for n in range(6):
            db.session.add(ListingPhoto(listing_id=listing.id, content_type="image/png", data=b"png", alt_text=f"Garden {n}",
                                        width=10, height=10))
        db.session.commit()

    def shown(text, _grown):
        assert "£12.00" in text
    few, many = measure(app, signed_in(person), f"/catalogue/listings/{listing.id}", grow, shown)

    assert_bounded(few, many, ceiling=20)


# --- the holder's pages ------------------------------------------------------------------


def test_the_holders_home_sends_as_many_statements_for_9_orders_as_for_3(app, market, signed_in):
    add_orders(market, FEW, others=True)

    few, many = measure(app, signed_in(market.holder_user), "/", lambda: add_orders(market, MANY - FEW, others=True))

    assert_bounded(few, many, ceiling=25)


def test_the_money_page_sends_as_many_statements_for_9_orders_and_steps_as_for_3(app, market, signed_in):
    add_orders(market, FEW, others=True)

    def grow():
        add_orders(market, MANY - FEW, others=True)
        for actor in (market.finance, market.provider_user, factories.user(R.CARE_COORDINATOR, market.council)):
            events.record("budget.deployment_switched", actor=actor, holder=market.holder, obj=market.budget)
        db.session.commit()

    def shown(text, grown):
        assert "Getting out and about" in text
        assert text.count("Changed who holds the money") == (3 if grown else 0)
    few, many = measure(app, signed_in(market.holder_user), f"/holders/{market.holder.id}/money", grow, shown)

    assert_bounded(few, many, ceiling=25)


def test_the_basket_sends_as_many_statements_for_9_lines_as_for_3(app, market, signed_in):
    def fill(start, count):
        for n in range(start, start + count):
            listing = factories.orderable(market.organisation, title=f"Basket session {n}", price_pence=1000 + n,
                                          category="social-support")
            basket.add_to_basket(market.buyer, market.holder, listing, 1, market.outcome.key)
    fill(0, FEW)

    def shown(text, grown):
        assert text.count("Basket session") >= (MANY if grown else FEW)
    few, many = measure(app, signed_in(market.holder_user), f"/holders/{market.holder.id}/basket",
                        lambda: fill(FEW, MANY - FEW), shown)

    assert_bounded(few, many, ceiling=25)


def test_the_holders_orders_list_sends_as_many_statements_for_9_orders_as_for_3(app, market, signed_in):
    add_orders(market, FEW, others=True)

    def shown(text, grown):
        assert text.count("Ordered by") == (MANY if grown else FEW)
    few, many = measure(app, signed_in(market.holder_user), f"/holders/{market.holder.id}/orders",
                        lambda: add_orders(market, MANY - FEW, others=True), shown)

    assert_bounded(few, many, ceiling=15)


def test_an_order_page_sends_as_many_statements_for_9_lines_as_for_3_to_the_buyer_and_the_provider(app, market, signed_in):
    small, _ = big_order(market, FEW)
    large, _ = big_order(market, MANY)
    for person in (market.holder_user, market.provider_user):
        browser = signed_in(person)
        statements_for(app, browser, f"/orders/{small.id}")
        few, text = statements_for(app, browser, f"/orders/{small.id}")
        many, text = statements_for(app, browser, f"/orders/{large.id}")
        assert "Session 8" in text

        assert_bounded(few, many, ceiling=25)


def test_the_holders_invoices_send_as_many_statements_for_9_as_for_3(app, market, signed_in):
    add_orders(market, FEW, others=True)

    def shown(text, grown):
        assert text.count("INV-") == (MANY if grown else FEW)
    few, many = measure(app, signed_in(market.holder_user), f"/holders/{market.holder.id}/invoices",
                        lambda: add_orders(market, MANY - FEW, others=True), shown)

    assert_bounded(few, many, ceiling=15)


def test_an_invoice_page_sends_as_many_statements_for_9_lines_as_for_3(app, market, signed_in):
    _, small = big_order(market, FEW)
    _, large = big_order(market, MANY)
    browser = signed_in(market.holder_user)
    statements_for(app, browser, f"/invoices/{small.id}")
    few, _text = statements_for(app, browser, f"/invoices/{small.id}")
    many, text = statements_for(app, browser, f"/invoices/{large.id}")
    assert "Session 8" in text

    assert_bounded(few, many, ceiling=20)


def statement_months(m, months: list[date]) -> None:
    for month in months:
        statements.generate_for([m.budget.id], month)


def test_the_statements_list_sends_as_many_statements_for_6_months_as_for_2(app, market, signed_in):
    add_orders(market, 1)
    statement_months(market, [date(2026, 9, 1), date(2026, 10, 1)])

    few, many = measure(app, signed_in(market.holder_user), f"/holders/{market.holder.id}/statements",
                        lambda: statement_months(market, [date(2026, m, 1) for m in (4, 5, 6, 7)]))

    assert_bounded(few, many, ceiling=15)


def test_a_statement_sends_as_many_statements_for_9_orders_as_for_3(app, market, signed_in, frozen_clock):
    frozen_clock.moment = datetime(2026, 10, 12, 9, 0, tzinfo=timezone.utc)
    add_orders(market, FEW, others=True, paid=True)
    frozen_clock.moment = NOW
    add_orders(market, MANY, others=True, paid=True)
    statement_months(market, [date(2026, 10, 1), MONTH])
    october, november = sorted(statements.for_holder(market.holder), key=lambda s: s.month)
    browser = signed_in(market.holder_user)
    statements_for(app, browser, f"/statements/{october.id}")
    few, text = statements_for(app, browser, f"/statements/{october.id}")
    assert "October 2026" in text
    many, text = statements_for(app, browser, f"/statements/{november.id}")
    assert text.count("Paid to Organisation") >= MANY

    assert_bounded(few, many, ceiling=15)


# --- the provider's pages ----------------------------------------------------------------


def test_the_provider_inbox_sends_as_many_statements_for_9_orders_as_for_3(app, market, signed_in):
    add_orders(market, FEW)
    orders_for_others(market, FEW)

    def grow():
        add_orders(market, MANY - FEW)
        orders_for_others(market, MANY - FEW)

    def shown(text, grown):
        assert f"New: accept or decline ({MANY if grown else FEW})" in text
    few, many = measure(app, signed_in(market.provider_user), "/provider/orders", grow, shown)

    assert_bounded(few, many, ceiling=20)


def test_the_provider_home_sends_as_many_statements_for_9_orders_as_for_3(app, market, signed_in):
    add_orders(market, FEW)
    orders_for_others(market, FEW)

    def grow():
        add_orders(market, MANY - FEW)
        orders_for_others(market, MANY - FEW)
    few, many = measure(app, signed_in(market.provider_user), "/", grow)

    assert_bounded(few, many, ceiling=15)


def test_the_provider_finance_page_sends_as_many_statements_for_9_invoices_as_for_3(app, market, signed_in):
    add_orders(market, FEW, paid=True)
    orders_for_others(market, FEW, invoiced=True)

    def grow():
        add_orders(market, MANY - FEW, paid=True)
        orders_for_others(market, MANY - FEW, invoiced=True)
    few, many = measure(app, signed_in(market.provider_user), "/provider/finance", grow)

    assert_bounded(few, many, ceiling=20)


def test_the_councils_payments_page_sends_as_many_statements_for_9_invoices_as_for_3(app, market, signed_in):
    council_invoices(market, FEW)

    def shown(text, grown):
        assert text.count("INV-") == (MANY if grown else FEW)
    few, many = measure(app, signed_in(market.finance), "/council/payments", lambda: council_invoices(market, MANY - FEW), shown)

    assert_bounded(few, many, ceiling=20)


# --- the commissioners' reports ----------------------------------------------------------


def test_each_report_sends_as_many_statements_for_9_orders_as_for_3(app, market, signed_in, monkeypatch):
    monkeypatch.setitem(app.config, "CACHE_ENABLED", False)  # count the report's own queries, not a cache hit
    commissioner = factories.user(R.COMMISSIONER, market.council)
    add_orders(market, FEW, others=True)
    browser = signed_in(commissioner)
    for name in ("spend", "market", "prices", "demand", "underspend"):
        url = f"/council/reports/{name}?start=2026-04&end=2026-11"
        statements_for(app, browser, url)
    before = {name: statements_for(app, browser, f"/council/reports/{name}?start=2026-04&end=2026-11")[0]
              for name in ("spend", "market", "prices", "demand", "underspend")}
    add_orders(market, MANY - FEW, others=True)
    for name, few in before.items():
        many, _ = statements_for(app, browser, f"/council/reports/{name}?start=2026-04&end=2026-11")
        assert_bounded(few, many, ceiling=20)


# --- the order form for a broker with a caseload ------------------------------------


def test_the_order_form_sends_as_many_statements_for_a_caseload_of_9_as_of_3(app, make, signed_in):
    council = make.council("aldermoor")
    organisation = make.organisation(name="Out and About Ltd", approved_in=(council,))
    listing = make.listing(organisation, title="Cinema trips", category="leisure", price_pence=2000)
    broker = make.user(R.BROKER, council, email="broker@example.com")

    def caseload(start, count):
        for n in range(start, start + count):
            make.delegation(make.holder(council, name=f"Person {n}"), broker, ["view", "order"], kind="broker")

    caseload(0, FEW)

    def listed(text, grown):
        assert text.count("Person ") == (FEW + MANY if grown else FEW)

    few, many = measure(app, signed_in(broker), f"/orders/new?listing={listing.id}", lambda: caseload(FEW, MANY), listed)

    assert_bounded(few, many, ceiling=15)
