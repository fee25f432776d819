"""Demo data: five councils, a user for every role, and 179 Stockport-like budget holders.

Everything is keyed on natural keys (council slug, email, holder reference), so
loading twice gives the same data. Budgets follow the Stockport pilot's spend per
holder (mean £5,813, median £3,394; ``marketplace/data/stockport_budgets.json``)
through a log-normal curve read at 179 evenly spaced quantiles: the middle holder
gets the median exactly and the spread is tuned until the mean matches.
"""
from __future__ import annotations

import json
import logging
import math
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from statistics import NormalDist

from flask import current_app

from catalogue import demo as catalogue_demo
from catalogue.indexing import rebuild

from . import clock, demo_asking, demo_demand, demo_money, demo_ratings
from .accounts import roles as R
from .accounts import service as accounts
from .accounts.models import User
from .accounts.passwords import verify_password
from .budgets.models import BudgetPeriod
from .councils.service import upsert_councils
from .extensions import db
from .holders.models import Delegation, Holder
from .plans import service as plans
from .plans.funding import fund_until
from .plans.models import PLAN, PlanOutcome, SupportPlan
from .providers import service as providers
from .providers.models import APPROVAL, BankDetails, Organisation
from .statements import service as statements
from .underspend import service as underspend

DEMO_PASSWORD = "demo-password-2026"
DEMO_COUNCIL = "aldermoor"
PLAN_YEAR = (date(2026, 4, 1), date(2027, 3, 31))
# The plan year before, for every demo-council holder but the one who signs in: the same budget and
# outcomes, spent by now, so the commissioners' reports have a whole year to read.
PREVIOUS_YEAR = (date(2025, 4, 1), date(2026, 3, 31))


FIRST_NAMES = ["Sam", "Alex", "Jo", "Priya", "Tom", "Aisha", "Chris", "Maria", "David", "Fatima", "Liam", "Grace",
               "Mohammed", "Ellen", "Kofi", "Siobhan", "Raj", "Hannah", "Owen", "Zainab", "Peter", "Chloe", "Imran"]
LAST_NAMES = ["Taylor", "Khan", "Smith", "Okafor", "Jones", "Patel", "Murphy", "Williams", "Nowak", "Brown", "Ahmed",
              "Evans", "Hughes", "Clarke", "Begum", "Walsh", "Green", "Roberts", "Singh", "Lewis", "Kelly"]

# (email, name, role, council slugs) for one person in every role.
DEMO_USERS = [
    ("holder@example.com", "Sam Taylor", R.HOLDER, ["aldermoor"]),
    ("representative@example.com", "Pat Taylor", R.REPRESENTATIVE, ["aldermoor"]),
    ("broker@example.com", "Bea Broker", R.BROKER, ["aldermoor", "birchley"]),
    ("provider@example.com", "Owen Provider", R.PROVIDER_ADMIN, []),
    ("staff@example.com", "Sara Staff", R.PROVIDER_STAFF, []),
    ("pa@example.com", "Paula Assistant", R.PERSONAL_ASSISTANT, []),
    ("community@example.com", "Colin Community", R.COMMUNITY_GROUP, []),
    ("coordinator@example.com", "Cath Coordinator", R.CARE_COORDINATOR, ["aldermoor", "birchley"]),
    ("manager@example.com", "Tariq Manager", R.TEAM_MANAGER, ["aldermoor"]),
    ("finance@example.com", "Fiona Finance", R.FINANCE_OFFICER, ["aldermoor"]),
    ("commissioner@example.com", "Chris Commissioner", R.COMMISSIONER, ["aldermoor"]),
    ("admin@example.com", "Ada Administrator", R.ADMINISTRATOR, ["aldermoor", "birchley", "coldwater", "dunmere", "eskbridge"]),
]

