"""Factories for domain objects. Call inside an app context; each commits what it makes."""
from __future__ import annotations

import itertools
import secrets
from datetime import date

from marketplace.accounts import service as accounts
from marketplace.councils.service import reference_council_rules, upsert_councils
from marketplace.extensions import db
from marketplace.holders.models import Delegation, Holder
from marketplace.orders import basket, delivery, lifecycle, placing
from marketplace.providers.models import Organisation, OrganisationApproval

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def council(slug: str = "aldermoor"):
    """One of the five reference councils, by slug."""
    rules = [r for r in reference_council_rules() if r["slug"] == slug]
    assert rules, slug
    (made,) = upsert_councils(rules)
    db.session.commit()
    return made


def user(role: str | None = None, council=None, organisation=None, *, email: str | None = None,
         name: str | None = None, password: str | None = PASSWORD):
    n = next(_seq)
    made = accounts.create_user(email or f"user{n}@example.com", name or f"User {n}", password=password)
    if role:
        accounts.grant_role(made, role, council, organisation)
    db.session.commit()
    return made


def holder(council, *, user=None, name: str | None = None, **fields):
    n = next(_seq)
    made = Holder(council_id=council.id, user=user, name=name or (user.name if user else f"Holder {n}"),
                  reference=f"T-{n:05d}", **fields)
    db.session.add(made)
    if user is not None:
        accounts.grant_role(user, "budget_holder", council)
    db.session.commit()
    return made


def delegation(holder, delegate, rights, *, kind="representative", recorded_by=None,
               starts_on: date = date(2020, 1, 1), ends_on: date | None = None):
    made = Delegation(holder=holder, delegate=delegate, kind=kind, rights=list(rights), starts_on=starts_on,
                      ends_on=ends_on, consent_recorded_by=recorded_by or delegate)
    db.session.add(made)
    db.session.commit()
    return made


def organisation(*, name: str | None = None, kind: str = "provider", approved_in=(), pending_in=()):
    made = Organisation(name=name or f"Organisation {next(_seq)}", kind=kind)
    db.session.add(made)
    db.session.flush()
    for c in approved_in:
        db.session.add(OrganisationApproval(organisation=made, council_id=c.id, status="approved"))
    for c in pending_in:
        db.session.add(OrganisationApproval(organisation=made, council_id=c.id, status="pending"))
    db.session.commit()
    return made


# --- the catalogue ------------------------------------------------------------


def listing(organisation=None, *, title: str | None = None, category: str = "other", status: str = "published",
            areas=("SK4",), delivery_modes=("home",), price_pence: int | None = 2000, summary: str | None = None,
            council=None, commit: bool = True, scores=(), **fields):
    """A listing made through the ORM and committed (the commit writes it to the search index).

    ``organisation`` None with ``council`` set makes a council-owned community resource.
    Published listings get ``published_at`` and ``last_confirmed_at`` from the clock unless given.
    ``commit=False`` only flushes, so a whole catalogue can be indexed by one commit.
    ``scores``: buyers' scores (1 to 5) for its rating summary, written as ``ratings.service.recount``
    would from that many published reviews (tests/ratings make real reviews).
    """
    from catalogue.models import Listing
    from marketplace import clock

    n = next(_seq)
    fields.setdefault("kind", "community" if organisation is None else "service")
    fields.setdefault("price_unit", "hour")
    fields.setdefault("last_confirmed_at", clock.now())
    if status == "published":
        fields.setdefault("published_at", clock.now())
    if fields["kind"] == "community":
        fields.setdefault("how_to_join", "Just turn up.")
    made = Listing(organisation=organisation, council_id=getattr(council, "id", None), title=title or f"Listing {n}",
                   summary=summary if summary is not None else f"Summary of listing {n}.", category=category,
                   status=status, areas=list(areas), delivery_modes=list(delivery_modes), price_pence=price_pence,
                   **fields)
    db.session.add(made)
    if scores:
        from catalogue.models import RatingSummary

        made.rating = RatingSummary(count=len(scores), total=sum(scores),
                                    distribution=[list(scores).count(score) for score in range(1, 6)])
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return made


