"""The authorisation policy as a table: role x action x object -> allowed, then the same at the routes.

The table tests only read, so they share one world, built once in its own database (a new
PostgreSQL schema or SQLite file) and loaded back through the ORM for every test. Tests that
change something (deactivating, delegating) build what they need in the usual per-test database.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from flask_migrate import upgrade

from catalogue.models import Listing
from marketplace import clock, policy
from marketplace.accounts import roles as R
from marketplace.accounts import service as accounts
from marketplace.accounts.models import User
from marketplace.asking.models import SupportRequest
from marketplace.billing.models import Invoice, InvoiceDispute
from marketplace.councils.models import Council
from marketplace.extensions import db, limiter
from marketplace.holders.models import Delegation, Holder
from marketplace.jobs.models import Job
from marketplace.needs.models import Need
from marketplace.orders.models import Enquiry, Order
from marketplace.plans.models import SupportPlan
from marketplace.providers.models import Organisation, OrganisationApproval
from marketplace.ratings.models import Review
from marketplace.spending.models import OutsidePurchase

from . import factories
from .conftest import Database, make_app
from .helpers import Browser

ORG_ROLES = set(R.ORGANISATION_ROLES)
CASEWORK = {R.CARE_COORDINATOR, R.TEAM_MANAGER, R.ADMINISTRATOR}

# Who may do each action to the object it is about, when that object is in the person's own
# council (or, for organisation roles, is their own organisation). Everyone else is refused.
#   council      - the person's council
#   holder       - a budget holder in that council who has not delegated anything to the person
#   delegation   - a delegation on that holder, to somebody else
#   plan         - a support plan of that holder, waiting for a care coordinator
#   manager_plan - a plan waiting for a team manager (above the coordinator's rung of the ladder)
#   panel_plan   - a plan waiting for the risk enablement panel
#   organisation - an organisation that has applied to that council (organisation roles work in it)
#   approval     - that organisation's approval in that council
#   listing      - a draft listing of that organisation
#   community    - a draft community resource the council itself lists
#   order        - an order that holder placed with that organisation
#   enquiry      - a question somebody else asked that organisation about its listing
#   invoice      - that organisation's invoice for the order, paid by the council (a council-managed budget)
#   dp_invoice   - the same, paid by the holder from a direct payment
#   dispute      - a dispute on an invoice the council pays
#   purchase     - that holder's purchase made outside the marketplace
#   review       - that holder's published review of the organisation's listing, for the order
#   need         - an open need that holder posted (they posted it: no delegation to anyone in the table)
#   support_request - a request for support someone sent to that council online (not yet a holder)
#   job          - a job a command started for that council (statements): nobody in the table started it
#   none         - no object
TABLE = {
    ("holder.view", "holder"): CASEWORK | {R.FINANCE_OFFICER},
    ("holder.edit_record", "holder"): CASEWORK,
    ("holder.order", "holder"): set(),
    ("holder.approve_invoices", "holder"): set(),
    ("holder.manage_delegations", "holder"): CASEWORK,
    ("holder.write_plan", "holder"): CASEWORK,
    ("holder.manage_budget", "holder"): CASEWORK | {R.FINANCE_OFFICER},
    ("holder.manage_budget_option", "holder"): CASEWORK | {R.FINANCE_OFFICER},
    ("budget.arrange_service_fund", "holder"): CASEWORK | {R.FINANCE_OFFICER},
    ("delegation.revoke", "delegation"): CASEWORK,
    ("plan.decide", "plan"): CASEWORK,
    ("holder.create", "council"): CASEWORK | {R.BROKER},
    ("caseload.view", "none"): {R.BROKER},
    ("statements.caseload", "none"): {R.BROKER, R.REPRESENTATIVE},
    ("council.staff_area", "council"): set(R.COUNCIL_STAFF),
    ("council.holders", "council"): CASEWORK | {R.FINANCE_OFFICER},  # never commissioners: no identities
    ("council.reports", "council"): {R.COMMISSIONER, R.ADMINISTRATOR},
    ("council.plans", "council"): CASEWORK,
    ("council.finance", "council"): {R.FINANCE_OFFICER, R.ADMINISTRATOR},
    ("council.clawbacks", "council"): {R.FINANCE_OFFICER},
    ("council.administer", "council"): {R.ADMINISTRATOR},
    ("council.events", "council"): {R.ADMINISTRATOR},
    ("cqc.import", "none"): {R.ADMINISTRATOR},  # any council's administrators: the directory covers every council
    ("council.agree_prices", "council"): {R.COMMISSIONER, R.FINANCE_OFFICER, R.ADMINISTRATOR},
    ("council.moderate", "council"): {R.ADMINISTRATOR},
    ("organisation.manage", "organisation"): {R.PROVIDER_ADMIN, R.PERSONAL_ASSISTANT, R.COMMUNITY_GROUP},
    ("organisation.manage_listings", "organisation"): ORG_ROLES,
    ("organisation.view_private", "organisation"): ORG_ROLES | {R.ADMINISTRATOR},
    ("organisation.decide_approval", "approval"): {R.ADMINISTRATOR},
    ("listing.manage", "listing"): ORG_ROLES,
    ("listing.view_unpublished", "listing"): ORG_ROLES | {R.ADMINISTRATOR},
    ("listing.manage", "community"): {R.ADMINISTRATOR},
    ("listing.view_unpublished", "community"): {R.ADMINISTRATOR},
    ("community.moderate", "community"): {R.ADMINISTRATOR},
    ("order.view", "order"): CASEWORK | {R.FINANCE_OFFICER} | ORG_ROLES,
    ("order.provide", "order"): ORG_ROLES,
    ("order.delivery_contact", "order"): ORG_ROLES,
    ("order.confirm", "order"): set(),
    ("order.approve", "order"): CASEWORK,
    ("order.change_schedule", "order"): ORG_ROLES,
    ("enquiry.view", "enquiry"): ORG_ROLES,
    ("enquiry.answer", "enquiry"): ORG_ROLES,
    ("invoice.view", "invoice"): CASEWORK | {R.FINANCE_OFFICER} | ORG_ROLES,
    ("invoice.approve", "invoice"): {R.FINANCE_OFFICER},
    ("invoice.pay", "invoice"): {R.FINANCE_OFFICER},
    ("invoice.approve", "dp_invoice"): set(),
    ("invoice.pay", "dp_invoice"): set(),
    ("invoice.credit", "invoice"): ORG_ROLES,
    ("invoice.refund", "invoice"): ORG_ROLES,
    ("dispute.resolve", "dispute"): ORG_ROLES | {R.FINANCE_OFFICER, R.ADMINISTRATOR},
    ("dispute.uphold", "dispute"): ORG_ROLES | {R.FINANCE_OFFICER, R.ADMINISTRATOR},  # the provider, or the council
    ("dispute.reject", "dispute"): {R.FINANCE_OFFICER, R.ADMINISTRATOR},  # the payer (here the council), or the council
    ("plan.approve", "plan"): {R.CARE_COORDINATOR, R.TEAM_MANAGER},
    ("plan.approve", "manager_plan"): {R.TEAM_MANAGER},
    ("plan.approve", "panel_plan"): set(),
    ("plan.record_panel_decision", "panel_plan"): {R.TEAM_MANAGER, R.ADMINISTRATOR},
    ("plan.record_panel_decision", "plan"): set(),
    ("council.see_agreed_prices", "council"): set(R.ALL) - ORG_ROLES,  # everyone the council funds or employs
    ("organisation.orders", "organisation"): ORG_ROLES,
    ("organisation.finance", "organisation"): ORG_ROLES,
    ("receipt.view", "purchase"): CASEWORK | {R.FINANCE_OFFICER},
    ("council.audit", "council"): CASEWORK | {R.FINANCE_OFFICER},
    ("account.own", "none"): set(R.ALL),
    ("review.write", "order"): set(),  # only the holder or their representative, never staff or brokers
    ("review.answer", "review"): ORG_ROLES,
    ("review.report", "review"): set(R.ALL),  # anyone signed in, wherever they are
    ("review.moderate", "review"): {R.ADMINISTRATOR},
    ("council.moderate_reviews", "council"): {R.ADMINISTRATOR},
    ("help.edit", "council"): {R.ADMINISTRATOR},
    ("asking.triage", "council"): CASEWORK,  # the queue of requests sent online
    ("asking.handle", "support_request"): CASEWORK,
    ("need.post", "holder"): set(),  # the holder, their representative with the right to order, or their broker
    ("need.manage", "need"): set(),
    ("needs.browse", "council"): set(),  # only organisations approved in the council: this one is pending
    ("need.reply", "need"): set(),
    ("need.view", "need"): {R.ADMINISTRATOR},
    ("need.report", "need"): {R.ADMINISTRATOR},
    ("need.moderate", "need"): {R.ADMINISTRATOR},
    ("council.moderate_needs", "council"): {R.ADMINISTRATOR},
    ("about_me.share", "order"): set(),  # only the holder or their representative who may order
    ("about_me.read", "order"): set(),  # the provider only once the holder shares it: nothing is shared here
    ("lifeevents.record", "holder"): {R.CARE_COORDINATOR, R.TEAM_MANAGER},  # casework staff who know the person
    ("lifeevents.view", "holder"): {R.CARE_COORDINATOR, R.TEAM_MANAGER, R.FINANCE_OFFICER},  # finance settles the money
    ("crisis.agree", "holder"): {R.CARE_COORDINATOR, R.TEAM_MANAGER},  # who approves plans agrees the crisis actions
    ("crisis.view", "holder"): CASEWORK,
    ("crisis.start", "holder"): set(),  # the holder, or someone they let order for them: no approval again
    ("job.view", "job"): {R.ADMINISTRATOR},  # a command's job: its council's administrators (a starter sees their own)
    ("job.retry", "job"): {R.ADMINISTRATOR},
    ("jobs.statements", "council"): {R.FINANCE_OFFICER, R.ADMINISTRATOR},
}
UNSCOPED = {("review.report", "review")}  # open to people of every council
ROWS = [(role, action, kind, role in allowed) for (action, kind), allowed in TABLE.items() for role in R.ALL]
COUNCIL_SCOPED = sorted((action, kind) for action, kind in TABLE if kind != "none" and (action, kind) not in UNSCOPED)


# --- the shared, read-only world --------------------------------------------------------------

def build_world() -> dict:
    """Aldermoor with one person in every role and one object of every kind, and Birchley (another
    council) with one person in every role. Returns ids: the tests load everything back from the database."""
    aldermoor = factories.council("aldermoor")
    birchley = factories.council("birchley")
    organisation = factories.organisation(name="Aldermoor Helpers", pending_in=[aldermoor])
    elsewhere = factories.organisation(name="Birchley Helpers", approved_in=[birchley])

    def person(role, council, org):
        if role in ORG_ROLES:
            return factories.user(role, organisation=org, email=f"{role}@{council.slug}.example.com").id
        return factories.user(role, council, email=f"{role}@{council.slug}.example.com").id

    holder_user = factories.user()
    holder = factories.holder(aldermoor, user=holder_user, name="Aldermoor Resident")
    listing = factories.listing(organisation, status="draft")
    order = factories.bare_order(holder, organisation, placed_by=holder_user)
    birchley_staff = factories.user(R.ADMINISTRATOR, birchley, email="all-staff@birchley.example.com")
    for role in (R.CARE_COORDINATOR, R.TEAM_MANAGER, R.FINANCE_OFFICER):
        accounts.grant_role(birchley_staff, role, birchley)
    invoice = factories.bare_invoice(order, payer_kind="council")
    dispute = InvoiceDispute(invoice_id=invoice.id, raised_by_id=holder_user.id, reason="Nobody came",
                             status_before="issued", status="open")
    db.session.add(dispute)
    manager_plan = factories.support_plan(factories.holder(aldermoor))
    manager_plan.waiting_on = "team_manager"  # above the coordinator's rung of the ladder
    panel_plan = factories.support_plan(factories.holder(aldermoor))
    panel_plan.waiting_on = "panel"
    db.session.commit()
    return {
        "people": {role: person(role, aldermoor, organisation) for role in R.ALL},
        "outsiders": {role: person(role, birchley, elsewhere) for role in R.ALL},
        "birchley_staff": birchley_staff.email,
        "targets": {
            "council": (Council, aldermoor.id),
            "holder": (Holder, holder.id),
            "delegation": (Delegation, factories.delegation(holder, factories.user(), ["view"]).id),
            "plan": (SupportPlan, factories.support_plan(holder).id),
            "manager_plan": (SupportPlan, manager_plan.id),
            "panel_plan": (SupportPlan, panel_plan.id),
            "organisation": (Organisation, organisation.id),
            "approval": (OrganisationApproval, organisation.approval_in(aldermoor.id).id),
            "listing": (Listing, listing.id),
            "community": (Listing, factories.listing(None, council=aldermoor, status="draft").id),
            "order": (Order, order.id),
            "invoice": (Invoice, factories.bare_invoice(order, payer_kind="council").id),
            "dp_invoice": (Invoice, factories.bare_invoice(order, payer_kind="holder").id),
            "dispute": (InvoiceDispute, dispute.id),
            "enquiry": (Enquiry, factories.enquiry(listing, factories.user()).id),
            "purchase": (OutsidePurchase, _purchase(holder, holder_user).id),
            "review": (Review, _review(order, listing, holder_user).id),
            "need": (Need, _need(holder, holder_user).id),
            "support_request": (SupportRequest, _support_request(aldermoor).id),
            "job": (Job, _job(aldermoor).id),
        },
    }


def _purchase(holder, by) -> OutsidePurchase:
    """A purchase row only: the policy asks about its holder (tests/spending records real ones)."""
    budget = factories.budget(holder)
    purchase = OutsidePurchase(holder_id=holder.id, budget_id=budget.id, council_id=holder.council_id, description="Bus pass",
                               bought_on=budget.starts_on, amount_pence=100, receipt_needed=True, recorded_by_id=by.id)
    db.session.add(purchase)
    db.session.commit()
    return purchase


def _review(order, listing, by) -> Review:
    """A review row only: the policy asks about its council and organisation (tests/ratings make real ones)."""
    review = Review(order_id=order.id, listing_id=listing.id, organisation_id=order.organisation_id, holder_id=order.holder_id,
                    council_id=order.council_id, author_id=by.id, author_kind="holder", score=4, aspects=[], status="published")
    db.session.add(review)
    db.session.commit()
    return review


def _need(holder, by) -> Need:
    """A need row only: the policy asks about its holder, council and state (tests/needs post real ones)."""
    need = Need(council_id=holder.council_id, holder_id=holder.id, posted_by_id=by.id, title="A PA", purpose="Shopping",
                times="Tuesdays", district="SK4", category="other", status="open", expires_at=clock.now())
    db.session.add(need)
    db.session.commit()
    return need


def _support_request(council) -> SupportRequest:
    """A sent request row only: the policy asks about its council and whether it is still a draft."""
    sent = SupportRequest(council_id=council.id, reference="ALD-R000001", nonce="0" * 32, status="submitted",
                          name="Someone New", access_needs=[], urgent=False)
    db.session.add(sent)
    db.session.commit()
    return sent


def _job(council) -> Job:
    """A job row only, started by a command (no starter) for the council (tests/jobs run real ones)."""
    job = Job(kind="statements", parameters={"month": "2026-10"}, council_id=council.id, status="done", counts={},
              attempt=1, chunks_total=1, chunks_done=1)
    db.session.add(job)
    db.session.commit()
    return job


@pytest.fixture(scope="module")
def policy_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("policy")
    database = Database(tmp)
    app = make_app(database, tmp)
    with app.app_context():
        upgrade()
        app.extensions["policy_world"] = build_world()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()
    database.drop()


class Shared:
    """Loads the shared world's people and objects from the database, in a fresh session per test."""

    def __init__(self, app):
        self.app = app
        self.ids = app.extensions["policy_world"]

    def person(self, role) -> User:
        return db.session.get(User, self.ids["people"][role])

    def outsider(self, role) -> User:
        return db.session.get(User, self.ids["outsiders"][role])

    def target(self, kind):
        if kind == "none":
            return None
        model, id_ = self.ids["targets"][kind]
        return db.session.get(model, id_)

    def browser(self, email) -> Browser:
        browser = Browser(self.app.test_client())
        browser.sign_in(email)
        return browser


