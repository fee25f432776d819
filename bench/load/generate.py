"""The load test's data: 10 councils, 20,000 holders, 50,000 listings and a year of activity, in PostgreSQL.

    .venv/bin/python -m bench.load.generate                 # full size, into the database "loadtest"
    .venv/bin/python -m bench.load.generate --scale 0.05    # a twentieth, for a quick try

It drops and creates the database named in ``--database-url`` (127.0.0.1 only; default
postgresql+psycopg://postgres@127.0.0.1:5432/loadtest), migrates it, and writes, printing how long each
part takes:

- councils and staff: the ten councils (bench/load/catalogue_rows.py), and per council a care
  coordinator, a commissioner and three brokers (scaled), through the accounts service;
- providers and the catalogue: 500 providers (each with an admin who signs in), 50,000 published
  listings (85% services, 7% personal assistants, 8% free community resources), by SQLAlchemy Core
  inserts of the rows the portal writes (organisations, approvals, role grants, listings, person profiles);
- holders: per holder a user who signs in, the holder, their role, a budget for the plan year (the twelve
  months starting on the 1st of the month eleven months ago, so today is in its eleventh month) and an
  approved plan with three outcomes; one holder in ten has a broker allowed to view and order. Bulk,
  as bench/statements.py and bench/reports.py do (the rows the services write, without the event log);
- the year so far (bench/load/activity_rows.py): funding, contributions and a purchase a month carried
  through to payment, reviews, and ten searches a holder in the demand log; rating summaries as
  ``ratings.service.recount`` makes them; invoice counters so new invoices number on;
- orders now, through the services (basket, ``placing.place``, ``lifecycle.accept``, with the clock
  moved back ten days): a weekly booking for one holder in eighty, whose past dates the providers
  record as delivered during the test. These are placed before the other holders' roles are written:
  placing and accepting an order asks ``policy.who_may`` who to tell, which loads every role grant in the
  council and its user one at a time (thousands of queries a call at this size), and the bookings would
  take most of an hour. The rows written are the same;
- last month's statements, through ``statements.service.generate_month``; then every email queued so far is
  marked sent (``mark_mail_sent``);
- the search index, through ``catalogue.indexing.rebuild`` (into ``--work``/index); with
  ``--postgres-search`` also the PostgreSQL backend's documents (the same rebuild, SEARCH_BACKEND=postgres).

Every account's password is PASSWORD below (one argon2 hash is computed and shared: hashing 20,000 would
take half an hour and measure nothing). The accounts the Locust test signs in with are written to
``--work``/accounts.json.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import secrets
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load.activity_rows import Year, at  # noqa: E402
from bench.load.catalogue_rows import SERVICE_CATEGORIES, council_rules, listings, organisations, stamp_now  # noqa: E402
from bench.load.copying import copy_rows as insert_rows  # noqa: E402
from bench.search import QUERIES  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/loadtest"
DEFAULT_WORK = "/tmp/support-market-load"
PASSWORD = "load-test-password-2026"
FULL = {"holders": 20_000, "listings": 50_000, "providers": 500, "brokers_per_council": 3}
OUTCOMES = [("Get out of the house and meet people", ["community", "relationships"], 50),
            ("Keep my home clean and in order", ["habitable_home"], 30),
            ("Get back into learning or work", ["work_learning"], 20)]


def local_url(url: str) -> str:
    host = urlsplit(url.replace("postgresql+psycopg", "postgresql")).hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"The load test only touches a database on 127.0.0.1, not {host!r}.")
    return url


@contextmanager
def part(name: str, log: dict):
    started = time.perf_counter()
    yield
    log[name] = time.perf_counter() - started
    print(f"  {name:<44} {log[name]:7.1f} s", flush=True)


def recreate(url: str) -> None:
    import sqlalchemy
    name = urlsplit(url.replace("postgresql+psycopg", "postgresql")).path.lstrip("/")
    admin = sqlalchemy.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()


def plan_year(today: date) -> tuple[date, date]:
    month = today.month - 10
    start = date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return start, date(start.year + 1, start.month, 1) - timedelta(days=1)


def staff(db, councils, shared_hash: str, brokers: int) -> dict:
    """Through the accounts service: per council a coordinator, a commissioner and ``brokers`` brokers."""
    from marketplace.accounts import service as accounts
    made = {"coordinators": {}, "commissioners": [], "brokers": {}}
    for council in councils:
        def person(role: str, n: int = 0):
            user = accounts.create_user(f"{role.replace('_', '-')}{n}.{council.slug}@load.example.com",
                                        f"{role.replace('_', ' ').title()} {n + 1} of {council.name}")
            user.password_hash, user.password_set_at = shared_hash, datetime.now(timezone.utc)
            accounts.grant_role(user, role, council)
            return user
        made["coordinators"][council.id] = person("care_coordinator")
        made["commissioners"].append(person("commissioner"))
        made["brokers"][council.id] = [person("broker", n) for n in range(brokers)]
    db.session.commit()
    return made


def catalogue(db, rng, councils, sizes, shared_hash, stamp) -> dict:
    from catalogue.models import Listing, PersonProfile
    from marketplace.accounts.models import RoleGrant, User
    from marketplace.providers.models import Organisation, OrganisationApproval
    by_slug = {c.slug: c for c in councils}
    districts = {c.slug: list(c.postcode_districts) for c in councils}
    orgs = organisations(rng, sizes["providers"], list(by_slug), stamp)
    rows, people = listings(rng, sizes["listings"], orgs, districts, stamp)
    strip = lambda r: {k: v for k, v in r.items() if not k.startswith("_")}  # noqa: E731
    org_ids = insert_rows(db, Organisation, [strip(o) for o in orgs])
    person_ids = insert_rows(db, Organisation, [strip(p) for p in people])
    approvals = [dict(organisation_id=i, council_id=by_slug[s].id, status="approved", decided_at=stamp, created_at=stamp)
                 for i, o in zip(org_ids + person_ids, orgs + people) for s in o["_approved"]]
    insert_rows(db, OrganisationApproval, approvals)
    admins = insert_rows(db, User, [dict(email=f"provider{n}@load.example.com", name=f"Provider admin {n + 1}",
                                         password_hash=shared_hash, is_active_account=True, password_set_at=stamp,
                                         created_at=stamp) for n in range(len(orgs))])
    insert_rows(db, RoleGrant, [dict(user_id=u, role="provider_admin", organisation_id=o, created_at=stamp)
                                for u, o in zip(admins, org_ids)])
    for row in rows:
        where = row["_org"]
        row["organisation_id"] = (None if where is None else person_ids[where[1]] if isinstance(where, tuple)
                                  else org_ids[where])
        row["council_id"] = by_slug[row["_council"]].id if where is None else None
    listing_ids = insert_rows(db, Listing, [strip(r) for r in rows])
    insert_rows(db, PersonProfile, [dict(listing_id=listing_ids[i], **people[r["_org"][1]]["_person"])
                                    for i, r in enumerate(rows) if isinstance(r["_org"], tuple)])
    db.session.commit()
    # What a holder in each council can buy: services of a provider approved there, £5 to £80.
    buyable: dict[int, list] = {c.id: [] for c in councils}
    for i, row in enumerate(rows):
        if isinstance(row["_org"], int) and 500 <= (row["price_pence"] or 0) <= 8000:
            row["id"] = listing_ids[i]
            for slug in orgs[row["_org"]]["_approved"]:
                buyable[by_slug[slug].id].append((row, admins[row["_org"]]))
    return {"listing_ids": listing_ids, "buyable": buyable, "admins": admins, "organisations": len(orgs) + len(people)}


def holders(db, rng, councils, count, made, shared_hash, year, stamp) -> list[dict]:
    from marketplace.accounts.models import User
    from marketplace.budgets.models import BudgetPeriod
    from marketplace.holders.models import Delegation, Holder
    from marketplace.plans.models import PlanOutcome, SupportPlan
    council_of = [councils[n % len(councils)] for n in range(count)]
    users = insert_rows(db, User, [dict(email=f"holder{n}@load.example.com", name=f"Holder {n + 1}", password_hash=shared_hash,
                                        is_active_account=True, password_set_at=stamp, created_at=stamp) for n in range(count)])
    holder_ids = insert_rows(db, Holder, [dict(
        council_id=council_of[n].id, user_id=users[n], name=f"Holder {n + 1}", reference=f"LOAD-{n + 1:06d}",
        postcode_district=rng.choice(council_of[n].postcode_districts), preferred_contact="email",
        named_contact_id=made["coordinators"][council_of[n].id].id, managed_by_council=False, mental_health=n % 4 == 0,
        date_of_birth=date(1945 + n % 60, 1 + n % 12, 1 + n % 28), created_at=stamp) for n in range(count)])
    weekly = [rng.randrange(100_00, 400_00, 100) for _ in range(count)]
    options = ["direct_payment", "direct_payment", "managed_account", "council_managed"]
    budget_ids = insert_rows(db, BudgetPeriod, [dict(
        holder_id=holder_ids[n], council_id=council_of[n].id, starts_on=year[0], ends_on=year[1],
        indicative_budget_pence=weekly[n] * 52, approved_annual_budget_pence=weekly[n] * 52,
        contribution_pence=weekly[n] * 13 if n % 3 == 0 else 0, deployment_option=options[n % 4], mixed_split={},
        funding_schedule="four_weekly", lock_version=0, created_at=stamp) for n in range(count)])
    decided = at(year[0] - timedelta(days=20))
    plan_ids = insert_rows(db, SupportPlan, [dict(
        holder_id=holder_ids[n], budget_id=budget_ids[n], council_id=council_of[n].id, version=1, status="approved",
        crisis_plan="Call my care coordinator; out of hours, the crisis team.", risks=[], written_with=["self", "coordinator"],
        created_by_id=made["coordinators"][council_of[n].id].id, decided_by_id=made["coordinators"][council_of[n].id].id,
        submitted_at=decided, decided_at=decided, created_at=decided) for n in range(count)])
    categories = [SERVICE_CATEGORIES + ["personal-assistant", "community-activities"], ["domestic-help", "home-improvements"],
                  ["education", "computing"]]
    outcome_rows, people = [], []
    for n in range(count):
        keys = [f"h{holder_ids[n]}-{k}" for k in range(3)]
        for k, (words, codes, share) in enumerate(OUTCOMES):
            outcome_rows.append(dict(plan_id=plan_ids[n], key=keys[k], position=k, codes=codes, own_words=words,
                                     amount_pence=weekly[n] * 52 * share // 100, categories=categories[k]))
        people.append(dict(n=n, holder_id=holder_ids[n], budget_id=budget_ids[n], council_id=council_of[n].id, user_id=users[n],
                           weekly=weekly[n], keys=keys, words=[o[0] for o in OUTCOMES], shares=[o[2] for o in OUTCOMES],
                           earmarked=council_of[n].money_is_earmarked, contributes=n % 3 == 0,
                           email=f"holder{n}@load.example.com"))
    insert_rows(db, PlanOutcome, outcome_rows)
    delegations = []
    for h in people[::10]:
        brokers = made["brokers"][h["council_id"]]
        broker = brokers[h["n"] // 10 % len(brokers)]
        h["broker"] = broker.email
        delegations.append(dict(holder_id=h["holder_id"], delegate_id=broker.id, kind="broker", rights=["view", "order"],
                                starts_on=year[0], consent_recorded_by_id=made["coordinators"][h["council_id"]].id,
                                consent_note="Load test data", created_at=stamp))
    insert_rows(db, Delegation, delegations)
    db.session.commit()
    return people


def holder_roles(db, people: list[dict], stamp) -> None:
    """Each holder's role in their council (what ``accounts.grant_role`` writes)."""
    from marketplace.accounts.models import RoleGrant
    insert_rows(db, RoleGrant, [dict(user_id=h["user_id"], role="budget_holder", council_id=h["council_id"], created_at=stamp)
                                for h in people])
    db.session.commit()


