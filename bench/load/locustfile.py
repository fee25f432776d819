"""The load test's traffic, for Locust (run it through ``python -m bench.load.run``, which starts the server).

    .venv/bin/locust -f bench/load/locustfile.py --headless -u 20 -r 10 -t 60s --host http://127.0.0.1:8000 MixedTraffic...

Headless and bounded: it refuses any host but 127.0.0.1, more than MAX_USERS users, or a run without
``--run-time``. The user classes:

- ``HelloUser`` and ``PlainPageUser``: the ceiling (a bare hello app) and the app's plain content page
  (/pages/accessibility), measured alone first;
- ``SearchOnlyUser`` and ``ListingOnlyUser``: the search page and listing pages alone, on the same terms
  (what the issue's table measured with wrk);
- the mixed traffic, with weights: ``Visitor`` (anonymous search with varied queries, filters, sorts and
  pages from the search benchmark's query set, and listing pages), ``HolderUser`` (home, money, the
  statements list and one statement), ``BrokerUser`` (places a one-off order for someone they support
  through the real order form and basket, with CSRF, and opens their caseload), ``ProviderUser`` (opens
  the inbox and an order; accepts it if it is new, else records a delivery that is due, through the order
  page's forms),
  ``CommissionerUser`` (the reports index and one report).

Users sign in with the accounts bench/load/generate.py wrote (LOAD_ACCOUNTS, default
/tmp/support-market-load/accounts.json). There is no think time: each of the users sends its next request
as soon as the last one is answered, as wrk does, so the figures are the server's capacity at that many
concurrent users. In the mixed traffic the
figures start once every user has signed in (each signs in once; the sign-ins' own figures go to
LOAD_SIGN_IN_LOG). A 5xx is a failure named "HTTP 5xx" and is written, with the address, to
``LOAD_5XX_LOG``; other unexpected statuses are failures too.
"""
from __future__ import annotations

import json
import os
import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, constant, events, task

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

MAX_USERS = 50
ACCOUNTS = Path(os.environ.get("LOAD_ACCOUNTS", "/tmp/support-market-load/accounts.json"))
FIVE_XX_LOG = Path(os.environ.get("LOAD_5XX_LOG", "/tmp/support-market-load/5xx.log"))
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_accounts: dict | None = None


@events.init.add_listener
def _bounded(environment, **_kwargs):
    """Only ever 127.0.0.1, a bounded number of users, and a run time."""
    host = urlsplit(environment.host or "").hostname
    options = environment.parsed_options
    if host != "127.0.0.1":
        raise SystemExit(f"The load test only runs against 127.0.0.1, not {environment.host!r}.")
    if options is not None and (options.num_users or 0) > MAX_USERS:
        raise SystemExit(f"At most {MAX_USERS} users.")
    if options is not None and not options.run_time:
        raise SystemExit("Give --run-time: the load test is bounded in time.")


_signed_in = {"count": 0}


@events.spawning_complete.add_listener
def _measure_after_sign_in(user_count, **_kwargs):
    """Signing in (argon2, slow by design) happens once a user, at the start; the figures are the steady
    state after it: once every user that signs in has, the statistics start again. The sign-ins' own
    figures are written to LOAD_SIGN_IN_LOG first."""
    runner = _environment["env"].runner
    expected = sum(n for name, n in runner.user_classes_count.items() if name in SIGNING_IN)

    def wait_then_reset():
        deadline = gevent.get_hub().loop.now() + 120
        while _signed_in["count"] < expected and gevent.get_hub().loop.now() < deadline:
            gevent.sleep(0.2)
        if expected:
            entry = runner.stats.get("/sign-in [POST]", "POST")
            Path(os.environ.get("LOAD_SIGN_IN_LOG", "/tmp/support-market-load/sign-in.json")).write_text(json.dumps({
                "sign_ins": entry.num_requests, "failures": entry.num_failures, "p50_ms": entry.get_response_time_percentile(0.5),
                "max_ms": entry.max_response_time, "all_signed_in": _signed_in["count"] >= expected}))
            runner.stats.reset_all()
    if expected:
        gevent.spawn(wait_then_reset)