DEMO_ORGANISATIONS = [
    # (name, kind, owner email, owner role, approved in, pending in)
    ("Brightside Care", "provider", "provider@example.com", R.PROVIDER_ADMIN, ["aldermoor", "birchley"], []),
    ("Paula Assistant PA", "personal_assistant", "pa@example.com", R.PERSONAL_ASSISTANT, ["aldermoor"], []),
    ("Aldermoor Walking Group", "community_group", "community@example.com", R.COMMUNITY_GROUP, ["aldermoor"], []),
    ("New Horizons Support", "micro_provider", "pending@example.com", R.PROVIDER_ADMIN, [], ["aldermoor"]),
]


def stockport_figures() -> dict:
    text = resources.files("marketplace.data").joinpath("stockport_budgets.json").read_text(encoding="utf-8")
    return json.loads(text)


def stockport_budgets_pounds(count: int | None = None) -> list[int]:
    """``count`` annual budgets in whole pounds whose median and mean match the Stockport pilot."""
    figures = stockport_figures()
    count = count or figures["holders_total"]
    median = figures["spend_per_holder_gbp"]["whole_pilot"]["median"]
    mean = figures["spend_per_holder_gbp"]["whole_pilot"]["mean"]
    normal = NormalDist()
    quantiles = [normal.inv_cdf((i + 0.5) / count) for i in range(count)]

    def sample(sigma: float) -> list[float]:
        return [median * math.exp(sigma * z) for z in quantiles]

    low, high = 0.01, 3.0
    for _ in range(60):  # bisection on the spread until the sample mean is the pilot's mean
        sigma = (low + high) / 2
        if sum(sample(sigma)) / count < mean:
            low = sigma
        else:
            high = sigma
    return [int(round(v)) for v in sample((low + high) / 2)]


def load(echo=print) -> dict:
    """Create or update all demo data; returns the demo users' emails by role. The emails loading sends
    (hundreds: statements, invitations to rate, warnings) are not printed: the console mail backend logs
    each one, which would bury the accounts and password this prints at the end."""
    logger = current_app.logger
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        return _load(echo)
    finally:
        logger.setLevel(level)


def _load(echo) -> dict:
    councils = {c.slug: c for c in upsert_councils()}
    users = {}
    for email, name, role, slugs in DEMO_USERS:
        user = _user(email, name)
        for slug in slugs:
            accounts.grant_role(user, role, councils[slug])
        users[role] = user
    _user("pending@example.com", "Nia Newcomer")

    for name, kind, owner_email, owner_role, approved, pending in DEMO_ORGANISATIONS:
        organisation = db.session.scalar(db.select(Organisation).filter_by(name=name))
        if organisation is None:
            organisation = Organisation(name=name, kind=kind, email=owner_email)
            db.session.add(organisation)
            db.session.flush()
        accounts.grant_role(accounts.find_by_email(owner_email), owner_role, organisation=organisation)
        if name == "Brightside Care":
            accounts.grant_role(users[R.PROVIDER_STAFF], R.PROVIDER_STAFF, organisation=organisation)
            if organisation.bank_details is None:  # the others have none yet: their invoices show what that means
                db.session.add(BankDetails(organisation=organisation, account_name="Brightside Care Ltd", sort_code="200000",
                                           account_number="55779911"))
        for slug in approved + pending:
            if organisation.approval_in(councils[slug].id) is None:
                approval = providers.apply_to(accounts.find_by_email(owner_email), organisation, councils[slug])
                if slug in approved:
                    APPROVAL.move(approval, "approved", actor=users[R.ADMINISTRATOR])
                    approval.decided_by = users[R.ADMINISTRATOR]
        db.session.flush()

    holders = _stockport_holders(councils[DEMO_COUNCIL], users)
    _delegate(holders[0], users[R.REPRESENTATIVE], "representative", ["view", "order"], users[R.HOLDER])
    for holder in holders[:12]:
        _delegate(holder, users[R.BROKER], "broker", ["view", "order", "approve_invoices"], users[R.CARE_COORDINATOR])
    for slug, council in councils.items():
        if slug != DEMO_COUNCIL:
            _small_council(council, users)
    _previous_year(holders, users)
    _plans(holders, users)
    listing_count = catalogue_demo.load(councils, users)
    db.session.info["skip_search_sync"] = True  # rebuilt in one go below
    db.session.commit()
    db.session.info.pop("skip_search_sync", None)
    rebuild()
    posted = fund_until(clock.today())
    echo(f"Posted {posted} funding entries due up to {clock.today():%d %B %Y}.")
    _money_so_far(holders, councils, users, echo)
    demo_demand.search_a_year(councils[DEMO_COUNCIL], echo)
    demo_asking.ask_for_support(councils[DEMO_COUNCIL], users[R.CARE_COORDINATOR], echo)
    echo(f"Loaded {len(councils)} councils, {listing_count} catalogue listings and {len(holders)} budget holders in {councils[DEMO_COUNCIL].name}.")
    echo(f"Every demo account's password is: {DEMO_PASSWORD}")
    for email, name, role, _ in DEMO_USERS:
        echo(f"  {R.LABELS[role]:<32} {email}")
    echo(f"  {'Provider awaiting approval':<32} pending@example.com")
    return {role: user.email for role, user in users.items()}