def agreed_price(listing, council, price_pence: int, *, note: str | None = None, commit: bool = True):
    """A council's agreed rate for a listing, committed (the listing is re-indexed)."""
    from marketplace.pricing.models import CouncilPrice

    made = CouncilPrice(listing=listing, council_id=council.id, price_pence=price_pence, note=note)
    db.session.add(made)
    if commit:
        db.session.commit()
    return made


def provider(council=None, *, name: str | None = None, kind: str = "provider", email: str | None = None,
             role: str = "provider_admin", user_email: str | None = None):
    """An organisation approved in ``council`` (if given) and a user who runs it, in one commit: (organisation, user)."""
    n = next(_seq)
    made = Organisation(name=name or f"Organisation {n}", kind=kind, email=email or f"org{n}@example.com")
    if council is not None:
        made.approvals = [OrganisationApproval(council_id=council.id, status="approved")]
    db.session.add(made)
    db.session.flush()
    person = accounts.create_user(user_email or f"user{n}@example.com", f"User {n}", password=PASSWORD)
    accounts.grant_role(person, role, organisation=made)
    db.session.commit()
    return made, person


def council_staff(council, *roles: str) -> dict:
    """One user per role in ``council``, emailed ``<role>@<slug>.example.com``, in one commit: role -> user."""
    made = {}
    for role in roles:
        person = accounts.create_user(f"{role}@{council.slug}.example.com", role.replace("_", " ").title(),
                                      password=PASSWORD)
        accounts.grant_role(person, role, council)
        made[role] = person
    db.session.commit()
    return made


def holder_account(council, *, name: str = "Sam Holder", **fields):
    """A budget holder who signs in themselves, in one commit: (user, holder)."""
    n = next(_seq)
    person = accounts.create_user(f"holder{n}@example.com", name, password=PASSWORD)
    made = Holder(council_id=council.id, user=person, name=name, reference=f"T-{n:05d}", **fields)
    db.session.add(made)
    accounts.grant_role(person, "budget_holder", council)
    db.session.commit()
    return person, made


# --- support plans (for the policy table) ---------------------------------------


def support_plan(holder, *, status: str = "submitted", version: int = 1, starts_on: date = date(2026, 4, 1)):
    """A support plan for ``holder`` on a new one-year budget period, committed."""
    from datetime import timedelta

    from marketplace.budgets.models import BudgetPeriod
    from marketplace.plans.models import SupportPlan

    budget = BudgetPeriod(holder_id=holder.id, council_id=holder.council_id, starts_on=starts_on,
                          ends_on=starts_on.replace(year=starts_on.year + 1) - timedelta(days=1))
    db.session.add(budget)
    db.session.flush()
    made = SupportPlan(holder_id=holder.id, budget_id=budget.id, council_id=holder.council_id, version=version, status=status)
    db.session.add(made)
    db.session.commit()
    return made


# --- budgets and plans that went through the services (tests/plans) ------------


def budget(holder, *, starts_on: date = date(2026, 4, 1), ends_on: date | None = None, approved_pence: int | None = None,
           contribution_pence: int = 0, schedule: str = "four_weekly", indicative_pence: int | None = None,
           deployment: str = "direct_payment", set_up_by=None):
    """A budget period for ``holder`` set up through the budgets service by council finance staff.

    ``ends_on`` defaults to a year after ``starts_on``, less a day. ``approved_pence`` records an approved
    annual budget directly (as the demo loader does); ``approved_plan`` sets it through a real decision.
    """
    from datetime import timedelta

    from marketplace.budgets import service as budgets

    set_up_by = set_up_by or user("finance_officer", holder.council)
    made = budgets.create_budget(set_up_by, holder, starts_on=starts_on,
                                 ends_on=ends_on or starts_on.replace(year=starts_on.year + 1) - timedelta(days=1),
                                 indicative_budget_pence=indicative_pence, contribution_pence=contribution_pence,
                                 deployment_option=deployment, funding_schedule=schedule)
    if approved_pence is not None:
        made.approved_annual_budget_pence = approved_pence
        db.session.commit()
    return made


DEFAULT_OUTCOMES = (("Get out of the house twice a week and meet people", ("community", "relationships"), 260000),)


