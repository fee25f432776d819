"""Hostile input everywhere, found by the test itself: every route in the URL map, every field of
every form class in the application, every route parameter. Markup, SQL fragments, 10,000
characters, control characters, negative, zero, huge and non-numeric amounts, impossible dates,
fields left out, ids that cannot exist and other people's ids. Nothing may answer with a server
error, echo markup unescaped, or change the data of the person in another council.

A new form or route is covered without editing this file: forms are found as subclasses of
FlaskForm, routes in ``app.url_map``.
"""
from __future__ import annotations

import importlib
import pkgutil
from datetime import datetime, timezone

import pytest
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, FloatField, IntegerField
from wtforms.fields.core import UnboundField

import catalogue
import marketplace
from marketplace import clock
from marketplace.extensions import db
from marketplace.fields import PoundsField, QuantityField
from marketplace.web import AppRequest, TypedText

from . import factories
from .billing.support import build_market
from .conftest import Database, empty_tables, make_app
from .test_routes import ANON, ROLES, build_world, routes, url_for_route

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
PROBE = '<x-probe onmouseover="alert(1)">'  # if this comes back as it is, markup went out unescaped
AS = ROLES  # every role, and someone not signed in


def form_fields() -> dict[str, set[type]]:
    """Every field of every form class in the application: name -> the field classes it has."""
    for package in (marketplace, catalogue):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)
    fields: dict[str, set[type]] = {}
    pending, seen = list(FlaskForm.__subclasses__()), set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        pending += cls.__subclasses__()
        if not cls.__module__.startswith(("marketplace.", "catalogue.")):
            continue
        for name in dir(cls):
            unbound = getattr(cls, name, None)
            if isinstance(unbound, UnboundField):
                fields.setdefault(name, set()).add(unbound.field_class)
    return fields


FIELDS = form_fields()
DATE_FIELDS = {name for name, kinds in FIELDS.items() if any(issubclass(k, DateField) for k in kinds)}
NUMBER_FIELDS = {name for name, kinds in FIELDS.items()
                 if any(issubclass(k, (IntegerField, DecimalField, FloatField, PoundsField, QuantityField)) for k in kinds)}
HUGE = "1" + "0" * 400

# Each kind of hostile value: (for a text field, for a number or money field, for a date's three parts).
HOSTILE = {
    "markup": (PROBE, PROBE, [PROBE, "1", "2026"]),
    "sql": ("' OR 1=1; DROP TABLE users; --", "1 OR 1=1", ["1' OR '1'='1", "1", "2026"]),
    # a NUL (PostgreSQL text refuses it), a terminal escape, a right-to-left override, a byte-order mark
    "control": ("a\x00b\x01c\x1b[31m\u202e\ufeff", "1\x00", ["\x00", "\x1b", "\u202e"]),
    "long": ("x" * 10_000, "9" * 10_000, ["1" * 5000, "1", "2026"]),
    "not a number": ("NaN", "NaN", ["31", "2", "2026"]),
    "infinite": ("Infinity", "Infinity", ["-1", "-1", "-1"]),
    "huge": ("£100,000,000,000,000,000", HUGE, ["1", "1", "9999"]),
    "exponent": ("1e309", "1e309", ["1e3", "1", "2026"]),
    "negative": ("-1", "-1", ["-1", "1", "2026"]),
    "zero": ("0", "0", ["0", "0", "0"]),
}
KINDS = (*HOSTILE, "ids")
QUERY = ("q", "page", "area", "price_min", "price_max", "category", "listing", "holder", "council", "sort", "next", "kind")


def _value(kind: str, name: str, victim: dict):
    """What ``kind`` of hostile value goes into the field ``name``."""
    if kind == "ids":
        return ["0", "0", "0"] if name in DATE_FIELDS else str(victim.get(name, victim["holder_id"]))
    text, number, date = HOSTILE[kind]
    return date if name in DATE_FIELDS else number if name in NUMBER_FIELDS else text


def hostile_form(kind: str, victim: dict) -> dict:
    return {name: _value(kind, name, victim) for name in FIELDS if name not in ("csrf_token", "submit")}


def hostile_query(kind: str, victim: dict) -> dict:
    value = str(victim["listing_id"]) if kind == "ids" else HOSTILE[kind][1]
    return {name: value for name in QUERY}


def impossible_ids(app, endpoint: str, args: dict, victim: dict) -> list[dict]:
    """The route's own id arguments, each replaced by one that cannot exist (none yet, or past a
    32-bit or a 64-bit column), or by the other council's."""
    found = []
    for name in app.url_map._rules_by_endpoint[endpoint][0].arguments:
        value = args.get((endpoint, name), args.get(name))
        if isinstance(value, int):
            for bad in (0, 2**31, 2**63, victim.get(name)):
                if bad is not None:
                    found.append({**args, name: bad, (endpoint, name): bad})
    return found


class ReadParameters(TypedText):
    """Query strings and forms that note which names the view read. The first hostile request to a
    route carries every name; the rest carry only the names the view read (a view cannot be hurt by
    what it never reads). This keeps the test quick without leaving out any field."""

    read: set[str] = set()

    def __getitem__(self, key):
        ReadParameters.read.add(key)
        return super().__getitem__(key)

    def get(self, key, *args, **kwargs):
        ReadParameters.read.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        ReadParameters.read.add(key)
        return super().getlist(key, *args, **kwargs)

    def __contains__(self, key):
        ReadParameters.read.add(key)
        return super().__contains__(key)