def the_year(db, rng, people, buyable, year, today) -> dict:
    from catalogue.models import RatingSummary, SearchLog
    from marketplace.billing.models import Invoice, InvoiceCounter, InvoiceLine, Payment
    from marketplace.budgets.models import LedgerEntry
    from marketplace.councils.models import Council
    from marketplace.orders.models import Occurrence, Order, OrderLine
    from marketplace.ratings.models import Review
    made = Year(today)
    for h in people:
        made.holder(rng, h, year[0], buyable[h["council_id"]])
    orders = insert_rows(db, Order, made.orders())
    lines = insert_rows(db, OrderLine, made.lines(orders))
    occurrences = insert_rows(db, Occurrence, made.occurrences(orders, lines))
    numbers: dict[int, int] = {}
    invoices = insert_rows(db, Invoice, made.invoices(orders, numbers))
    insert_rows(db, InvoiceLine, made.invoice_lines(invoices, occurrences))
    insert_rows(db, Payment, made.payments(invoices))
    insert_rows(db, InvoiceCounter, [dict(organisation_id=o, last_number=n) for o, n in numbers.items()])
    made.money_entries(orders, invoices)
    made.entries.sort(key=lambda e: (e["effective_on"], e["budget_id"]))  # recorded in date order, as they would be
    insert_rows(db, LedgerEntry, made.entries)
    reviews = made.reviews(orders)
    insert_rows(db, Review, reviews)
    summaries: dict[int, dict] = {}
    for r in reviews:  # what ratings.service.recount makes of the published reviews
        s = summaries.setdefault(r["listing_id"], dict(listing_id=r["listing_id"], count=0, total=0, distribution=[0] * 5))
        s["count"] += 1
        s["total"] += r["score"]
        s["distribution"][r["score"] - 1] += 1
    insert_rows(db, RatingSummary, list(summaries.values()))
    councils = {c.id: c for c in db.session.scalars(db.select(Council))}
    texts = [q.request.text for q in QUERIES if q.request.text]
    searches = []
    for h in people:
        for _ in range(10):
            day = year[0] + timedelta(days=rng.randrange(0, (today - year[0]).days))
            text = rng.choice(texts)
            searches.append(dict(council_id=h["council_id"], area=rng.choice(councils[h["council_id"]].postcode_districts),
                                 query=text, filters={}, result_count=0 if "xylophone" in text else rng.randrange(1, 400),
                                 searcher_role="budget_holder", created_at=at(day, 9 + rng.randrange(10))))
    insert_rows(db, SearchLog, searches)
    db.session.commit()
    return {"orders": len(orders), "entries": len(made.entries), "reviews": len(reviews), "searches": len(searches)}


