"""Every route in the URL map, tried by every role and by an anonymous visitor, against a table of
who may use it. A route added without an entry in the table fails ``test_every_route_has_an_entry``.

The table says who gets past the authorisation policy: for them the page answers (200, a redirect
after the action, or 400/409 when the form or the object's state says no); everyone else is
turned away (403, or 404 where the object is hidden from them) and an anonymous visitor is sent to
sign in. What each role may then *do* is tested by the policy table and the areas' own tests.

Each role gets a fresh world (a holder with a funded plan, a provider, orders, invoices, a dispute,
a schedule change, a payment run, a community suggestion...) and runs every GET, then every POST
(with CSRF checks off, so a POST reaches the view), the ones that remove things or sign out last.
"""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from PIL import Image

from catalogue.models import ListingPhoto
from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.accounts import service as accounts
from marketplace.asking import service as asking
from marketplace.billing import corrections, payments
from marketplace.billing.models import PaymentRun
from marketplace.crisis import service as crisis
from marketplace.extensions import db
from marketplace.help import service as help_pages
from marketplace.jobs.models import Job
from marketplace.needs import service as needs
from marketplace.notifications.service import notify
from marketplace.orders import amendments
from marketplace.orders.models import BasketItem
from marketplace.orders.sharing_models import Sharing
from marketplace.plans import reviews
from marketplace.pricing.models import PriceAlert
from marketplace.ratings import service as ratings
from marketplace.spending import service as spending
from marketplace.statements import service as statements
from marketplace.statements.models import Statement
from marketplace.underspend.models import ClawbackProposal

from . import factories
from .billing.support import build_market
from .conftest import Database, empty_tables, make_app

ANON = "anonymous"
ROLES = (*R.ALL, ANON)
EVERYONE = frozenset(ROLES)
SIGNED_IN = frozenset(R.ALL)
ORG = frozenset(R.ORGANISATION_ROLES)
CASEWORK = frozenset({R.CARE_COORDINATOR, R.TEAM_MANAGER, R.ADMINISTRATOR})
HOLDER_SIDE = frozenset({R.HOLDER, R.REPRESENTATIVE, R.BROKER})  # the holder and the two people they delegated to
HOLDER_VIEWERS = HOLDER_SIDE | CASEWORK | {R.FINANCE_OFFICER}
COUNCIL_STAFF = frozenset(R.COUNCIL_STAFF)
NOBODY = frozenset()
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)

# (endpoint, method) -> the roles that get past the policy.
PUBLIC = {"accounts.accept_invitation", "accounts.forgot_password", "accounts.reset_password", "accounts.sign_in",
          "accounts.sign_out", "catalogue.index", "catalogue.listing", "catalogue.organisation", "catalogue.photo",
          "catalogue.suggest_community", "catalogue.tell_us", "home.council_brand", "home.index", "home.page",
          "reports.demand_signals",  # what people could not find, for anyone thinking of offering it: aggregates only
          "help.index", "help.topic",  # the help pages are for everyone, signed in or not
          "estimate.index", "estimate.daily_life", "estimate.money", "estimate.result",  # before anyone is known to the council; nothing kept
          "asking.start", "asking.step", "asking.check", "asking.track",  # asking for support: the private link is the authority
          "providers.register", "ratings.listing_reviews", "static", "stripe_webhooks.receive",  # the webhook answers to its signature, not a person
          "ops.healthz", "ops.readyz",  # the load balancer's probes: no personal data, no session
          *(f"openreferral.{name}" for name in ("api_details", "openapi", "services", "service", "organizations", "organization",
                                                 "taxonomies", "taxonomy", "taxonomy_terms", "taxonomy_term",
                                                 "service_at_locations", "service_at_location"))}  # the open-data feed
OWN_ACCOUNT = {"accounts.settings", "home.switch_council", "notifications.index", "notifications.mark_read",
               "orders.ask", "orders.enquiries", "jobs.index"}