@pytest.fixture
def shared(policy_app):
    with policy_app.app_context():
        yield Shared(policy_app)
        db.session.remove()
        limiter.reset()


# --- the table ------------------------------------------------------------------------------

def test_the_table_covers_every_action_and_every_role():
    assert {action for action, _ in TABLE} == set(policy.actions())
    assert {role for role, *_ in ROWS} == set(R.ALL)


@pytest.mark.parametrize("role, action, kind, expected", ROWS)
def test_policy_table(shared, role, action, kind, expected):
    assert policy.can(shared.person(role), action, shared.target(kind)) is expected


@pytest.mark.parametrize("role", R.ALL)
def test_a_person_of_another_council_is_refused_every_council_scoped_action(shared, role):
    person = shared.outsider(role)
    assert [action for action, kind in COUNCIL_SCOPED if policy.can(person, action, shared.target(kind))] == []


def test_an_organisation_role_does_not_reach_another_organisation(shared):
    other = db.session.scalar(db.select(Organisation).filter_by(name="Birchley Helpers"))
    person = shared.person(R.PROVIDER_ADMIN)
    assert not policy.can(person, "organisation.manage", other)
    assert not policy.can(person, "organisation.manage_listings", other)
    assert not policy.can(person, "organisation.view_private", other)


def test_an_unknown_action_raises_key_error(shared):
    with pytest.raises(KeyError):
        policy.can(shared.person(R.ADMINISTRATOR), "council.delete_everything", shared.target("council"))


