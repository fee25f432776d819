"""Monthly statements benchmark: 10,000 holders with a year of ledger entries, then one month's statements.

Run from the project root:

    .venv/bin/python bench/statements.py                      # SQLite, 10,000 holders
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/statements.py
    .venv/bin/python bench/statements.py --holders 1000       # a quicker look

What it builds (a fresh database: a temporary SQLite file, or a new schema in BENCH_DATABASE_URL that is
dropped afterwards), for a plan year from 1 November 2025 to 31 October 2026:

- the five councils, and 20 providers each with a published listing, through the services the tests use
  (tests/factories.py);
- by a documented bulk path (SQLAlchemy Core inserts, which write the same rows the services write, minus
  the event log and password hashing): per holder a user to sign in with, the holder, their budget, one
  weekly order with one line, one paid invoice a month, and a year of ledger entries: funding every four
  weeks (each outcome's pot where the council earmarks money), a contribution with it for one holder in
  three, a commitment and a payment to the provider each week (the payment names the month's invoice, so
  statements look up provider and category as they do for real payments), spending outside the
  marketplace every month for one holder in four, and a credit every quarter for one holder in five:
  about 125 entries a holder, 1.25 million for 10,000 holders.

Then it times ``statements.service.generate_month`` (data, notifications and emails: no PDFs), first for
September 2026 (every budget's first statement: the opening balance comes from the whole ledger before
it) and then October 2026 (the opening balance comes from September's statement), and prints seconds,
holders a second and SQL statements a holder. Target: at most 60 s for 10,000 holders on this machine.
The underspend sentence (marketplace/underspend, when it is there) is worked out for each holder and
counted in. After each chunk commits, the mail hook sends up to 100 of the emails queued (console
backend, log silenced): that is counted in too.
"""
from __future__ import annotations

import argparse
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

YEAR_START = date(2025, 11, 1)
YEAR_END = date(2026, 10, 31)
MONTHS = [date(2025 + (10 + i) // 12, (10 + i) % 12 + 1, 1) for i in range(12)]  # November 2025 .. October 2026
BATCH = 20_000


def database_url(work: Path) -> tuple[str, str | None]:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{work / 'bench.db'}", None
    import sqlalchemy
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with sqlalchemy.create_engine(url).begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    return url, schema  # the schema goes in the engine's connect_args: the app's own "options" would replace the URL's


def drop_schema(schema: str) -> None:
    import sqlalchemy
    with sqlalchemy.create_engine(os.environ["BENCH_DATABASE_URL"]).begin() as conn:
        conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))


def insert_rows(db, model, rows: list[dict]) -> list[int]:
    """Insert in batches; returns the new ids in order."""
    from sqlalchemy import insert
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        part = rows[start:start + BATCH]
        result = db.session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), part)
        ids += [row[0] for row in result]
    return ids