class NotingRequest(AppRequest):
    parameter_storage_class = ReadParameters


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    from flask_migrate import upgrade

    tmp = tmp_path_factory.mktemp("hostile")
    database = Database(tmp)
    # Errors come back as the 500 page people would see (not raised in the test), so every one is listed.
    app = make_app(database, tmp, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False, PROPAGATE_TEST_ERRORS=False)
    app.request_class = NotingRequest
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    database.drop()


def _victims_world() -> dict:
    """Someone in another council with a plan, an order and an invoice: the ids to attack."""
    theirs = build_market(council="birchley")
    invoice = theirs.invoice()
    order = invoice.order
    return {"holder_id": theirs.holder.id, "holder_user_id": theirs.holder_user.id, "order_id": order.id,
            "invoice_id": invoice.id, "listing_id": theirs.listing.id, "organisation_id": theirs.organisation.id,
            "budget_id": theirs.budget.id, "plan_id": theirs.outcome.plan.id, "line_id": order.lines[0].id,
            "occurrence_id": order.lines[0].occurrences[0].id, "council_id": theirs.council.id}


# Rows anyone may add that carry the other council's or provider's id: a question to their
# listing, a suggestion or unmet need for their area, the audit and search logs, the notices sent.
ANYONE_MAY_ADD = {"enquiries", "events", "search_log", "unmet_needs", "notifications", "community_events"}


def _snapshot(victim: dict) -> dict:
    """Every row that belongs to the other council's holder, provider and money, by table and key."""
    db.session.expire_all()
    rows: dict = {}
    for table in db.metadata.sorted_tables:
        columns = table.c
        for key in ("holder_id", "organisation_id", "council_id"):
            if key in columns and key in victim:
                for row in db.session.execute(db.select(table).where(columns[key] == victim[key])).all():
                    rows[(table.name, tuple(row._mapping[c.name] for c in table.primary_key))] = row._asdict()
    return rows


def _changed(before: dict, after: dict) -> list[str]:
    """What happened to the other council's data: a row changed or gone, or one added that nobody outside may add."""
    found = [f"{key} changed or removed" for key, row in before.items() if after.get(key) != row]
    for key, row in after.items():
        if key in before or key[0] in ANYONE_MAY_ADD:
            continue
        if key[0] == "listings" and row["kind"] == "community" and row["status"] == "submitted":
            continue  # a community suggestion waiting for the council's moderation
        found.append(f"{key} added: {row}")
    return found


def _problems(response, where: str) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"{where}: {response.status_code}")
    if response.mimetype == "text/html" and PROBE in response.get_data(as_text=True):
        found.append(f"{where}: markup echoed unescaped")
    return found


@pytest.mark.parametrize("role", AS)
def test_hostile_input_on_every_route_and_form_field(hostile_app, role):
    app = hostile_app
    empty_tables(app)
    with clock.frozen(NOW), app.app_context():
        people, args = build_world()
        victim = _victims_world()
        before = _snapshot(victim)
        email = people[role].email if role != ANON else None
        db.session.remove()
        client = app.test_client()
        if email:
            client.post("/sign-in", data={"email": email, "password": factories.PASSWORD})
        problems = []
        for endpoint, method, rule in routes(app):
            if endpoint in ("accounts.sign_out",):
                continue
            url = url_for_route(app, endpoint, rule, args)
            ReadParameters.read = set()
            read = None  # every name, until the first request shows which ones the view reads
            for kind in KINDS:
                values = hostile_query(kind, victim) if method == "GET" else hostile_form(kind, victim)
                values = {name: value for name, value in values.items() if read is None or name in read}
                if method == "GET":
                    response = client.get(url.split("?")[0], query_string=values)
                else:
                    response = client.open(url, method=method, data=values)
                problems += _problems(response, f"{role} {method} {url} {kind}")
                read = read or set(ReadParameters.read)
                if not read:
                    break  # the view never looked at the query string or form
            if method == "POST" and read:
                problems += _problems(client.post(url, data={}), f"{role} POST {url} with every field left out")
            for bad in impossible_ids(app, endpoint, args, victim):
                bad_url = url_for_route(app, endpoint, rule, bad)
                form = {name: value for name, value in hostile_form("markup", victim).items() if name in (read or ())}
                problems += _problems(client.open(bad_url, method=method, data=form),
                                      f"{role} {method} {bad_url}")
        assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
        changed = _changed(before, _snapshot(victim))
        assert not changed, "the other council's data changed:\n" + "\n".join(changed)
    empty_tables(app)


def test_the_test_finds_the_forms_and_their_dates_and_numbers():
    assert {"quantity", "reason", "price", "amount", "email"} <= set(FIELDS)
    assert {"starts_on", "from_date", "effective_on", "paid_on"} <= DATE_FIELDS
    assert {"notice_hours", "min_age", "quantity", "price", "amount"} <= NUMBER_FIELDS


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_an_id_past_what_a_column_holds_is_not_found_before_the_database_is_asked(hostile_app, number):
    with hostile_app.app_context():
        response = hostile_app.test_client().get(f"/plans/{number}")
    assert response.status_code == 404