def written_plan(holder, budget, outcomes=DEFAULT_OUTCOMES, *, by=None, crisis_plan: str = "Call my sister, then the crisis team.",
                 submit: bool = False):
    """A new plan version written through the plans service; sent for a decision if ``submit``.

    ``outcomes`` are (own words, Care Act outcome codes, pence set aside for the year). ``by`` writes it
    (default: a new care coordinator in the holder's council).
    """
    from marketplace.plans import service as plans

    by = by or user("care_coordinator", holder.council)
    made = plans.new_version(by, holder, budget)
    for words, codes, amount in outcomes:
        plans.add_outcome(by, made, own_words=words, codes=list(codes), amount_pence=amount)
    plans.update_plan(by, made, crisis_plan=crisis_plan)
    if submit:
        plans.submit(by, made)
    return made


def approved_plan(holder, budget, outcomes=DEFAULT_OUTCOMES, *, decided_by=None, written_by=None):
    """A plan written, sent and approved through the plans service, at whatever level the council's
    rules need: a coordinator, a team manager, or a team manager recording the panel's decision."""
    from marketplace.plans import service as plans

    made = written_plan(holder, budget, outcomes, by=written_by, submit=True)
    needs_panel = made.waiting_on == "panel"
    if decided_by is None:
        decided_by = user("care_coordinator" if made.waiting_on == "care_coordinator" else "team_manager", holder.council)
    plans.decide(decided_by, made, "approved", as_panel=needs_panel)
    return made


# --- orders and enquiries as bare rows (for the policy table) --------------------


def bare_order(holder, organisation, *, placed_by, status: str = "placed"):
    """An order row for ``holder`` with ``organisation`` on a new budget period, without lines, committed."""
    from marketplace.budgets.models import BudgetPeriod
    from marketplace.orders.models import Order

    period = BudgetPeriod(holder_id=holder.id, council_id=holder.council_id, starts_on=date(2026, 4, 1),
                          ends_on=date(2027, 3, 31))
    db.session.add(period)
    db.session.flush()
    made = Order(holder_id=holder.id, council_id=holder.council_id, budget_id=period.id, organisation_id=organisation.id,
                 placed_by_id=placed_by.id, status=status, submission_key=f"test-order-{next(_seq)}")
    db.session.add(made)
    db.session.commit()
    return made


def enquiry(listing, asked_by, *, question: str = "Do you work at weekends?", holder=None):
    """A question to ``listing``'s organisation, committed."""
    from marketplace.orders.models import Enquiry

    made = Enquiry(listing_id=listing.id, organisation_id=listing.organisation_id, asked_by_id=asked_by.id,
                   holder_id=getattr(holder, "id", None), question=question)
    db.session.add(made)
    db.session.commit()
    return made


# --- ordering (tests/orders) -------------------------------------------------------


def plan_for_ordering(holder, budget, outcomes, *, by=None, fund: bool = True, through_service: bool = True):
    """An approved plan whose outcomes foresee kinds of support, with each outcome's money in the ledger.

    ``outcomes`` are (own words, Care Act outcome codes, pence for the year, catalogue categories). The plan
    is written, sent and approved through the plans service (a coordinator's decision, or a team manager
    recording the panel's); with ``through_service=False`` the approved version is written straight to the
    database in one commit (no events or emails: for tests about what happens after approval). With ``fund``
    each outcome's yearly amount is received as funding: into its own pot where the council earmarks money,
    else into the one pot. Returns the plan.
    """
    from marketplace.plans import service as plans

    if not through_service:
        return _approved_plan_row(holder, budget, outcomes, by=by, fund=fund)
    by = by or user("care_coordinator", holder.council)
    made = plans.new_version(by, holder, budget)
    for words, codes, amount, categories in outcomes:
        plans.add_outcome(by, made, own_words=words, codes=list(codes), amount_pence=amount, categories=list(categories))
    plans.update_plan(by, made, crisis_plan="Call my sister, then the crisis team.")
    plans.submit(by, made)
    if made.waiting_on == "care_coordinator":
        plans.decide(by, made, "approved")
    else:
        plans.decide(user("team_manager", holder.council), made, "approved", as_panel=made.waiting_on == "panel")
    if fund:
        for outcome in made.outcomes:
            fund_budget(budget, outcome.amount_pence, outcome_key=outcome.key)
    return made


