"""Where a report's figures come from: the cache, else its queries, on a read replica when one is set.

**The replica.** ``REPORTS_DATABASE_URL`` (optional) names a second database, a streaming replica of the
primary, for the reports' heavy aggregate queries. A report then builds inside an application context of
its own whose ``db.session`` is bound to that engine, so every query made while building (the report
modules' own, and the helpers they call from other areas: ledger balances, underspend positions, needs)
reads the replica without any module knowing. Nothing is written there. Without the setting, reports read
the main database through the request's own session, exactly as before. The engine is made lazily, in
the worker that first needs it (never shared across gunicorn's fork).

**The cache.** A report's protected tables are kept (marketplace.caching) per council, report and filters,
and the day (figures such as "open needs" depend on it), in the namespace ``reports:<council id>``, plus a
stamp from the namespace ``reports`` for changes that concern every council. Invalidation: an
``after_flush`` listener notes, for every row inserted, changed or deleted in a table some report reads,
its council (from its ``council_id``, or its parent's when that is already loaded, else every council);
``after_commit`` bumps those namespaces, after the change is visible, so no request can cache the old
figures under the new generation. Staleness bounds: none for those tables on one database; the search log
(one row for every search anyone makes) deliberately does not bump, or a busy council's reports would never
be cached, so its counts may lag by up to ``REPORTS_CACHE_SECONDS`` (300 s); with a replica, figures may
also be computed from a replica still behind the primary, and are then kept at most as long. Without Redis,
each gunicorn worker caches in its own memory and only sees its own bumps: a change made through another
worker shows there within ``REPORTS_CACHE_SECONDS`` (production sets REDIS_URL, shared by every worker).
"""
from __future__ import annotations

import time
from itertools import chain
from typing import Callable

from flask import current_app, has_app_context
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.orm import Session

import config as app_config

from .. import caching, clock, ops
from ..extensions import db

# Every table a report reads (tests/reports/test_caching.py checks the report modules' models are here or unwatched).
WATCHED = {"budget_periods", "clawback_proposals", "council_prices", "events", "holders", "invoices", "ledger_entries",
           "listings", "order_lines", "orders", "organisation_approvals", "organisations", "outside_purchases",
           "plan_outcomes", "price_alerts", "price_changes", "reviews", "support_plans", "unmet_needs", "needs",
           "need_replies"}
UNWATCHED = {"search_log"}  # read by the demand report, but one row a search: bounded by the timeout instead
PARENTS = {"order_lines": "order", "plan_outcomes": "plan", "need_replies": "need"}  # rows that take their council from a parent
COUNCIL_ONLY = {"events"}  # an event without a council is about a row (a listing) whose own change is noted
EVERY = "every"
_NOTED = "reports_changed"


def engine():
    """The replica's engine, or None when the reports read the main database."""
    url = current_app.config.get("REPORTS_DATABASE_URL")
    if not url:
        return None
    engines = current_app.extensions.setdefault("reports_engines", {})
    if url not in engines:
        engines[url] = create_engine(url, **app_config.engine_options(url, current_app.config))
    return engines[url]


def run(build: Callable, filters):
    """``build(filters)`` with every ``db.session`` query on the replica, when there is one."""
    replica = engine()
    if replica is None:
        return build(filters)
    with current_app.app_context():  # a scope of its own for db.session (scoped by app context)
        db.session.registry.set(Session(bind=replica, autoflush=False))
        try:
            return build(filters)
        finally:
            db.session.remove()


def namespace(council_id: int) -> str:
    return f"reports:{council_id}"


def tables(report, filters) -> list:
    """The report's tables, privacy rules applied: from the cache, else built (on the replica) and kept."""
    # Changes every time ``reports`` is bumped (a change that concerns every council); never expires by itself.
    stamp = caching.remember("reports", ("stamp",), time.time_ns, timeout=0)
    parts = (report.name, filters.start, filters.end, filters.area, filters.category, clock.today(), stamp)
    return caching.remember(namespace(filters.council.id), parts,
                            lambda: [table.protect() for table in run(report.build, filters)],
                            timeout=current_app.config.get("REPORTS_CACHE_SECONDS", 300))


def _council_of(obj, table: str):
    council = getattr(obj, "council_id", None)
    if council is None and table in PARENTS:
        parent = inspect(obj).attrs[PARENTS[table]].loaded_value  # never a query inside a flush
        council = getattr(parent, "council_id", None)
    return council


@event.listens_for(Session, "after_flush")
def _note_changes(session, _context) -> None:
    for obj in chain(session.new, session.dirty, session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table not in WATCHED:
            continue
        council = _council_of(obj, table)
        if council is None and table in COUNCIL_ONLY:
            continue
        session.info.setdefault(_NOTED, set()).add(council if council is not None else EVERY)


@event.listens_for(Session, "after_commit")
def _forget_changed(session) -> None:
    """A rolled-back change stays noted until the next commit: one needless recomputation, never a stale page."""
    councils = session.info.pop(_NOTED, None)
    if not councils or not has_app_context():
        return
    for council in councils:
        caching.bump("reports" if council == EVERY else namespace(council))


ops.INFORMATIONAL["reports_database"] = lambda: engine()