@pytest.mark.parametrize("action, kind", sorted(TABLE))
def test_an_anonymous_visitor_is_refused_everything(shared, action, kind):
    assert policy.can(AnonymousUserMixin(), action, shared.target(kind)) is False
    assert policy.can(None, action, shared.target(kind)) is False


@pytest.mark.parametrize("action, kind", [(a, k) for (a, k), roles in TABLE.items() if R.ADMINISTRATOR in roles])
def test_a_deactivated_account_is_refused_what_its_role_allows(shared, action, kind):
    person = shared.person(R.ADMINISTRATOR)
    target = shared.target(kind)
    assert policy.can(person, action, target)
    person.is_active_account = False  # not committed: the shared world stays as it is
    assert policy.can(person, action, target) is False


# --- the holder and the people they delegate to (a world per test) ---------------------------

HOLDER_ACTIONS = sorted(action for action, kind in TABLE if kind == "holder")
OWN_ACCOUNT = {"holder.view", "holder.edit_record", "holder.order", "holder.approve_invoices",
               "holder.manage_delegations", "holder.write_plan", "holder.manage_budget_option", "need.post",
               "crisis.view", "crisis.start"}
OWN_MANAGED_ACCOUNT = OWN_ACCOUNT - {"holder.manage_delegations"}  # the council records consent for them