def _money_so_far(holders, councils, users, echo) -> None:
    """A year's spending so far and some support bought and rated here, then what the monthly jobs would
    have done by today: last month's statements and the underspend check (both safe to run again)."""
    others = db.session.scalars(db.select(Holder).where(Holder.council_id != councils[DEMO_COUNCIL].id)
                                .order_by(Holder.id)).all()
    budgets = [b for year in (PREVIOUS_YEAR, PLAN_YEAR) for h in holders + others
               for b in db.session.scalars(db.select(BudgetPeriod).filter_by(holder_id=h.id, starts_on=year[0]))]
    last_year = [b for b in budgets if b.starts_on == PREVIOUS_YEAR[0]]
    buyers = demo_money.stockport_buyers(len(last_year), [b.holder_id for b in last_year
                                                          if b.deployment_option == "direct_payment"])
    written = demo_money.spend_a_year(budgets, users[R.CARE_COORDINATOR], buyers)
    db.session.commit()
    echo(f"Recorded {written} purchases and payments made since {PREVIOUS_YEAR[0]:%-d %B %Y}.")
    demo_ratings.buy_and_rate(holders, councils[DEMO_COUNCIL], users, echo)
    last_month = (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    if PLAN_YEAR[0] <= last_month:
        issued = statements.generate_month(last_month)
        echo(f"Issued {issued.issued} statements for {last_month:%B %Y}.")
    checked = underspend.check(clock.today())
    echo(f"Underspend check: {checked.warned} holders warned, {checked.proposed} proposals for finance to decide.")


def _user(email: str, name: str) -> User:
    user = accounts.find_by_email(email)
    if user is None:
        user = accounts.create_user(email, name, password=DEMO_PASSWORD)
    elif not verify_password(user.password_hash, DEMO_PASSWORD):
        user.password_hash = None
        accounts._set_password(user, DEMO_PASSWORD)
    return user


def _stockport_holders(council, users) -> list[Holder]:
    budgets = stockport_budgets_pounds()
    # Shuffle deterministically so budget size does not follow the holder number.
    order = sorted(range(len(budgets)), key=lambda i: (i * 7919) % len(budgets))
    districts = council.postcode_districts
    holders = []
    for n, index in enumerate(order):
        reference = f"ALD-{n + 1:04d}"
        holder = db.session.scalar(db.select(Holder).filter_by(reference=reference))
        if holder is None:
            name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[(n * 5) % len(LAST_NAMES)]}"
            holder = Holder(council_id=council.id, reference=reference, name=name)
            db.session.add(holder)
        if n == 0:
            holder.name = users[R.HOLDER].name
            holder.user = users[R.HOLDER]
            holder.about_me = ("I like being outdoors and I want to get back to swimming. "
                               "Mornings are hard for me, so please call after 11.")
            holder.accessibility_needs = "Phone calls after 11am, please."
        holder.postcode_district = districts[n % len(districts)]
        holder.preferred_contact = ["email", "phone", "letter", "text"][n % 4]
        holder.mental_health = True  # the Stockport pilot was a mental-health pilot
        holder.date_of_birth = date(1947 + (n * 37) % 61, 1 + n % 12, 1 + n % 28)  # ages 18 to 79
        holder.named_contact = users[R.CARE_COORDINATOR]
        db.session.flush()
        # The demo holder who signs in gets a typical budget (£5,200, near the pilot's mean),
        # rather than the smallest one the curve gives to the first holder.
        _budget(holder, 520000 if n == 0 else budgets[index] * 100, n)
        holders.append(holder)
    return holders


