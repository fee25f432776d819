"""Helpers shared by the billing tests: a small market to invoice in, reading money and records,
a recording stand-in for the Stripe API, and Stripe-signed webhooks."""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.billing.models import Invoice, Payment
from marketplace.budgets import ledger
from marketplace.budgets.models import LedgerEntry
from marketplace.extensions import db
from marketplace.providers.models import BankDetails

from .. import factories
from ..helpers import page_text

OUTCOME = "Getting out and about"
PRICE_PENCE = 4000  # a support-worker session


@dataclass
class Market:
    """One holder with a funded, approved plan, and one provider selling sessions they can order.

    ``buyer`` orders and confirms delivery (the holder, unless the test says otherwise).
    """

    council: object
    holder_user: object
    holder: object
    budget: object
    outcome: object
    organisation: object
    provider_user: object
    listing: object
    _finance: object = None

    @property
    def buyer(self):
        return self.holder_user

    @property
    def finance(self):
        """A finance officer of the council (made when first asked for)."""
        if self._finance is None:
            self._finance = factories.user(R.FINANCE_OFFICER, self.council, name="Fran Finance")
        return self._finance

    def order(self, quantity=1, *, confirm=True):
        """An order for ``quantity`` sessions delivered today; confirmed (and so invoiced, per delivery) unless told not to."""
        if confirm:
            return factories.confirmed_order(self.buyer, self.holder, self.listing, self.outcome.key, self.provider_user,
                                             quantity=quantity)
        made = factories.accepted_order(self.buyer, self.holder, self.listing, self.outcome.key, self.provider_user,
                                        quantity=quantity)
        for occurrence in occurrences_of(made):
            factories.delivered(occurrence, self.provider_user)
        return made

    def invoice(self, quantity=1) -> Invoice:
        """The invoice raised when the buyer confirms delivery of ``quantity`` sessions."""
        return invoice_of(self.order(quantity))


def build_market(*, council: str = "aldermoor", deployment: str = "direct_payment", invoicing: str = "per_delivery",
                 stripe_account_id: str | None = None, funding_pence: int = 100000, bank_details: bool = True) -> Market:
    """Everything a confirmed delivery needs, made through the services (plans, funding, catalogue)."""
    place = factories.council(council)
    coordinator = factories.user(R.CARE_COORDINATOR, place)
    holder_user = factories.user()
    holder = factories.holder(place, user=holder_user, named_contact_id=coordinator.id,
                              managed_by_council=deployment == "council_managed")
    budget = factories.budget(holder, deployment=deployment, set_up_by=coordinator)
    plan = factories.plan_for_ordering(holder, budget, [(OUTCOME, ["community"], funding_pence, ["social-support"])],
                                       by=coordinator, through_service=False)  # approval is not what these tests are about
    organisation, provider_user = factories.provider(place)
    organisation.invoicing = invoicing
    organisation.stripe_account_id = stripe_account_id
    if deployment == "individual_service_fund":
        budget.isf_provider_id = organisation.id
    if bank_details:  # most providers have given theirs; tests of those who have not say bank_details=False
        stamp = clock.now()
        db.session.add(BankDetails(organisation=organisation, account_name="Bright Care Ltd", sort_code="200000",
                                   account_number="12345678", created_at=stamp, updated_at=stamp))
    # The listing's commit saves the settings above too.
    listing = factories.orderable(organisation, title="Support worker for days out", price_pence=PRICE_PENCE,
                                  category="social-support")
    return Market(place, holder_user, holder, budget, plan.outcomes[0], organisation, provider_user, listing)


# --- reading what the database holds now --------------------------------------------

def fresh(obj):
    """``obj`` as the database has it now (after requests that ran in their own sessions)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def occurrences_of(order):
    return [o for line in order.lines for o in line.occurrences]


def invoice_of(order) -> Invoice:
    db.session.expire_all()
    (invoice,) = db.session.scalars(db.select(Invoice).filter_by(order_id=order.id)).all()
    return invoice


def money(budget) -> ledger.PotBalance:
    """The budget's total balance (available, committed, spent) as the ledger has it now."""
    db.session.expire_all()
    return ledger.balances(budget.id).total


def entries(invoice, kind: str) -> list[LedgerEntry]:
    """Ledger entries of ``kind`` caused by ``invoice``."""
    db.session.expire_all()
    return db.session.scalars(db.select(LedgerEntry).filter_by(cause_type="invoices", cause_id=invoice.id, kind=kind)
                              .order_by(LedgerEntry.id)).all()