@pytest.fixture
def aldermoor(make):
    return make.council("aldermoor")


@pytest.mark.parametrize("managed, allowed", [(False, OWN_ACCOUNT), (True, OWN_MANAGED_ACCOUNT)],
                         ids=["own-account", "council-managed-account"])
def test_policy_for_a_holder_on_their_own_account(make, aldermoor, managed, allowed):
    person = make.user()
    holder = make.holder(aldermoor, user=person, managed_by_council=managed)
    assert {a for a in HOLDER_ACTIONS if policy.can(person, a, holder)} == allowed


@pytest.mark.parametrize("managed, expected", [(False, True), (True, False)])
def test_policy_for_a_holder_ending_a_delegation_on_their_account(make, aldermoor, managed, expected):
    person = make.user()
    holder = make.holder(aldermoor, user=person, managed_by_council=managed)
    delegation = make.delegation(holder, make.user(), ["view"])
    assert policy.can(person, "delegation.revoke", delegation) is expected


@pytest.mark.parametrize("kind, rights, allowed", [
    ("representative", ["view"], {"holder.view", "crisis.view"}),
    ("representative", ["order"], {"holder.view", "holder.order", "need.post", "crisis.view", "crisis.start"}),
    ("representative", ["approve_invoices"], {"holder.view", "holder.approve_invoices", "crisis.view"}),
    ("representative", ["view", "order"], {"holder.view", "holder.order", "need.post", "crisis.view", "crisis.start"}),
    ("representative", ["manage"], {"holder.view", "holder.edit_record", "holder.order", "holder.approve_invoices",
                                    "holder.write_plan", "holder.manage_budget_option", "need.post", "crisis.view",
                                    "crisis.start"}),
    ("representative", [], set()),
    ("broker", ["view"], {"holder.view", "need.post", "crisis.view"}),  # a broker with "view" reads the plan and may post a need
    ("broker", ["view", "order"], {"holder.view", "holder.order", "holder.write_plan", "need.post", "crisis.view",
                                   "crisis.start"}),  # and helps write it
])
def test_policy_for_a_delegate_follows_the_rights_given(make, aldermoor, kind, rights, allowed):
    delegate = make.user(R.BROKER if kind == "broker" else R.REPRESENTATIVE, aldermoor)
    holder = make.holder(aldermoor)
    make.delegation(holder, delegate, rights, kind=kind)
    assert {a for a in HOLDER_ACTIONS if policy.can(delegate, a, holder)} == allowed


