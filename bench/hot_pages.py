"""Hot pages benchmark: milliseconds and SQL statements per request for the pages many people open at
once (issue 18), rendered in process through Flask's test client (no network, no server: the figures are
the page's own work).

Run from the project root:

    .venv/bin/python bench/hot_pages.py                       # SQLite, 3,000 listings
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/hot_pages.py
    .venv/bin/python bench/hot_pages.py --listings 500 --repeat 5   # a quicker look

What it builds (a fresh database: a temporary SQLite file, or a new schema in BENCH_DATABASE_URL dropped
afterwards), through the services the tests use (tests/factories.py, tests/performance/world.py), with
the clock on Monday 16 November 2026:

- the five councils; a catalogue of ``--listings`` listings from 100 providers approved in Aldermoor, one in
  ten about gardening (a third of those a free community resource, half the rest with an agreed Aldermoor
  rate), indexed for search;
- Jo, an Aldermoor holder with an approved, funded plan: ``--orders`` one-off orders in October, each from
  its own provider, delivered, confirmed, invoiced and paid (October's statement lists them), as many in
  November left unpaid, one order of 10 lines invoiced as one invoice, and 5 things in her basket;
- Jo's own provider with those orders and orders from 20 other holders; a commissioner.

Then it opens each page ``--repeat`` times after one warm-up and prints the median milliseconds and the SQL
statements of one request. Reports are the same code as bench/reports.py measures at scale.
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.statements import database_url, drop_schema  # noqa: E402

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
OCTOBER = datetime(2026, 10, 12, 9, 0, tzinfo=timezone.utc)


def build_catalogue(count: int) -> None:
    """``count`` listings from 100 providers approved in Aldermoor; every tenth about gardening."""
    from marketplace.extensions import db
    from tests import factories
    from tests.performance.world import gardening

    aldermoor = factories.council("aldermoor")
    for slug in ("birchley", "coldwater", "dunmere", "eskbridge"):
        factories.council(slug)
    gardeners = count // 10
    gardening(aldermoor, 0, gardeners)
    organisations = [factories.organisation(name=f"Provider {n}", approved_in=(aldermoor,)) for n in range(100)]
    categories = ["social-support", "personal-care", "day-opportunities", "equipment", "sports", "domestic-help"]
    for n in range(count - gardeners):
        factories.listing(organisations[n % 100], title=f"Support {n}", category=categories[n % len(categories)],
                          price_pence=1500 + 10 * (n % 300), summary="Help with everyday things.", commit=False)
        if n % 500 == 499:
            db.session.commit()
    db.session.commit()


def build_market(orders: int) -> dict:
    """Jo's orders, invoices, statement and basket; her provider's orders from other holders; a commissioner."""
    from marketplace import clock
    from marketplace.accounts import roles as R
    from marketplace.orders import basket
    from marketplace.statements import service as statements
    from tests import factories
    from tests.billing.support import build_market as market
    from tests.performance.world import add_orders, big_order, orders_for_others

    m = market(invoicing="monthly", funding_pence=5_000_000)
    with clock.frozen(OCTOBER):
        add_orders(m, orders, others=True, paid=True)
    add_orders(m, orders, others=True)
    add_orders(m, orders)  # with Jo's own provider: its inbox and finance page
    orders_for_others(m, 20, invoiced=True)
    order, invoice = big_order(m, 10)
    statements.generate_for([m.budget.id], OCTOBER.date().replace(day=1))
    statement = statements.for_holder(m.holder)[0]
    for n in range(5):
        listing = factories.orderable(m.organisation, title=f"Basket session {n}", price_pence=1000 + n, category="social-support")
        basket.add_to_basket(m.buyer, m.holder, listing, 1, m.outcome.key)
    commissioner = factories.user(R.COMMISSIONER, m.council)
    listing_id = m.listing.id
    return {"holder": m.holder_user.email, "provider": m.provider_user.email, "commissioner": commissioner.email,
            "holder_id": m.holder.id, "order": order.id, "invoice": invoice.id, "statement": statement.id,
            "listing": listing_id}


def pages(made: dict) -> list[tuple[str, str | None, str]]:
    """(label, who is signed in, address) of each page measured."""
    h = made["holder_id"]
    reports = [(f"report: {name}", "commissioner", f"/council/reports/{name}?start=2026-04&end=2026-11")
               for name in ("spend", "market", "prices", "demand", "underspend")]
    return [
        ("search ?q=gardening (anonymous)", None, "/catalogue?q=gardening&council=aldermoor"),
        ("search ?q=gardening (holder)", "holder", "/catalogue?q=gardening"),
        ("a listing", "holder", f"/catalogue/listings/{made['listing']}"),
        ("holder home", "holder", "/"),
        ("money", "holder", f"/holders/{h}/money"),
        ("basket", "holder", f"/holders/{h}/basket"),
        ("orders list", "holder", f"/holders/{h}/orders"),
        ("an order (10 lines)", "holder", f"/orders/{made['order']}"),
        ("invoices list", "holder", f"/holders/{h}/invoices"),
        ("an invoice (10 lines)", "holder", f"/invoices/{made['invoice']}"),
        ("statements list", "holder", f"/holders/{h}/statements"),
        ("a statement", "holder", f"/statements/{made['statement']}"),
        ("provider inbox", "provider", "/provider/orders"),
        ("provider home", "provider", "/"),
        ("provider finance", "provider", "/provider/finance"),
        *reports,
    ]


def measure(app, browser, url: str, repeat: int) -> tuple[float, int]:
    """(median milliseconds, SQL statements of the last request) over ``repeat`` GETs after a warm-up."""
    from sqlalchemy import event

    from marketplace.extensions import db

    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    response = browser.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    event.listen(engine, "before_cursor_execute", note)
    try:
        for _ in range(repeat):
            seen.clear()
            started = time.perf_counter()
            response = browser.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return statistics.median(times), len(seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=3000)
    parser.add_argument("--orders", type=int, default=30, help="orders a month in October and November")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pages", default="", help="only the pages whose label contains this, e.g. search")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hot-pages-bench-"))
    url, schema = database_url(work)
    os.environ.update(DATABASE_URL=url, SEARCH_INDEX_DIR=str(work / "index"), APP_ENV="development", MAIL_BACKEND="console",
                      DATABASE_STATEMENT_TIMEOUT="0")
    from flask_migrate import upgrade

    from catalogue.indexing import rebuild
    from marketplace import clock
    from marketplace.app import create_app
    from marketplace.extensions import db
    from tests.helpers import Browser

    overrides = {"SERVER_NAME": "localhost", "RATELIMIT_ENABLED": False, "SEARCH_SYNC_INTERVAL": None,
                 "MAIL_RETRY_INTERVAL": None}
    if schema:
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
    app = create_app(overrides)
    app.logger.setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        with app.app_context(), clock.frozen(NOW):
            upgrade()
            logging.getLogger().setLevel(logging.WARNING)
            started = time.perf_counter()
            build_catalogue(options.listings)
            made = build_market(options.orders)
            indexed = rebuild()
            print(f"Database: {db.engine.dialect.name}. Built {options.listings:,} listings ({indexed:,} indexed) and "
                  f"{3 * options.orders + 21:,} orders in {time.perf_counter() - started:.1f} s.")
        with clock.frozen(NOW):
            browsers = {None: Browser(app.test_client())}
            for who in ("holder", "provider", "commissioner"):
                browsers[who] = Browser(app.test_client())
                browsers[who].sign_in(made[who])
            print(f"{'page':40} {'ms (median)':>12} {'SQL statements':>15}")
            for label, who, address in [p for p in pages(made) if options.pages in p[0]]:
                ms, statements = measure(app, browsers[who], address, options.repeat)
                print(f"{label:40} {ms:12.1f} {statements:15d}")
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema:
            drop_schema(schema)
    return 0


if __name__ == "__main__":
    sys.exit(main())