def booked(people: list[dict]) -> list[dict]:
    return people[::80]


def bookings_now(db, rng, people, buyable, today) -> tuple[int, int, set[int]]:
    """A weekly booking, through the services, for one holder in eighty: placed and accepted ten days
    ago, from nine days ago, so one or two past dates wait for the provider to record them."""
    from marketplace import clock
    from marketplace.accounts.models import User
    from marketplace.errors import DomainError
    from marketplace.holders.models import Holder
    from marketplace.orders import basket, lifecycle, placing
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    placed = skipped = 0
    providers: set[int] = set()
    back = datetime.combine(today - timedelta(days=10), datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=10)
    with clock.frozen(back):
        for h in booked(people):
            row, admin_id = rng.choice(buyable[h["council_id"]])
            starts = today - timedelta(days=9)
            try:
                from catalogue.models import Listing
                holder, user = db.session.get(Holder, h["holder_id"]), db.session.get(User, h["user_id"])
                basket.add_to_basket(user, holder, db.session.get(Listing, row["id"]), 1, h["keys"][0],
                                     {"days": [days[starts.weekday()]], "starts_on": starts.isoformat(), "ends_on": None,
                                      "time": "mornings"})
                (order,) = placing.place(user, holder, secrets.token_hex(16))
                if order.status == "placed":
                    lifecycle.accept(db.session.get(User, admin_id), order)
                    providers.add(admin_id)
                db.session.commit()
                placed += 1
            except DomainError as error:
                db.session.rollback()
                skipped += 1
                if skipped <= 3:
                    print(f"    (a booking was refused: {error})")
    return placed, skipped, providers