@pytest.mark.parametrize("kind", ["representative", "broker"])
@pytest.mark.parametrize("when", ["starts-tomorrow", "ended-yesterday", "revoked"])
def test_policy_for_a_delegate_outside_their_dates_allows_nothing(make, aldermoor, when, kind):
    today = clock.today()
    delegate = make.user(R.BROKER if kind == "broker" else R.REPRESENTATIVE, aldermoor)
    holder = make.holder(aldermoor)
    delegation = make.delegation(
        holder, delegate, ["manage"], kind=kind,
        starts_on=today + timedelta(days=1) if when == "starts-tomorrow" else today - timedelta(days=30),
        ends_on=today - timedelta(days=1) if when == "ended-yesterday" else None)
    if when == "revoked":
        delegation.revoked_at = clock.now()
        db.session.commit()
    assert [a for a in HOLDER_ACTIONS if policy.can(delegate, a, holder)] == []


@pytest.mark.parametrize("who, allowed", [
    ("holder", {"order.view", "order.confirm", "order.change_schedule", "review.write", "about_me.share", "about_me.read"}),
    ("view", {"order.view", "about_me.read"}),
    ("order", {"order.view", "order.confirm", "order.change_schedule", "review.write",  # a representative who orders
               "about_me.share", "about_me.read"}),
    ("approve_invoices", {"order.view", "order.confirm", "about_me.read"}),
    ("provider", {"order.view", "order.provide", "order.change_schedule", "order.delivery_contact"}),
])
def test_policy_for_the_buyers_side_and_the_provider_of_an_order(make, aldermoor, who, allowed):
    holder_user = make.user()
    holder = make.holder(aldermoor, user=holder_user)
    organisation, provider = make.provider(aldermoor)
    order = make.bare_order(holder, organisation, placed_by=holder_user)
    if who == "holder":
        person = holder_user
    elif who == "provider":
        person = provider
    else:
        person = make.user(R.REPRESENTATIVE, aldermoor)
        make.delegation(holder, person, [who])
    actions = sorted(action for action, kind in TABLE if kind == "order")
    assert {a for a in actions if policy.can(person, a, order)} == allowed