def build(holders: int, seed: int = 13) -> dict:
    """The councils, providers and listings through the services; everything per holder in bulk."""
    from marketplace import clock
    from marketplace.accounts.models import User
    from marketplace.billing.models import Invoice
    from marketplace.budgets.models import BudgetPeriod, LedgerEntry
    from marketplace.extensions import db
    from marketplace.holders.models import Holder
    from marketplace.orders.models import Order, OrderLine
    from tests import factories

    rng = random.Random(seed)
    stamp = datetime(2025, 10, 20, 9, tzinfo=timezone.utc)
    councils = [factories.council(slug) for slug in ("aldermoor", "birchley", "coldwater", "dunmere", "eskbridge")]
    providers = []
    for i in range(20):
        council = councils[i % len(councils)]
        organisation, _admin = factories.provider(council, name=f"Provider {i + 1}")
        for other in councils:
            if other is not council:
                organisation.approvals.append(type(organisation.approvals[0])(council_id=other.id, status="approved"))
        listing = factories.orderable(organisation, title=f"Support session {i + 1}", price_pence=2000 + 250 * (i % 5),
                                      category=["social-support", "personal-care", "day-opportunities", "equipment"][i % 4])
        providers.append((organisation, listing))
    db.session.commit()

    users = insert_rows(db, User, [dict(email=f"holder{n}@bench.example.com", name=f"Holder {n}", password_hash="!bench",
                                        is_active_account=True, created_at=stamp) for n in range(holders)])
    holder_council = [councils[n % len(councils)] for n in range(holders)]
    holder_ids = insert_rows(db, Holder, [dict(council_id=holder_council[n].id, user_id=users[n], name=f"Holder {n}",
                                               reference=f"B-{n:06d}", preferred_contact="email", managed_by_council=False,
                                               mental_health=False, created_at=stamp) for n in range(holders)])
    weekly = [rng.randrange(100_00, 400_00, 100) for _ in range(holders)]
    budgets = insert_rows(db, BudgetPeriod, [dict(
        holder_id=holder_ids[n], council_id=holder_council[n].id, starts_on=YEAR_START, ends_on=YEAR_END,
        approved_annual_budget_pence=weekly[n] * 52, contribution_pence=weekly[n] * 13 if n % 3 == 0 else 0,
        deployment_option="direct_payment", mixed_split={}, funding_schedule="four_weekly", lock_version=0,
        created_at=stamp) for n in range(holders)])
    chosen = [providers[n % len(providers)] for n in range(holders)]
    orders = insert_rows(db, Order, [dict(
        holder_id=holder_ids[n], council_id=holder_council[n].id, budget_id=budgets[n], organisation_id=chosen[n][0].id,
        placed_by_id=users[n], kind="schedule", status="accepted", submission_key=uuid.uuid4().hex, committed_pence=0,
        approval_reasons=[], created_at=stamp) for n in range(holders)])
    insert_rows(db, OrderLine, [dict(
        order_id=orders[n], listing_id=chosen[n][1].id, title=chosen[n][1].title, category=chosen[n][1].category,
        unit="session", unit_price_pence=weekly[n], price_source="public", vat_rate_percent=0, quantity_centi=100,
        outcome_key="o1", notice_hours=24, cancellation_charge_percent=100) for n in range(holders)])
    numbers: dict[int, int] = {}
    invoice_rows = []
    for n in range(holders):
        for month in MONTHS:
            org = chosen[n][0].id
            numbers[org] = numbers.get(org, 0) + 1
            end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            invoice_rows.append(dict(
                organisation_id=org, number=numbers[org], order_id=orders[n], holder_id=holder_ids[n],
                council_id=holder_council[n].id, budget_id=budgets[n], payer_kind="holder", status="paid", period_start=month,
                period_end=end, issued_on=end, due_on=end, total_pence=weekly[n] * 4, vat_pence=0, credited_pence=0,
                auto_approved=False, lock_version=0, created_at=stamp))
    invoices = insert_rows(db, Invoice, invoice_rows)
    db.session.commit()

    entries = []
    for n in range(holders):
        earmarked = holder_council[n].money_is_earmarked
        pot = "o1" if earmarked else None
        base = dict(budget_id=budgets[n], holder_id=holder_ids[n], council_id=holder_council[n].id, pot=pot, outcome_key="o1",
                    cause_type=None, cause_id=None, memo=None, idempotency_key=None, actor_id=None)

        def add(kind, amount, day, **extra):
            entries.append({**base, "kind": kind, "amount_pence": amount, "effective_on": day,
                            "created_at": datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc), **extra})
        for k in range(13):
            day = YEAR_START + timedelta(days=28 * k)
            add("funding", weekly[n] * 4 - (weekly[n] if n % 3 == 0 else 0), day, memo="Four-weekly payment")
            if n % 3 == 0:
                add("contribution", weekly[n], day)
        spend = weekly[n] * rng.choice((80, 90, 95)) // 100
        for w in range(52):
            day = YEAR_START + timedelta(days=7 * w + 2)
            invoice = invoices[n * 12 + MONTHS.index(day.replace(day=1))]
            add("commitment", spend, day, cause_type="invoices", cause_id=invoice)
            add("payment", spend, day, cause_type="invoices", cause_id=invoice, memo="Paid for the week")
        for month in MONTHS:
            if n % 4 == 0:
                add("external_spend", 1500, month + timedelta(days=14), memo="Bus pass")
            if n % 5 == 0 and month.month % 3 == 0:
                add("credit", 500, month + timedelta(days=20), cause_type="invoices", cause_id=invoices[n * 12 + MONTHS.index(month)])
    entries.sort(key=lambda e: (e["effective_on"], e["budget_id"]))  # recorded in date order, as they would be
    for start in range(0, len(entries), BATCH * 5):
        db.session.execute(db.insert(LedgerEntry), entries[start:start + BATCH * 5])
    db.session.commit()
    del clock
    return {"holders": holders, "entries": len(entries), "invoices": len(invoices)}


def timed(db, month: date) -> tuple[float, int, object]:
    from sqlalchemy import event

    from marketplace.statements import service
    queries = [0]

    def count(*_args, **_kwargs):
        queries[0] += 1
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        result = service.generate_month(month)
        return time.perf_counter() - started, queries[0], result
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--holders", type=int, default=10_000)
    parser.add_argument("--target", type=float, default=60.0, help="seconds allowed for 10,000 holders (scaled)")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="statements-bench-"))
    url, schema = database_url(work)
    os.environ.update(DATABASE_URL=url, SEARCH_INDEX_DIR=str(work / "index"), APP_ENV="development", MAIL_BACKEND="console",
                      DATABASE_STATEMENT_TIMEOUT="0")
    from flask_migrate import upgrade

    from marketplace import clock
    from marketplace.app import create_app
    from marketplace.extensions import db
    app = create_app({"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}} if schema else None)
    app.logger.setLevel(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    status = 0
    try:
        with app.app_context(), clock.frozen(datetime(2026, 11, 2, 9, tzinfo=timezone.utc)):
            upgrade()
            logging.getLogger().setLevel(logging.WARNING)
            started = time.perf_counter()
            made = build(options.holders)
            print(f"Database: {db.engine.dialect.name}. Built {made['holders']:,} holders, {made['invoices']:,} invoices and "
                  f"{made['entries']:,} ledger entries in {time.perf_counter() - started:.1f} s.")
            allowed = options.target * options.holders / 10_000
            for month, what in ((date(2026, 9, 1), "first statements (opening from the ledger)"),
                                (date(2026, 10, 1), "next month (opening from the last statement)")):
                seconds, queries, result = timed(db, month)
                print(f"{month:%B %Y}, {what}: {result.issued:,} issued in {seconds:.1f} s "
                      f"({result.issued / seconds:,.0f} a second), {queries:,} SQL statements "
                      f"({queries / max(result.issued, 1):.2f} a holder). Target {allowed:.0f} s: "
                      f"{'met' if seconds <= allowed else 'MISSED'}.")
                status |= seconds > allowed
            seconds, queries, result = timed(db, date(2026, 10, 1))
            print(f"October 2026 again: {result.issued} issued, {result.already:,} already issued, in {seconds:.1f} s "
                  f"({queries:,} SQL statements).")
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema:
            drop_schema(schema)
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