_environment: dict = {}


@events.init.add_listener
def _keep(environment, **_kwargs):
    _environment["env"] = environment


def accounts() -> dict:
    global _accounts
    if _accounts is None:
        _accounts = json.loads(ACCOUNTS.read_text())
    return _accounts


def search_urls() -> list[tuple[str, str]]:
    """The search benchmark's queries (bench/search.py QUERIES) as the search page's addresses."""
    from bench.search import QUERIES
    lists = {"categories": "category", "outcomes": "outcome", "delivery": "delivery", "accessibility": "access",
             "languages": "lang", "days": "day", "kinds": "kind"}
    urls = []
    for q in QUERIES:
        r, params = q.request, []
        if r.text:
            params.append(("q", r.text))
        if r.council_slug:
            params.append(("council", r.council_slug))
        if r.area:
            params.append(("area", r.area))
        for attr, name in lists.items():
            params += [(name, v) for v in getattr(r, attr) or []]
        for attr, name in (("price_min_pence", "price_min"), ("price_max_pence", "price_max")):
            if getattr(r, attr) is not None:
                params.append((name, f"{getattr(r, attr) / 100:.2f}"))
        if r.free_only:
            params.append(("free", "1"))
        if r.sort and r.sort != "relevance":
            params.append(("sort", r.sort))
        if r.page and r.page > 1:
            params.append(("page", str(r.page)))
        urls.append((q.name, "/catalogue" + ("?" + urlencode(params) if params else "")))
    return urls


SEARCHES = search_urls()