@pytest.mark.parametrize("payer, who, expected", [
    ("holder", "holder", True),                 # a direct payment: the holder pays
    ("holder", "approve_invoices", True),       # ... or whoever they let approve invoices
    ("holder", "view", False),
    ("holder", "finance", False),               # the council does not hold direct-payment money
    ("budget_manager", "approve_invoices", True),
    ("budget_manager", "finance", True),
    ("budget_manager", "holder", False),
    ("council", "finance", True),
    ("council", "holder", False),
    ("isf_provider", "isf_provider", True),     # an individual service fund: the provider holds it
    ("isf_provider", "finance", False),
])
def test_invoices_are_approved_and_paid_by_whoever_holds_the_money(make, aldermoor, payer, who, expected):
    holder_user = make.user()
    holder = make.holder(aldermoor, user=holder_user)
    organisation, provider = make.provider(aldermoor)
    order = make.bare_order(holder, organisation, placed_by=holder_user)
    if payer == "isf_provider":
        order.budget.isf_provider_id = organisation.id
    invoice = make.bare_invoice(order, payer_kind=payer)
    if who == "holder":
        person = holder_user
    elif who == "finance":
        person = make.user(R.FINANCE_OFFICER, aldermoor)
    elif who == "isf_provider":
        person = provider
    else:
        person = make.user(R.REPRESENTATIVE, aldermoor)
        make.delegation(holder, person, [who])
    assert policy.can(person, "invoice.approve", invoice) is expected
    assert policy.can(person, "invoice.pay", invoice) is expected