BY_ENDPOINT = {
    # the holder's record, plan and money
    "holders.show": HOLDER_VIEWERS, "plans.money": HOLDER_VIEWERS, "plans.show": HOLDER_VIEWERS,
    "plans.statement": HOLDER_VIEWERS, "orders.for_holder": HOLDER_VIEWERS, "billing.for_holder": HOLDER_VIEWERS,
    "holders.edit": {R.HOLDER} | CASEWORK,
    "holders.me": {R.HOLDER},  # everyone else has no holder record of their own: 404
    "holders.index": CASEWORK | {R.FINANCE_OFFICER},
    "holders.new": CASEWORK | {R.BROKER},
    "holders.revoke": {R.HOLDER, R.REPRESENTATIVE} | CASEWORK,  # the representative's own arrangement: they may step down
    "plans.add_outcome": {R.HOLDER, R.BROKER} | CASEWORK, "plans.edit": {R.HOLDER, R.BROKER} | CASEWORK,
    "plans.remove_outcome": {R.HOLDER, R.BROKER} | CASEWORK, "plans.start_plan": {R.HOLDER, R.BROKER} | CASEWORK,
    "plans.submit": {R.HOLDER, R.BROKER} | CASEWORK,
    "plans.decide": CASEWORK, "plans.workspace": CASEWORK,
    "plans.ask_review": {R.HOLDER, R.BROKER} | CASEWORK,  # whoever writes the plan may ask for it to be looked at again
    "plans.review": CASEWORK,  # the council's care staff read and answer a request for a review
    "notifications.open_": {R.HOLDER},  # this world's notification is the holder's own: 404 for everyone else
    "plans.deployment": {R.HOLDER, R.FINANCE_OFFICER} | CASEWORK,
    "plans.new_budget": CASEWORK | {R.FINANCE_OFFICER},
    # monthly statements: whoever sees the account; the summary for those who look after people's accounts
    "statements.for_holder": HOLDER_VIEWERS, "statements.show": HOLDER_VIEWERS, "statements.pdf": HOLDER_VIEWERS,
    "statements.csv": HOLDER_VIEWERS, "statements.caseload": {R.REPRESENTATIVE, R.BROKER},
    # ordering
    "orders.new": HOLDER_SIDE, "orders.basket": HOLDER_SIDE, "orders.checkout": HOLDER_SIDE, "orders.cancel": HOLDER_SIDE,
    "orders.confirm": HOLDER_SIDE, "orders.dispute": HOLDER_SIDE,
    "orders.remove": {R.HOLDER},  # a basket is its buyer's own: the item is the holder's
    "orders.caseload": {R.BROKER},
    "orders.show": HOLDER_VIEWERS | ORG,
    "orders.accept": ORG, "orders.decline": ORG, "orders.deliver": ORG, "orders.withdraw": ORG, "orders.inbox": ORG,
    "orders.answer": ORG,
    "orders.approval": CASEWORK, "orders.council_queue": CASEWORK,
    "orders.propose_amendment": HOLDER_SIDE | ORG, "orders.decide_amendment": HOLDER_SIDE | ORG,
    # invoices: this world's holder has a direct payment, so they approve and pay
    "billing.show": HOLDER_VIEWERS | ORG, "billing.pdf": HOLDER_VIEWERS | ORG, "billing.remittance": HOLDER_VIEWERS | ORG,
    "billing.approve": {R.HOLDER}, "billing.dispute": {R.HOLDER}, "billing.pay_card": {R.HOLDER},
    "billing.pay_manual": {R.HOLDER}, "billing.pay_transfer": {R.HOLDER},
    "billing.resolve": {R.HOLDER, R.FINANCE_OFFICER, R.ADMINISTRATOR} | ORG,  # the two sides, and the council as referee
    "billing.credit": ORG, "billing.answer": ORG, "billing.refund": ORG, "billing.provider_finance": ORG,
    "billing.council_payments": {R.FINANCE_OFFICER, R.ADMINISTRATOR}, "billing.run_csv": {R.FINANCE_OFFICER, R.ADMINISTRATOR},
    "billing.run_paid": {R.FINANCE_OFFICER, R.ADMINISTRATOR},
    "billing.connect_stripe": ORG - {R.PROVIDER_STAFF},
    # spending outside the marketplace (this world's holder has a direct payment) and audit
    "spending.record": HOLDER_SIDE, "spending.for_holder": HOLDER_VIEWERS, "spending.receipt": HOLDER_VIEWERS,
    "spending.council_audit": CASEWORK | {R.FINANCE_OFFICER}, "spending.holder_audit": CASEWORK | {R.FINANCE_OFFICER},
    "spending.quarterly_return": CASEWORK | {R.FINANCE_OFFICER},
    # the provider portal
    **{f"portal.{name}": ORG for name in ("index", "add_event", "add_photo", "archive", "confirm", "delete_photo",
                                          "edit_listing", "new_listing", "preview", "prices", "set_status")},
    "portal.profile": ORG - {R.PROVIDER_STAFF},
    "providers.registered": ORG | {R.ADMINISTRATOR},
    "providers.bank_details": ORG - {R.PROVIDER_STAFF},  # changing where money goes: the organisation's admins only
    # the council
    "council_catalogue.prices": {R.COMMISSIONER, R.FINANCE_OFFICER, R.ADMINISTRATOR},
    "council_catalogue.agree_price": {R.COMMISSIONER, R.FINANCE_OFFICER, R.ADMINISTRATOR},
    "council_catalogue.acknowledge": {R.COMMISSIONER, R.FINANCE_OFFICER, R.ADMINISTRATOR},
    "council_catalogue.end_price": {R.COMMISSIONER, R.FINANCE_OFFICER, R.ADMINISTRATOR},
    "council_catalogue.moderation": {R.ADMINISTRATOR}, "council_catalogue.moderate": {R.ADMINISTRATOR},
    "underspend.queue": {R.FINANCE_OFFICER}, "underspend.decide": {R.FINANCE_OFFICER},  # clawback is finance's decision
    "admin.decide": {R.ADMINISTRATOR}, "admin.events": {R.ADMINISTRATOR}, "admin.organisations_index": {R.ADMINISTRATOR},
    "admin.cqc_import": {R.ADMINISTRATOR},
    # buyers' ratings: the buyer rates (never a broker or staff), the provider answers, anyone signed in reports
    "ratings.rate": {R.HOLDER, R.REPRESENTATIVE}, "ratings.answer": ORG, "ratings.report": SIGNED_IN,
    "ratings.queue": {R.ADMINISTRATOR}, "ratings.moderate": {R.ADMINISTRATOR}, "ratings.redact": {R.ADMINISTRATOR},
    "help.edit": {R.ADMINISTRATOR}, "help.history": {R.ADMINISTRATOR}, "help.restore": {R.ADMINISTRATOR},  # the council's own texts
    # posted needs: the holder's side posts and chooses; approved providers and PAs read and reply; administrators moderate
    "needs.new": HOLDER_SIDE, "needs.choose": HOLDER_SIDE, "needs.close": HOLDER_SIDE, "needs.index": ORG,
    "needs.show": HOLDER_SIDE | ORG | {R.ADMINISTRATOR}, "needs.report": HOLDER_SIDE | ORG | {R.ADMINISTRATOR},
    "needs.queue": {R.ADMINISTRATOR}, "needs.moderate": {R.ADMINISTRATOR},
    # tell us once: the holder or their representative shares their "about me" with an order's provider, and stops
    "sharing.share": {R.HOLDER, R.REPRESENTATIVE}, "sharing.stop": {R.HOLDER, R.REPRESENTATIVE},
    # the crisis plan: the holder's side reads it and starts (or stops) an agreed action with one press; only
    # those who approve plans agree the actions; the council's case staff read it
    "crisis.show": HOLDER_SIDE | CASEWORK, "crisis.start": HOLDER_SIDE, "crisis.stop": HOLDER_SIDE,
    "crisis.agree": {R.CARE_COORDINATOR, R.TEAM_MANAGER}, "crisis.remove": {R.CARE_COORDINATOR, R.TEAM_MANAGER},
    # requests for support sent online: the council's casework staff triage them and move each case on
    **{f"casework.{name}": CASEWORK for name in ("queue", "case", "act", "set_up")},
    # life events: recorded by the holder's coordinator or team manager; finance officers read them
    "lifeevents.index": {R.CARE_COORDINATOR, R.TEAM_MANAGER, R.FINANCE_OFFICER},
    **{f"lifeevents.{name}": {R.CARE_COORDINATOR, R.TEAM_MANAGER} for name in ("hospital", "home_again", "move", "death")},
    # commissioners' reports: aggregates, for the commissioners and administrators of the council
    **{f"reports.{name}": {R.COMMISSIONER, R.ADMINISTRATOR} for name in ("index", "show", "csv", "chart")},
    # jobs: a command's job is seen (and started again) by its council's administrators; a starter sees their own
    "jobs.show": {R.ADMINISTRATOR}, "jobs.retry": {R.ADMINISTRATOR},
    "jobs.issue_statements": {R.FINANCE_OFFICER, R.ADMINISTRATOR},  # last month's statements, in the background
}
# Where a route's GET and POST differ: who may change the delegations, not only see them.
BY_METHOD = {("holders.delegations", "GET"): HOLDER_VIEWERS, ("holders.delegations", "POST"): {R.HOLDER} | CASEWORK,
             ("needs.show", "POST"): ORG}  # everyone who sees a post may read it; only approved providers and PAs reply