def _budget(holder: Holder, approved_pence: int, n: int) -> BudgetPeriod:
    period = db.session.scalar(db.select(BudgetPeriod).filter_by(holder_id=holder.id, starts_on=PLAN_YEAR[0]))
    if period is None:
        period = BudgetPeriod(holder_id=holder.id, council_id=holder.council_id, starts_on=PLAN_YEAR[0], ends_on=PLAN_YEAR[1])
        db.session.add(period)
    period.approved_annual_budget_pence = approved_pence
    period.indicative_budget_pence = 550000 if n == 0 and holder.council.slug == DEMO_COUNCIL else int(math.ceil(approved_pence / 5000) * 5000)
    # Aldermoor: 51% direct payments (003:646-671); the rest managed accounts or council-managed (assumed split).
    period.deployment_option = "direct_payment" if n % 100 < 51 else ("managed_account" if n % 2 else "council_managed")
    return period


def _delegate(holder, delegate, kind, rights, recorded_by) -> None:
    existing = db.session.scalar(db.select(Delegation).filter_by(holder_id=holder.id, delegate_id=delegate.id, kind=kind, revoked_at=None))
    if existing is None:
        db.session.add(Delegation(holder=holder, delegate=delegate, kind=kind, rights=rights, starts_on=date(2026, 1, 5),
                                  consent_recorded_by=recorded_by, consent_note="Demo data"))
    else:
        existing.rights = rights


def _small_council(council, users) -> None:
    """Three holders in each of the other councils, so every tenant has someone in it."""
    districts = council.postcode_districts
    for n in range(3):
        reference = f"{council.slug[:3].upper()}-{n + 1:04d}"
        holder = db.session.scalar(db.select(Holder).filter_by(reference=reference))
        if holder is None:
            holder = Holder(council_id=council.id, reference=reference,
                            name=f"{FIRST_NAMES[(n + 7) % len(FIRST_NAMES)]} {LAST_NAMES[(n + 3) % len(LAST_NAMES)]}")
            db.session.add(holder)
        holder.postcode_district = districts[n % len(districts)]
        db.session.flush()
        _budget(holder, [2400, 5200, 9800][n] * 100, n)


# (own words, Care Act outcome codes, catalogue categories the outcome foresees, share of the budget)
DEMO_OUTCOMES = [
    ("Get out of the house twice a week and meet people", ["community", "relationships"],
     ["social-support", "leisure", "days-out", "personal-assistant", "community-activities", "arts", "sports", "transport"], 50),
    ("Keep my home clean and in order", ["habitable_home"], ["domestic-help", "gardening", "home-improvements"], 30),
    ("Get back into learning or work", ["work_learning"], ["education", "employment-support", "computing"], 20),
]


def _previous_year(holders, users) -> None:
    """Last year's budget and approved plan (version 1) for each demo-council holder but Sam, decided in
    March 2025; this year's plan is then version 2."""
    with clock.frozen(datetime(2025, 3, 17, 10, tzinfo=timezone.utc)):
        for n, holder in enumerate(holders[1:], start=1):
            current = db.session.scalar(db.select(BudgetPeriod).filter_by(holder_id=holder.id, starts_on=PLAN_YEAR[0]))
            last = db.session.scalar(db.select(BudgetPeriod).filter_by(holder_id=holder.id, starts_on=PREVIOUS_YEAR[0]))
            if last is None:
                last = BudgetPeriod(holder_id=holder.id, council_id=holder.council_id, starts_on=PREVIOUS_YEAR[0],
                                    ends_on=PREVIOUS_YEAR[1])
                db.session.add(last)
            last.approved_annual_budget_pence = current.approved_annual_budget_pence
            last.indicative_budget_pence = current.indicative_budget_pence
            last.deployment_option = current.deployment_option
            db.session.flush()
            _plan_for(holder, last, users[R.CARE_COORDINATOR], n, version=1, prefix="p")