def _approved_plan_row(holder, budget, outcomes, *, by=None, fund: bool = True):
    """plan_for_ordering's quick path: version 1, approved, funded, in one transaction."""
    import secrets

    from marketplace import clock
    from marketplace.budgets import ledger
    from marketplace.plans.models import PlanOutcome, SupportPlan

    made = SupportPlan(holder_id=holder.id, budget_id=budget.id, council_id=holder.council_id, version=1, status="approved",
                       crisis_plan="Call my sister, then the crisis team.", created_by_id=getattr(by, "id", None),
                       decided_by_id=getattr(by, "id", None), submitted_at=clock.now(), decided_at=clock.now())
    for position, (words, codes, amount, categories) in enumerate(outcomes):
        made.outcomes.append(PlanOutcome(key=secrets.token_hex(6), position=position, codes=list(codes), own_words=words,
                                         amount_pence=amount, categories=list(categories)))
    db.session.add(made)
    budget.approved_annual_budget_pence = made.total_pence
    db.session.flush()
    if fund:
        for outcome in made.outcomes:
            pot = outcome.key if budget.council.money_is_earmarked else None
            ledger.receive(budget, "funding", outcome.amount_pence, pot=pot, memo="Funding for the tests")
    db.session.commit()
    return made


def fund_budget(budget, amount_pence: int, *, outcome_key: str | None = None):
    """Funding received into the budget, for one outcome's pot (where money is earmarked) or the one pot."""
    from marketplace.budgets import ledger

    pot = outcome_key if budget.council.money_is_earmarked else None
    entry = ledger.receive(budget, "funding", amount_pence, pot=pot, memo="Funding for the tests")
    db.session.commit()
    return entry


def orderable(organisation, *, title: str, price_pence: int, category: str, price_unit: str = "session",
              notice_hours: int = 24, cancellation_charge_percent: int = 100, **fields):
    """A published listing a holder can order (the organisation must be approved in the holder's council)."""
    return listing(organisation, title=title, price_pence=price_pence, category=category, price_unit=price_unit,
                   notice_hours=notice_hours, cancellation_charge_percent=cancellation_charge_percent, **fields)


def bare_invoice(order, *, payer_kind: str = "council", total_pence: int = 5000, number: int | None = None):
    """An issued invoice row for ``order`` (no lines), committed."""
    from marketplace.billing.models import Invoice

    made = Invoice(organisation_id=order.organisation_id, number=number or next(_seq), order_id=order.id,
                   holder_id=order.holder_id, council_id=order.council_id, budget_id=order.budget_id,
                   payer_kind=payer_kind, period_start=date(2026, 5, 1), period_end=date(2026, 5, 31),
                   issued_on=date(2026, 6, 1), due_on=date(2026, 6, 15), total_pence=total_pence, status="issued")
    db.session.add(made)
    db.session.commit()
    return made


# --- billing (tests/billing) ---------------------------------------------------------


def accepted_order(buyer, holder, listing, outcome_key: str | None, provider_user, *, quantity=1, schedule: dict | None = None):
    """``listing`` ordered for ``holder`` by ``buyer`` through the ordering service and accepted by ``provider_user``.

    The order must go straight to the provider (support the plan foresees, within the council's weekly limit).
    """
    basket.add_to_basket(buyer, holder, listing, quantity, outcome_key, schedule)
    (made,) = placing.place(buyer, holder, secrets.token_hex(16))
    assert made.status == "placed", made.approval_reasons
    return lifecycle.accept(provider_user, made)


def delivered(occurrence, provider_user, buyer=None):
    """The provider records ``occurrence`` as delivered; with ``buyer`` the buyer confirms it too
    (a provider that invoices per delivery raises its invoice at that moment)."""
    delivery.record_delivery(provider_user, occurrence)
    if buyer is not None:
        delivery.confirm(buyer, occurrence)
    return occurrence


def confirmed_order(buyer, holder, listing, outcome_key: str | None, provider_user, *, quantity=1):
    """A one-off order placed, accepted, delivered today and confirmed by ``buyer``: returns the order."""
    made = accepted_order(buyer, holder, listing, outcome_key, provider_user, quantity=quantity)
    for occurrence in [o for line in made.lines for o in line.occurrences]:
        delivered(occurrence, provider_user, buyer)
    return made