def expected(endpoint: str, method: str) -> frozenset:
    if (endpoint, method) in BY_METHOD:
        return frozenset(BY_METHOD[(endpoint, method)])
    if endpoint in PUBLIC:
        return EVERYONE
    if endpoint in OWN_ACCOUNT:
        return SIGNED_IN
    return frozenset(BY_ENDPOINT[endpoint])


def _has_entry(endpoint: str, method: str) -> bool:
    return (endpoint, method) in BY_METHOD or endpoint in PUBLIC or endpoint in OWN_ACCOUNT or endpoint in BY_ENDPOINT


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def build_world() -> tuple[dict, dict]:
    """(the user of each role, the URL arguments of each route) in a fresh world."""
    m = build_market()
    council, holder, listing = m.council, m.holder, m.listing
    accounts.grant_role(m.holder_user, R.HOLDER, council)
    staff = factories.council_staff(council, R.CARE_COORDINATOR, R.TEAM_MANAGER, R.FINANCE_OFFICER, R.COMMISSIONER,
                                    R.ADMINISTRATOR)
    people = {R.HOLDER: m.holder_user, R.PROVIDER_ADMIN: m.provider_user, **staff}
    for role in (R.PROVIDER_STAFF, R.PERSONAL_ASSISTANT, R.COMMUNITY_GROUP):
        people[role] = factories.user(role, organisation=m.organisation)
    people[R.REPRESENTATIVE] = factories.user(R.REPRESENTATIVE, council)
    people[R.BROKER] = factories.user(R.BROKER, council)
    representing = factories.delegation(holder, people[R.REPRESENTATIVE], ["view", "order"])
    factories.delegation(holder, people[R.BROKER], ["view", "order"], kind="broker")

    paid = m.invoice()
    payments.approve(m.holder_user, paid)
    payment = payments.pay(m.holder_user, paid, "bacs", reference="BANK-1", paid_on=clock.today())
    disputed = corrections.dispute(m.holder_user, m.invoice(), "Nobody came")
    weekly = factories.accepted_order(m.holder_user, holder, listing, m.outcome.key, m.provider_user,
                                      schedule={"days": ["mon"], "starts_on": "2026-11-23", "ends_on": "2027-01-25"})
    line = weekly.lines[0]
    change = amendments.propose(m.provider_user, line, date(2026, 12, 1), ["tue"], 1)
    bought = spending.record_purchase(m.holder_user, holder, description="Bus pass", bought_on=date(2026, 11, 2),
                                      amount_pence=100, outcome_key=m.outcome.key, receipt=_png())
    run = PaymentRun(council_id=council.id, payer_kind="council", created_by_id=staff[R.FINANCE_OFFICER].id,
                     status="exported")
    photo = ListingPhoto(listing_id=listing.id, content_type="image/png", data=_png(), alt_text="A garden", width=4, height=4)
    item = BasketItem(actor_id=m.holder_user.id, holder_id=holder.id, listing_id=listing.id, quantity_centi=100,
                      outcome_key=m.outcome.key)
    alert = PriceAlert(council_id=council.id, listing_id=listing.id, agreed_pence=3500, new_public_pence=4500)
    community = factories.listing(None, council=council, status="submitted", kind="community")
    enquiry = factories.enquiry(listing, m.holder_user)
    review = reviews.ask(m.holder_user, holder, "My needs have changed.")
    note = notify(m.holder_user, "Your order was accepted", "Accepted.", "/", email=False)
    rated = m.order()
    rating = ratings.rate(m.holder_user, rated, listing.id, score=4, text="Good.")
    help_text = help_pages.save(staff[R.ADMINISTRATOR], council, "carers", "standard", "<p>Carers can get help.</p>")
    need = needs.post(m.holder_user, holder, title="A PA", purpose="Shopping", times="Tuesdays", district="SK4", category="other")
    need_reply = needs.reply(m.provider_user, need, "We can help.")
    asked = asking.start(council, "assessment", "myself")
    sent = asking.start(council, "assessment", "myself")
    asking.save(sent, "about-them", {"name": "Someone New", "postcode": "SK4 1AA", "email": "new@example.org"})
    asking.save(sent, "contact", {"preferred_contact": "email"})
    asking.save(sent, "situation", {"situation": "I need help at home."})
    asking.submit(sent)
    crisis_action = crisis.agree(staff[R.CARE_COORDINATOR], holder, "tell_people",
                                 {"user_ids": [people[R.REPRESENTATIVE].id], "message": "Please ring me."})
    crisis_run = crisis.start(m.holder_user, crisis_action, crisis.new_start_key())
    statements.generate_for([m.budget.id], date(2026, 10, 1))  # October's statement (empty: the world is made in November)
    statement = db.session.scalar(db.select(Statement).filter_by(budget_id=m.budget.id))
    proposal = ClawbackProposal(budget_id=m.budget.id, holder_id=holder.id, council_id=council.id, kind="clawback",
                                status="proposed", rule_kind="repay_above_weeks_of_payments", rule_text="A rule",
                                period_key="cycle:2026-11-01", as_of=date(2026, 11, 16), held_pence=200_000,
                                expected_pence=10_000, threshold_pence=154_000, excess_pence=46_000, proposed_pence=46_000)
    shared = Sharing(order_id=weekly.id, holder_id=holder.id, organisation_id=weekly.organisation_id,
                     shared_by_id=m.holder_user.id)
    job = Job(kind="statements", parameters={"month": "2026-10", "council_id": council.id}, council_id=council.id,
              status="failed", counts={}, attempt=1, chunks_total=1, chunks_done=0, error="A problem.")
    db.session.add_all([run, photo, item, alert, proposal, shared, job])
    db.session.commit()
    plan = m.outcome.plan
    return people, {
        "approval_id": m.organisation.approval_in(council.id).id, "amendment_id": change.id, "decision": "refuse",
        "budget_id": m.budget.id, "listing_id": listing.id, "organisation_id": m.organisation.id, "photo_id": photo.id,
        "run_id": run.id, "alert_id": alert.id, "slug": council.slug, "delegation_id": representing.id,
        "dispute_id": disputed.id, "enquiry_id": enquiry.id, "holder_id": holder.id, "item_id": item.id,
        "token": "not-a-real-token", "invoice_id": paid.id, "occurrence_id": line.occurrences[0].id, "line_id": line.id,
        "order_id": weekly.id, "name": "accessibility", "payment_id": payment.id, "plan_id": plan.id,
        "outcome_id": plan.outcomes[0].id, "filename": "css/app.css", "review_id": review.id, "note_id": note.id,
        "statement_id": statement.id,
        "id": "not-a-uuid",  # the Open Referral feed's records: a 400, as it is for everyone
        "proposal_id": proposal.id,
        "topic": "carers", "help_version_id": help_text.id,
        "purchase_id": bought.id,
        "need_id": need.id, "reply_id": need_reply.id, "sharing_id": shared.id,
        "job_id": job.id,
        "support_request_id": sent.id, "move": "question", "step": "about-them",
        **{(f"asking.{name}", "token"): asking.tracking_token(asked) for name in ("step", "check", "track")},
        "action_id": crisis_action.id, ("crisis.stop", "run_id"): crisis_run.id,  # "run_id" is also a payment run's
        # per endpoint, where the route wants another object than the usual one
        ("council_catalogue.moderate", "listing_id"): community.id,
        **{(f"ratings.{name}", "review_id"): rating.id for name in ("answer", "report", "moderate", "redact")},
        **{(f"reports.{name}", "name"): "spend" for name in ("show", "csv", "chart")}, "table": "by_category",
        ("orders.new", "?"): f"?listing={listing.id}",
    }