def test_the_person_who_asked_may_read_but_not_answer_their_enquiry(make, aldermoor):
    organisation, _ = make.provider(aldermoor)
    asker = make.user()
    enquiry = make.enquiry(make.listing(organisation), asker)
    assert policy.can(asker, "enquiry.view", enquiry)
    assert not policy.can(asker, "enquiry.answer", enquiry)


def test_a_delegate_may_end_their_own_delegation(make, aldermoor):
    delegate = make.user(R.REPRESENTATIVE, aldermoor)
    delegation = make.delegation(make.holder(aldermoor), delegate, ["view"])
    assert policy.can(delegate, "delegation.revoke", delegation)


# --- the same rules at the routes ------------------------------------------------------------

ROUTES = {
    "/holders": {R.CARE_COORDINATOR, R.TEAM_MANAGER, R.FINANCE_OFFICER, R.ADMINISTRATOR},
    "/holders/new": CASEWORK | {R.BROKER},
    "/admin/organisations": {R.ADMINISTRATOR},
    "/admin/events": {R.ADMINISTRATOR},
    "/caseload": {R.BROKER},
    "/holders/{holder}": CASEWORK | {R.FINANCE_OFFICER},
}
ROUTE_ROWS = [(role, url, 200 if role in allowed else 403) for url, allowed in ROUTES.items() for role in R.ALL]


def url_in(shared, url: str) -> str:
    return url.format(holder=shared.ids["targets"]["holder"][1])


@pytest.mark.parametrize("role, url, status", ROUTE_ROWS)
def test_route_table(shared, role, url, status):
    browser = shared.browser(shared.person(role).email)
    assert browser.get(url_in(shared, url)).status_code == status


@pytest.mark.parametrize("url", sorted(ROUTES))
def test_an_anonymous_visitor_is_sent_to_sign_in(shared, url):
    response = shared.app.test_client().get(url_in(shared, url))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_staff_of_another_council_cannot_open_a_holder_page(shared):
    browser = shared.browser(shared.ids["birchley_staff"])
    assert browser.get(url_in(shared, "/holders/{holder}")).status_code == 403


def test_council_pages_list_only_the_viewers_own_council(shared):
    browser = shared.browser(shared.ids["birchley_staff"])
    holders = browser.get("/holders")
    assert holders.status_code == 200
    assert "Aldermoor Resident" not in holders.get_data(as_text=True)
    assert "Aldermoor Helpers" not in browser.get("/admin/organisations").get_data(as_text=True)
