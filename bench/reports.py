"""Commissioners' reports benchmark: 20,000 holders, 200,000 orders and about 1,000,000 ledger entries,
then every registered report for one council over a year.

Run from the project root (PostgreSQL is the target; SQLite works for a quicker look):

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/reports.py
    .venv/bin/python bench/reports.py --holders 2000          # SQLite, a tenth of the size

What it builds (a new schema in BENCH_DATABASE_URL, dropped afterwards; or a temporary SQLite file), for a
plan year from 1 November 2025 to 31 October 2026:

- the five councils and 30 providers with 60 published listings in 12 categories, through the services the
  tests use (tests/factories.py);
- by the documented bulk path of bench/statements.py (SQLAlchemy Core inserts writing the rows the services
  write, without the event log): per holder a user, the holder (in one of the council's districts), a
  budget with an approved plan (one outcome foreseeing three categories), ten one-off orders over the year (categories drawn in the proportions of the Stockport table,
  ../shared/reference/spend_categories.csv), each with its line, a paid invoice, a commitment and a
  payment; funding every four weeks; a contribution for one holder in three; a purchase outside the
  marketplace most months; 200,000 searches (one in six with no results) and a review for one order in
  twenty.

Then it times ``REPORTS[name].tables(filters)`` for Aldermoor (a fifth of everything) over the year, each
report three times, and prints the best time, the rows in its tables and its SQL statements. Target: at
most 2 s each. With ``--explain`` it prints PostgreSQL's plan of the slowest report's slowest statement.
"""
from __future__ import annotations

import argparse
import csv
import logging
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.statements import database_url, drop_schema, insert_rows  # noqa: E402

YEAR_START = date(2025, 11, 1)
YEAR_END = date(2026, 10, 31)
ORDERS_PER_HOLDER = 10
BATCH = 100_000
CATEGORIES = {  # catalogue category -> the Stockport table's row it stands for
    "support-worker": "Support worker", "short-breaks": "Holiday or short break", "leisure": "Leisure activities",
    "gym": "Gym membership", "domestic-help": "Domestic help", "personal-assistant": "Personal assistant",
    "transport": "Transport", "computing": "Computing equipment", "social-support": "Support in social activities",
    "home-improvements": "Home improvements", "education": "Study and education", "sports": "Sports activities",
}


def stockport_weights() -> dict[str, float]:
    path = ROOT.parent / "shared" / "reference" / "spend_categories.csv"
    shares = {}
    if path.exists():
        with path.open() as f:
            shares = {row["category"]: float(row["share_of_holders_pct"]) for row in csv.DictReader(f)
                      if row["share_of_holders_pct"]}
    return {slug: shares.get(name, 5.0) for slug, name in CATEGORIES.items()}