# The routes whose POST removes something, ends an arrangement or signs the person out: tried last.
LAST = ("orders.remove", "portal.delete_photo", "holders.revoke", "accounts.sign_out")


def routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route in the URL map, GETs first, then POSTs, the destructive ones last."""
    found = [(rule.endpoint, method, rule.rule) for rule in app.url_map.iter_rules()
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(found, key=lambda r: (r[1] != "GET", r[0] in LAST, LAST.index(r[0]) if r[0] in LAST else 0, r[0]))


def url_for_route(app, endpoint: str, rule: str, args: dict) -> str:
    with app.test_request_context():
        from flask import url_for

        values = {name: args.get((endpoint, name), args[name]) for name in app.url_map._rules_by_endpoint[endpoint][0].arguments}
        return url_for(endpoint, **values) + args.get((endpoint, "?"), "")


def outcome(response) -> str:
    """"in" when the request got past the policy, else "out"."""
    if response.status_code in (401, 403, 404):
        return "out"
    if response.status_code in (301, 302, 303) and "/sign-in?next=" in response.headers.get("Location", ""):
        return "out"  # Flask-Login sending an anonymous visitor to sign in
    assert response.status_code < 500, response.status_code
    return "in"


@pytest.fixture(scope="module")
def routes_app(tmp_path_factory):
    from flask_migrate import upgrade

    tmp = tmp_path_factory.mktemp("routes")
    database = Database(tmp)
    app = make_app(database, tmp, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    database.drop()


def walk(app, role: str) -> dict[tuple[str, str], str]:
    """Every route as ``role``: (endpoint, method) -> "in" or "out"."""
    empty_tables(app)
    found = {}
    with clock.frozen(NOW), app.app_context():
        people, args = build_world()
        email = people[role].email if role != ANON else None
        db.session.remove()
        client = app.test_client()
        if email:
            assert client.post("/sign-in", data={"email": email, "password": factories.PASSWORD}).status_code == 302
        for endpoint, method, rule in routes(app):
            url = url_for_route(app, endpoint, rule, args)
            response = client.open(url, method=method)
            found[(endpoint, method)] = outcome(response)
    empty_tables(app)
    return found


def test_every_route_has_an_entry(routes_app):
    missing = [f"{endpoint} {method}" for endpoint, method, _rule in routes(routes_app) if not _has_entry(endpoint, method)]
    assert missing == []


def test_every_entry_is_a_route(routes_app):
    endpoints = {endpoint for endpoint, _method, _rule in routes(routes_app)}
    assert set(BY_ENDPOINT) | PUBLIC | OWN_ACCOUNT | {e for e, _m in BY_METHOD} <= endpoints


@pytest.mark.parametrize("role", ROLES)
def test_who_gets_past_the_policy_on_every_route(routes_app, role):
    found = walk(routes_app, role)
    wrong = {f"{endpoint} {method}": outcome for (endpoint, method), outcome in found.items()
             if (outcome == "in") != (role in expected(endpoint, method))}
    assert wrong == {}