def mark_mail_sent(db) -> int:
    """Mark every queued email sent, as ``mail.deliver_due`` leaves it (sent_at, one attempt). They went out
    at month end, before the test; left queued, each worker would send a hundred of them after every
    commit and every minute, and the test would measure a month's mail instead of the pages."""
    from marketplace.mail import OutgoingEmail
    done = db.session.execute(db.update(OutgoingEmail).where(OutgoingEmail.sent_at.is_(None))
                              .values(sent_at=OutgoingEmail.next_attempt_at, attempts=1)).rowcount
    db.session.commit()
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--scale", type=float, default=1.0, help="a fraction of the full size (0.05 for a try)")
    parser.add_argument("--work", default=os.environ.get("LOAD_WORK", DEFAULT_WORK), help="the index and accounts.json go here")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--postgres-search", action="store_true",
                        help="also fill the PostgreSQL search backend's documents (for run.py --postgres-search)")
    args = parser.parse_args()
    url = local_url(args.database_url)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    sizes = {k: max(2 if k != "listings" else 200, round(v * args.scale)) for k, v in FULL.items()}
    sizes["brokers_per_council"] = max(1, round(FULL["brokers_per_council"] * min(1.0, args.scale * 4)))
    print(f"Load test data at scale {args.scale}: {sizes['holders']:,} holders, {sizes['listings']:,} listings, "
          f"{sizes['providers']:,} providers, into {url.rsplit('/', 1)[1]}")
    log: dict[str, float] = {}
    with part("create and migrate the database", log):
        recreate(url)
        os.environ.update(DATABASE_URL=url, SEARCH_INDEX_DIR=str(work / "index"), APP_ENV="development", MAIL_BACKEND="console",
                          DATABASE_STATEMENT_TIMEOUT="0")
        os.environ.pop("REDIS_URL", None)  # the generator needs no cache; the runner's server uses Redis
        from flask_migrate import upgrade

        from marketplace.app import create_app
        app = create_app()
        app.logger.setLevel(logging.WARNING)
        ctx = app.app_context()
        ctx.push()
        upgrade()
        logging.getLogger().setLevel(logging.WARNING)
        logging.getLogger("alembic").setLevel(logging.WARNING)
    from catalogue.indexing import rebuild
    from marketplace.accounts.passwords import hash_password
    from marketplace.councils.service import reference_council_rules, upsert_councils
    from marketplace.extensions import db
    from marketplace.statements import service as statements
    rng = random.Random(args.seed)
    today, stamp = date.today(), stamp_now()
    year = plan_year(today)
    total = time.perf_counter()
    with part("councils and staff (services)", log):
        councils = upsert_councils(council_rules(reference_council_rules()))
        db.session.commit()
        shared_hash = hash_password(PASSWORD)
        made = staff(db, councils, shared_hash, sizes["brokers_per_council"])
    with part("providers and listings (bulk)", log):
        shop = catalogue(db, rng, councils, sizes, shared_hash, stamp)
    with part("holders, budgets and plans (bulk)", log):
        people = holders(db, rng, councils, sizes["holders"], made, shared_hash, year, stamp)
        holder_roles(db, booked(people), stamp)
    with part(f"the year since {year[0]:%-d %B %Y} (bulk)", log):
        counts = the_year(db, rng, people, shop["buyable"], year, today)
    with part("weekly bookings placed and accepted (services)", log):
        placed, skipped, providers = bookings_now(db, rng, people, shop["buyable"], today)
    with part("the other holders' roles (bulk)", log):
        others = {h["holder_id"] for h in booked(people)}
        holder_roles(db, [h for h in people if h["holder_id"] not in others], stamp)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    with part(f"statements for {last_month:%B %Y} (service)", log):
        issued = statements.generate_month(last_month).issued
    with part("the emails queued so far marked sent", log):
        sent = mark_mail_sent(db)
    with part("planner statistics (ANALYZE, as autovacuum would after bulk loading)", log):
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    with part("search index (catalogue.indexing.rebuild)", log):
        indexed = rebuild()
    if args.postgres_search:
        with part("PostgreSQL search documents (rebuild, SEARCH_BACKEND=postgres)", log):
            app.config["SEARCH_BACKEND"] = "postgres"
            print(f"    {rebuild():,} documents")
            app.config["SEARCH_BACKEND"] = "whoosh"
    print(f"Made {sizes['holders']:,} holders, {len(shop['listing_ids']):,} listings ({indexed:,} indexed) of "
          f"{shop['organisations']:,} organisations, {counts['orders']:,} paid purchases, {counts['entries']:,} ledger "
          f"entries, {counts['reviews']:,} reviews, {counts['searches']:,} searches logged, {placed:,} weekly bookings "
          f"({skipped} refused), {issued:,} statements ({sent:,} emails marked sent), in {time.perf_counter() - total:.0f} s.")
    from marketplace.accounts.models import User
    emails = dict(db.session.execute(db.select(User.id, User.email).where(User.id.in_(providers))).all()) if providers else {}
    brokers: dict[str, list] = {}
    for h in people:
        if "broker" in h:
            brokers.setdefault(h["broker"], []).append(
                {"holder_id": h["holder_id"], "listings": [r["id"] for r, _ in rng.sample(shop["buyable"][h["council_id"]], 5)]})
    accounts = {"password": PASSWORD, "database": url.rsplit("/", 1)[1], "scale": args.scale, "today": today.isoformat(),
                "holders": [{"email": h["email"], "holder_id": h["holder_id"]} for h in rng.sample(people, min(2000, len(people)))],
                "brokers": [{"email": e, "holders": hs} for e, hs in brokers.items()],
                "providers": [{"email": e} for e in sorted(emails.values())],
                "commissioners": [{"email": u.email} for u in made["commissioners"]],
                "listings": rng.sample(shop["listing_ids"], min(5000, len(shop["listing_ids"]))),
                "timings_s": {k: round(v, 1) for k, v in log.items()}}
    (work / "accounts.json").write_text(json.dumps(accounts, indent=1))
    print(f"Accounts for the Locust test: {work / 'accounts.json'}")
    db.session.remove()
    db.engine.dispose()
    ctx.pop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