def build(holders: int, seed: int = 17) -> dict:
    from catalogue.models import SearchLog
    from marketplace import taxonomy
    from marketplace.accounts.models import User
    from marketplace.billing.models import Invoice
    from marketplace.budgets.models import BudgetPeriod, LedgerEntry
    from marketplace.extensions import db
    from marketplace.holders.models import Holder
    from marketplace.orders.models import Order, OrderLine
    from marketplace.plans.models import PlanOutcome, SupportPlan
    from marketplace.ratings.models import Review
    from tests import factories

    rng = random.Random(seed)
    stamp = datetime(2025, 10, 20, 9, tzinfo=timezone.utc)
    councils = [factories.council(slug) for slug in ("aldermoor", "birchley", "coldwater", "dunmere", "eskbridge")]
    known = set(taxonomy.categories())
    slugs = [s for s in CATEGORIES if s in known] or sorted(known)[:12]
    weights = stockport_weights()
    listings = []
    for i in range(30):
        home = councils[i % len(councils)]
        organisation, _admin = factories.provider(home, name=f"Provider {i + 1}",
                                                  kind=["provider", "micro_provider", "personal_assistant"][i % 3])
        for other in councils:
            if other is not home:
                organisation.approvals.append(type(organisation.approvals[0])(council_id=other.id, status="approved"))
        for k in range(2):
            category = slugs[(2 * i + k) % len(slugs)]
            listings.append(factories.orderable(organisation, title=f"Support {i + 1}.{k + 1}", category=category,
                                                price_pence=1500 + 250 * ((i + k) % 8)))
    db.session.commit()
    by_category = {s: [l for l in listings if l.category == s] for s in slugs}

    users = insert_rows(db, User, [dict(email=f"holder{n}@bench.example.com", name=f"Holder {n}", password_hash="!bench",
                                        is_active_account=True, created_at=stamp) for n in range(holders)])
    council_of = [councils[n % len(councils)] for n in range(holders)]
    holder_ids = insert_rows(db, Holder, [dict(
        council_id=council_of[n].id, user_id=users[n], name=f"Holder {n}", reference=f"R-{n:06d}",
        postcode_district=rng.choice(council_of[n].postcode_districts or ["SK1"]), preferred_contact="email",
        managed_by_council=False, mental_health=False, created_at=stamp) for n in range(holders)])
    weekly = [rng.randrange(40_00, 200_00, 100) for _ in range(holders)]
    options = ["direct_payment", "managed_account", "council_managed"]
    budgets = insert_rows(db, BudgetPeriod, [dict(
        holder_id=holder_ids[n], council_id=council_of[n].id, starts_on=YEAR_START, ends_on=YEAR_END,
        approved_annual_budget_pence=weekly[n] * 52, contribution_pence=weekly[n] * 13 if n % 3 == 0 else 0,
        deployment_option=options[n % 3], mixed_split={}, funding_schedule="four_weekly", lock_version=0,
        created_at=stamp) for n in range(holders)])

    # An approved plan a holder, its one outcome (key "o1", as the ledger entries say) foreseeing three
    # categories, so the underspend report has positions to measure and unmet demand has plans to read.
    plans = insert_rows(db, SupportPlan, [dict(
        holder_id=holder_ids[n], budget_id=budgets[n], council_id=council_of[n].id, version=1, status="approved",
        risks=[], written_with=["self"], created_by_id=users[n], decided_by_id=users[n], submitted_at=stamp, decided_at=stamp,
        created_at=stamp) for n in range(holders)])
    insert_rows(db, PlanOutcome, [dict(
        plan_id=plans[n], key="o1", position=0, codes=["community"], own_words="Get out and about",
        amount_pence=weekly[n] * 52, categories=rng.sample(slugs, 3)) for n in range(holders)])

    order_rows, plan = [], []
    for n in range(holders):
        chosen = rng.choices(slugs, weights=[weights[s] for s in slugs], k=ORDERS_PER_HOLDER)
        for j, category in enumerate(chosen):
            listing = rng.choice(by_category[category]) if by_category[category] else rng.choice(listings)
            day = YEAR_START + timedelta(days=rng.randrange(0, 360))
            placed = datetime(day.year, day.month, day.day, 10, tzinfo=timezone.utc)
            plan.append((n, listing, day))
            order_rows.append(dict(
                holder_id=holder_ids[n], council_id=council_of[n].id, budget_id=budgets[n], organisation_id=listing.organisation_id,
                placed_by_id=users[n], kind="purchase", status="paid", submission_key=uuid.uuid4().hex,
                committed_pence=listing.price_pence, approval_reasons=[], created_at=placed, placed_at=placed,
                accepted_at=placed + timedelta(hours=rng.randrange(1, 96))))
    orders = insert_rows(db, Order, order_rows)
    insert_rows(db, OrderLine, [dict(
        order_id=orders[i], listing_id=listing.id, title=listing.title, category=listing.category, unit="session",
        unit_price_pence=listing.price_pence, price_source="public", vat_rate_percent=0, quantity_centi=100,
        outcome_key="o1", notice_hours=24, cancellation_charge_percent=100) for i, (n, listing, day) in enumerate(plan)])
    numbers: dict[int, int] = {}
    invoice_rows = []
    for i, (n, listing, day) in enumerate(plan):
        numbers[listing.organisation_id] = numbers.get(listing.organisation_id, 0) + 1
        invoice_rows.append(dict(
            organisation_id=listing.organisation_id, number=numbers[listing.organisation_id], order_id=orders[i],
            holder_id=holder_ids[n], council_id=council_of[n].id, budget_id=budgets[n], payer_kind="holder", status="paid",
            period_start=day, period_end=day, issued_on=day, due_on=day, total_pence=listing.price_pence, vat_pence=0,
            credited_pence=0, auto_approved=False, lock_version=0, created_at=stamp))
    invoices = insert_rows(db, Invoice, invoice_rows)
    db.session.commit()

    entries = []

    def add(n, kind, amount, day, **extra):
        entries.append({**dict(budget_id=budgets[n], holder_id=holder_ids[n], council_id=council_of[n].id,
                               pot="o1" if council_of[n].money_is_earmarked else None, outcome_key="o1", cause_type=None,
                               cause_id=None, memo=None, idempotency_key=None, actor_id=None, kind=kind, amount_pence=amount,
                               effective_on=day, created_at=datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)),
                        **extra})
    for n in range(holders):
        for k in range(13):
            day = YEAR_START + timedelta(days=28 * k)
            add(n, "funding", weekly[n] * 4 - (weekly[n] if n % 3 == 0 else 0), day)
            if n % 3 == 0:
                add(n, "contribution", weekly[n], day)
        for month in range(12):
            if rng.random() < 0.9:
                day = date(2025 + (10 + month) // 12, (10 + month) % 12 + 1, 15)
                add(n, "external_spend", rng.randrange(5_00, 60_00, 50), day, memo="Bought elsewhere")
    for i, (n, listing, day) in enumerate(plan):
        add(n, "commitment", listing.price_pence, day, cause_type="invoices", cause_id=invoices[i])
        add(n, "payment", listing.price_pence, day, cause_type="invoices", cause_id=invoices[i])
    entries.sort(key=lambda e: (e["effective_on"], e["budget_id"]))
    for start in range(0, len(entries), BATCH):
        db.session.execute(db.insert(LedgerEntry), entries[start:start + BATCH])
    db.session.commit()

    words = ["gardening", "swimming", "pa polish", "cinema", "taxi", "yoga", "cooking lessons", "dog walking", "bsl"]
    searches = []
    for s in range(holders * 10):
        council = councils[s % len(councils)]
        day = YEAR_START + timedelta(days=rng.randrange(0, 360))
        empty = rng.random() < 1 / 6
        searches.append(dict(council_id=council.id, area=rng.choice(council.postcode_districts or ["SK1"]),
                             query=rng.choice(words) + ("" if not empty else f" {rng.randrange(40)}"),
                             filters={"categories": [rng.choice(slugs)]} if rng.random() < 0.3 else {},
                             result_count=0 if empty else rng.randrange(1, 40), searcher_role="budget_holder",
                             created_at=datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)))
    for start in range(0, len(searches), BATCH):
        db.session.execute(db.insert(SearchLog), searches[start:start + BATCH])
    reviews = [dict(order_id=orders[i], listing_id=listing.id, organisation_id=listing.organisation_id, holder_id=holder_ids[n],
                    council_id=council_of[n].id, author_id=users[n], author_kind="holder", score=rng.choice([5, 5, 4, 4, 3, 2, 1]),
                    aspects=[], status="published", created_at=stamp)
               for i, (n, listing, day) in enumerate(plan) if i % 20 == 0]
    for start in range(0, len(reviews), BATCH):
        db.session.execute(db.insert(Review), reviews[start:start + BATCH])
    db.session.commit()
    return {"holders": holders, "orders": len(orders), "entries": len(entries), "searches": len(searches),
            "reviews": len(reviews)}