class Base(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def get(self, path: str, name: str, ok=(200,)):
        return self._check(self.client.get(path, name=name, catch_response=True), "GET", path, ok)

    def post(self, path: str, name: str, fields: list[tuple[str, str]], ok=(200,)):
        return self._check(self.client.post(path, name=name, data=urlencode(fields), catch_response=True,
                                            headers={"Content-Type": "application/x-www-form-urlencoded"}),
                           "POST", path, ok)

    @staticmethod
    def _check(response, method, path, ok):
        with response:
            status = response.status_code
            if status >= 500:
                response.failure("HTTP 5xx")
                with FIVE_XX_LOG.open("a") as log:
                    log.write(f"{status} {method} {path}\n{(response.text or '')[:2000]}\n---\n")
            elif status not in ok:
                response.failure(f"HTTP {status}")
            else:
                response.success()
        return response

    def sign_in(self, email: str) -> None:
        page = self.get("/sign-in", "/sign-in")
        token = CSRF.search(page.text or "")
        self.post("/sign-in", "/sign-in [POST]", [("csrf_token", token.group(1) if token else ""), ("email", email),
                                                  ("password", accounts()["password"])])
        _signed_in["count"] += 1


SIGNING_IN = {"HolderUser", "BrokerUser", "ProviderUser", "CommissionerUser"}


class HelloUser(Base):
    """The ceiling: a bare Flask app saying hello (bench/load/hello.py), on the same gunicorn settings."""

    @task
    def hello(self):
        self.get("/", "hello")


class PlainPageUser(Base):
    @task
    def plain(self):
        self.get("/pages/accessibility", "/pages/accessibility")


class SearchOnlyUser(Base):
    @task
    def search(self):
        self.get(random.choice(SEARCHES)[1], "/catalogue?[search]")


class ListingOnlyUser(Base):
    @task
    def listing(self):
        self.get(f"/catalogue/listings/{random.choice(accounts()['listings'])}", "/catalogue/listings/[id]")


class Visitor(Base):
    """Someone not signed in, finding support."""
    weight = 60

    @task(3)
    def search(self):
        self.get(random.choice(SEARCHES)[1], "/catalogue?[search]")

    @task(2)
    def listing(self):
        self.get(f"/catalogue/listings/{random.choice(accounts()['listings'])}", "/catalogue/listings/[id]")


class HolderUser(Base):
    """A budget holder checking their money at month end."""
    weight = 20

    def on_start(self):
        me = random.choice(accounts()["holders"])
        self.holder_id = me["holder_id"]
        self.sign_in(me["email"])

    @task(2)
    def home(self):
        self.get("/", "/ (holder home)")

    @task(2)
    def money(self):
        self.get(f"/holders/{self.holder_id}/money", "/holders/[id]/money")

    @task(1)
    def statements(self):
        page = self.get(f"/holders/{self.holder_id}/statements", "/holders/[id]/statements")
        found = re.findall(r'href="(/statements/\d+)"', page.text or "")
        if found:
            self.get(random.choice(found), "/statements/[id]")


class BrokerUser(Base):
    """A broker ordering for the people they support, through the order form, the basket and checkout."""
    weight = 8

    def on_start(self):
        me = random.choice(accounts()["brokers"])
        self.people = me["holders"]
        self.sign_in(me["email"])

    @task(1)
    def caseload(self):
        self.get("/caseload", "/caseload")

    @task(2)
    def order(self):
        person = random.choice(self.people)
        holder, listing = person["holder_id"], random.choice(person["listings"])
        address = f"/orders/new?listing={listing}&holder={holder}"
        form = self.get(address, "/orders/new")
        token, outcome = CSRF.search(form.text or ""), re.search(r'name="outcome_key"[^>]*value="([^"]+)"', form.text or "")
        if not token or not outcome:
            return
        when = date.today() + timedelta(days=random.randint(3, 20))
        basket = self.post(address, "/orders/new [POST]", [
            ("csrf_token", token.group(1)), ("quantity", "1"), ("outcome_key", outcome.group(1)), ("recurring", "once"),
            ("once_on", str(when.day)), ("once_on", str(when.month)), ("once_on", str(when.year)), ("time", "mornings")])
        token = CSRF.search(basket.text or "")
        key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', basket.text or "")
        if token and key:
            self.post(f"/holders/{holder}/checkout", "/holders/[id]/checkout [POST]",
                      [("csrf_token", token.group(1)), ("submission_key", key.group(1)), ("note", "")],
                      ok=(200, 409))  # 409: the basket no longer fits the money left (a page that says so)


class ProviderUser(Base):
    """A provider accepting new orders and recording what was delivered, through the order page's forms."""
    weight = 7

    def on_start(self):
        self.sign_in(random.choice(accounts()["providers"])["email"])

    @task
    def record_delivery(self):
        inbox = self.get("/provider/orders", "/provider/orders")
        open_part = (inbox.text or "").split("Finished (")[0]  # new orders, and those in progress
        orders = re.findall(r'href="/orders/(\d+)"', open_part)
        if not orders:
            return
        order = random.choice(orders)
        page = self.get(f"/orders/{order}", "/orders/[id]")
        accept = re.search(rf'action="/orders/{order}/accept".*?name="csrf_token"[^>]*value="([^"]+)"', page.text or "", re.S)
        if accept:  # a new order (one the brokers placed): accept it
            self.post(f"/orders/{order}/accept", "/orders/[id]/accept [POST]", [("csrf_token", accept.group(1))])
            return
        form = re.search(r'action="(/occurrences/\d+/deliver)".*?name="csrf_token"[^>]*value="([^"]+)"', page.text or "", re.S)
        if form:
            self.post(form.group(1), "/occurrences/[id]/deliver [POST]",
                      [("csrf_token", form.group(2)), ("quantity", ""), ("note", "Delivered as booked")])


class CommissionerUser(Base):
    """A commissioner reading the council's reports."""
    weight = 5

    def on_start(self):
        self.sign_in(random.choice(accounts()["commissioners"])["email"])

    @task
    def report(self):
        index = self.get("/council/reports", "/council/reports")
        names = re.findall(r'href="/council/reports/([a-z0-9_-]+)"', index.text or "")
        if names:
            self.get(f"/council/reports/{random.choice(names)}", "/council/reports/[name]")