def payments_of(invoice, status: str | None = None) -> list[Payment]:
    db.session.expire_all()
    query = db.select(Payment).filter_by(invoice_id=invoice.id).order_by(Payment.id)
    if status:
        query = query.filter_by(status=status)
    return db.session.scalars(query).all()


def read(response) -> str:
    """What a person reads on the page: its text, without the spaces left where tags closed before punctuation."""
    return page_text(response).replace(" .", ".").replace(" ,", ",")


def date_fields(day: date) -> list[str]:
    """A date as the GOV.UK date input posts it: three fields with the same name."""
    return [str(day.day), str(day.month), str(day.year)]


@contextlib.contextmanager
def configured(app, **values):
    """Set app.config values for the block and put back what was there."""
    missing = object()
    before = {key: app.config.get(key, missing) for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is missing:
                app.config.pop(key, None)
            else:
                app.config[key] = value


# --- Stripe-signed webhooks -----------------------------------------------------------

WEBHOOK_SECRET = "whsec_test_billing"


def signature(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """Stripe's scheme: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<payload>" with the endpoint's secret>."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_id: str, kind: str, obj: dict) -> str:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "api_version": "2025-09-30.clover",
                       "created": int(time.time()), "livemode": False, "data": {"object": obj}})


def deliver_webhook(client, payload: str, *, secret: str = WEBHOOK_SECRET, header: str | None = None):
    return client.post("/stripe/webhook", data=payload, content_type="application/json",
                       headers={"Stripe-Signature": header if header is not None else signature(payload, secret)})


# --- a recording stand-in for the Stripe API ---------------------------------------------

@dataclass
class Recorded:
    method: str
    path: str
    headers: dict  # names in lower case
    form: dict  # the form-encoded body, nested keys as Stripe spells them: "transfer_data[destination]"


class StripeStub:
    """A tiny HTTP server that records what the ``stripe`` library sends and answers like Stripe.

    ``script`` holds answers for the next requests, oldest first: ``"500"`` (an API error),
    ``"close"`` (the connection drops with no answer) or a dict merged into the usual object.
    With nothing scripted, a PaymentIntent succeeds and a transfer is made.
    """

    def __init__(self):
        self.requests: list[Recorded] = []
        self.script: list = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                stub.requests.append(Recorded("POST", self.path, stub._headers(self), dict(parse_qsl(body))))
                stub._answer(self)

            def do_GET(self):
                stub.requests.append(Recorded("GET", self.path, stub._headers(self), {}))
                stub._answer(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def posts(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    @staticmethod
    def _headers(handler) -> dict:
        """Header names in lower case, as HTTP treats them."""
        return {name.lower(): value for name, value in handler.headers.items()}

    def _answer(self, handler) -> None:
        step = self.script.pop(0) if self.script else {}
        if step == "close":
            handler.close_connection = True
            return
        if step == "500":
            self._send(handler, 500, {"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}})
            return
        form = self.requests[-1].form
        if handler.path == "/v1/payment_intents":
            body = {"id": "pi_stub_1", "object": "payment_intent", "status": "succeeded", "amount": int(form.get("amount", 0)),
                    "currency": form.get("currency"), "livemode": False}
        elif handler.path == "/v1/transfers":
            body = {"id": "tr_stub_1", "object": "transfer", "amount": int(form.get("amount", 0)),
                    "currency": form.get("currency"), "destination": form.get("destination"), "livemode": False}
        elif handler.path.startswith("/v1/transfers/") and handler.path.endswith("/reversals"):
            body = {"id": "trr_stub_1", "object": "transfer_reversal", "amount": int(form.get("amount", 0)),
                    "transfer": handler.path.split("/")[3], "currency": "gbp"}
        elif handler.path == "/v1/refunds":
            body = {"id": "re_stub_1", "object": "refund", "amount": int(form.get("amount", 0)), "status": "succeeded",
                    "payment_intent": form.get("payment_intent"), "currency": "gbp"}
        else:
            self._send(handler, 404, {"error": {"type": "invalid_request_error", "message": f"No stub for {handler.path}"}})
            return
        body.update(step)
        self._send(handler, 200, body)

    @staticmethod
    def _send(handler, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", "req_stub")
        handler.end_headers()
        handler.wfile.write(data)