def time_reports(db, council, explain: bool) -> list[tuple[str, float, int, int]]:
    from sqlalchemy import event

    from marketplace.reports import views  # noqa: F401 -- registers every report
    from marketplace.reports.filters import Filters
    from marketplace.reports.registry import REPORTS

    filters = Filters(council, YEAR_START, YEAR_END)
    results, slowest = [], (0.0, "", "", None)
    engine = db.engine
    for name, found in sorted(REPORTS.items()):
        best, statements, rows = None, 0, 0
        for _ in range(3):
            seen = []

            def count(_conn, _cursor, statement, params, _context, _many, seen=seen):
                seen.append((time.perf_counter(), statement, params))
            event.listen(engine, "before_cursor_execute", count)
            db.session.expire_all()
            start = time.perf_counter()
            tables = found.tables(filters)
            took = time.perf_counter() - start
            event.remove(engine, "before_cursor_execute", count)
            if best is None or took < best:
                best, statements, rows = took, len(seen), sum(len(t.rows) for t in tables)
                # A statement's time: from it to the next one (its rows are read in between).
                gaps = [(later[0] - this[0], this[1], this[2]) for this, later in zip(seen, seen[1:] + [(start + took, "", None)])]
                worst = max(gaps, key=lambda gap: gap[0]) if gaps else None
                if worst and worst[0] > slowest[0]:
                    slowest = (worst[0], name, worst[1], worst[2])
        results.append((name, best, rows, statements))
    if explain and len(slowest) > 3 and engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {slowest[2]}", slowest[3]).scalars().all()
        print(f"\nThe slowest statement ({slowest[1]}, about {slowest[0]:.2f} s with reading its rows), as PostgreSQL ran it:")
        print("\n".join(plan))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--holders", type=int, default=20_000)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    url, schema = database_url(work)
    os.environ.update(DATABASE_URL=url, SEARCH_INDEX_DIR=str(work / "index"), APP_ENV="development", MAIL_BACKEND="console",
                      DATABASE_STATEMENT_TIMEOUT="0")
    from marketplace.app import create_app
    from marketplace.councils.models import Council
    from marketplace.extensions import db

    # CACHE_ENABLED off: the report cache (marketplace/reports/reading.py) would answer the 2nd and 3rd runs
    # from stored figures; this measures computing them, as the figures before the cache did.
    settings = {"CACHE_ENABLED": False}
    if schema:
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={schema}"}}
    app = create_app(settings)
    app.logger.setLevel(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    try:
        with app.app_context():
            from flask_migrate import upgrade
            upgrade()
            logging.getLogger().setLevel(logging.WARNING)
            start = time.perf_counter()
            made = build(args.holders)
            print(f"Built {made['holders']:,} holders, {made['orders']:,} orders, {made['entries']:,} ledger entries, "
                  f"{made['searches']:,} searches and {made['reviews']:,} reviews in {time.perf_counter() - start:.0f} s "
                  f"({db.engine.dialect.name}).")
            council = db.session.scalar(db.select(Council).filter_by(slug="aldermoor"))
            print(f"\n{'report':<12} {'best of 3':>10} {'table rows':>11} {'SQL statements':>15}")
            for name, took, rows, statements in time_reports(db, council, args.explain):
                print(f"{name:<12} {took:>9.2f}s {rows:>11,} {statements:>15,}")
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema:
            drop_schema(schema)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