def _plan_for(holder, budget, coordinator, n: int, *, version: int, prefix: str) -> None:
    """An approved plan for ``budget``, its outcomes sharing the approved amount (skipped if it has one)."""
    if db.session.scalar(db.select(SupportPlan.id).filter_by(budget_id=budget.id)) is not None:
        return
    plan = SupportPlan(holder_id=holder.id, budget_id=budget.id, council_id=holder.council_id, version=version,
                       about_me=holder.about_me, crisis_plan="Call my care coordinator; if out of hours, the crisis team.",
                       written_with=["self", "coordinator"] if n % 2 else ["broker"], created_by_id=coordinator.id,
                       decided_by_id=coordinator.id, submitted_at=clock.now(), decided_at=clock.now())
    total, given = budget.approved_annual_budget_pence, 0
    for position, (words, codes, categories, share) in enumerate(DEMO_OUTCOMES):
        amount = total - given if position == len(DEMO_OUTCOMES) - 1 else total * share // 100
        given += amount
        plan.outcomes.append(PlanOutcome(key=f"{prefix}{holder.id}-{position}", position=position, codes=codes,
                                         own_words=words, amount_pence=amount, categories=categories))
    db.session.add(plan)
    PLAN.start(plan, "draft", record=False)
    PLAN.move(plan, "submitted", actor=coordinator, version=version)
    PLAN.move(plan, "approved", actor=coordinator, version=version)


def _plans(holders, users) -> None:
    """An approved plan for every demo holder's budget this year, its outcomes sharing the approved budget
    (version 2 where last year's is version 1; the small councils' holders and Sam have no last year).

    Built directly (not through the decision service) so loading stays quick; the one
    demo holder who signs in gets a plan whose timeline was made through the services.
    """
    coordinator = users[R.CARE_COORDINATOR]
    for n, holder in enumerate(holders):
        budget = db.session.scalar(db.select(BudgetPeriod).filter_by(holder_id=holder.id, starts_on=PLAN_YEAR[0]))
        if n == 0:
            if db.session.scalar(db.select(SupportPlan.id).filter_by(holder_id=holder.id)) is None:
                _sam_plan(holder, budget, users)
            continue
        earlier = db.session.scalar(db.select(db.func.count(SupportPlan.id)).where(
            SupportPlan.holder_id == holder.id, SupportPlan.budget_id != budget.id))
        _plan_for(holder, budget, coordinator, n, version=earlier + 1, prefix="d")
    db.session.flush()


def _sam_plan(holder, budget, users) -> None:
    """The demo holder's plan goes through the real services, on dates in the spring."""
    db.session.commit()
    with clock.frozen(datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)) as frozen:
        plan = plans.new_version(users[R.BROKER], holder, budget)
        for words, codes, categories, amount in [
            ("Get out and about: swimming, the cinema, seeing friends", ["community", "relationships"],
             DEMO_OUTCOMES[0][2] + ["gym", "memberships"], 260000),
            ("Keep my flat and garden in order", ["habitable_home"], DEMO_OUTCOMES[1][2], 160000),
            ("Do a course, maybe creative writing", ["work_learning"], DEMO_OUTCOMES[2][2], 100000),
        ]:
            plans.add_outcome(users[R.BROKER], plan, own_words=words, codes=codes, amount_pence=amount, categories=categories)
        plans.update_plan(users[R.BROKER], plan, about_me=holder.about_me,
                          crisis_plan="If I stop answering the phone, ask Pat to visit. The crisis team number is on my fridge.",
                          contingency_plan="If my PA is off sick, Brightside Care can cover.",
                          risks=[{"risk": "I may stop going out when I am low", "management": "My PA checks in on Mondays"}],
                          written_with=["self", "broker"])
        frozen.advance(days=3)
        plans.submit(users[R.BROKER], plan)
        frozen.advance(days=9)
        plans.decide(users[R.CARE_COORDINATOR], plan, "approved")
