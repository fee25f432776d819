"""Budget rules: setting up a plan period, its payment schedule, switching deployment, and
review dates. Funding by the approved plan and the holder's money summary need the plan, so
they live in ``marketplace.plans`` (funding.py, money.py), above this package."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .. import clock
from ..errors import DomainError, NotAllowed
from ..events import service as events
from ..extensions import db
from ..policy import can
from .models import DEPLOYMENT_OPTIONS, FUNDING_SCHEDULES, BudgetPeriod, DeploymentChange


def create_budget(actor, holder, *, starts_on: date, ends_on: date, indicative_budget_pence: int | None,
                  contribution_pence: int = 0, deployment_option: str = "direct_payment",
                  funding_schedule: str | None = None, budget_manager_name: str | None = None) -> BudgetPeriod:
    """Council staff open a plan period for a holder."""
    if not can(actor, "holder.manage_budget", holder):
        raise NotAllowed("You cannot set up budgets for this person.")
    if ends_on <= starts_on:
        raise DomainError("The plan must end after it starts.")
    if deployment_option not in DEPLOYMENT_OPTIONS:
        raise DomainError("Choose who will hold the money.")
    schedule = funding_schedule or holder.council.payment_cycle
    if schedule not in FUNDING_SCHEDULES:
        raise DomainError("Choose how often money is paid in.")
    if contribution_pence < 0:
        raise DomainError("The contribution cannot be negative.")
    budget = BudgetPeriod(holder_id=holder.id, council_id=holder.council_id, starts_on=starts_on, ends_on=ends_on,
                          indicative_budget_pence=indicative_budget_pence, contribution_pence=contribution_pence,
                          deployment_option=deployment_option, funding_schedule=schedule,
                          budget_manager_name=budget_manager_name)
    db.session.add(budget)
    db.session.flush()
    events.record("budget.created", actor=actor, holder=holder, obj=budget)
    db.session.commit()
    return budget


def current_budget(holder, on: date | None = None) -> BudgetPeriod | None:
    """The budget in force on ``on`` (else the latest); of two starting the same day, the first made
    (PostgreSQL returns ties in any order)."""
    on = on or clock.today()
    return db.session.scalar(db.select(BudgetPeriod).where(
        BudgetPeriod.holder_id == holder.id, BudgetPeriod.starts_on <= on, BudgetPeriod.ends_on >= on)
        .order_by(BudgetPeriod.starts_on.desc(), BudgetPeriod.id)) or db.session.scalar(
        db.select(BudgetPeriod).filter_by(holder_id=holder.id).order_by(BudgetPeriod.starts_on.desc(), BudgetPeriod.id))


# --- funding ---------------------------------------------------------------------

@dataclass(frozen=True)
class Payment:
    due_on: date
    council_pence: int  # paid by the council
    contribution_pence: int  # paid by the holder


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def payment_dates(budget: BudgetPeriod) -> list[date]:
    if budget.funding_schedule == "one_off":
        return [budget.starts_on]
    # A payment is due at the start of each whole cycle that fits in the plan period (13 four-weekly
    # payments or 12 monthly ones in a year); the whole budget is shared among them.
    dates, n = [], 0
    while True:
        if budget.funding_schedule == "four_weekly":
            due, next_due = budget.starts_on + timedelta(weeks=4 * n), budget.starts_on + timedelta(weeks=4 * (n + 1))
        else:
            due, next_due = _add_months(budget.starts_on, n), _add_months(budget.starts_on, n + 1)
        if due > budget.ends_on or (dates and next_due > budget.ends_on + timedelta(days=1)):
            return dates
        dates.append(due)
        n += 1


def _split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` whole-pence payments; the pennies left over go on the last."""
    if parts <= 0:
        return []
    each = total // parts
    return [each] * (parts - 1) + [total - each * (parts - 1)]


def schedule(budget: BudgetPeriod) -> list[Payment]:
    """Every payment due in the plan period: the approved budget less the holder's contribution,
    paid by the council; the contribution paid by the holder, on the same dates."""
    approved = budget.approved_annual_budget_pence or 0
    contribution = min(budget.contribution_pence or 0, approved)
    dates = payment_dates(budget)
    return [Payment(d, c, h) for d, c, h in zip(dates, _split(approved - contribution, len(dates)),
                                                 _split(contribution, len(dates)))]


def next_payment(budget: BudgetPeriod, after: date | None = None) -> Payment | None:
    after = after or clock.today()
    return next((p for p in schedule(budget) if p.due_on > after), None)


# --- deployment ------------------------------------------------------------------

def switch_deployment(actor, budget: BudgetPeriod, to_option: str, effective_on: date, reason: str | None = None,
                      budget_manager_name: str | None = None, isf_provider=None) -> DeploymentChange:
    """Change who holds the money from a date, without a new assessment. The ledger is untouched,
    so the balance carries over to the new arrangement.

    An individual service fund is held by a provider for the person: switching to one names that
    provider (approved by the holder's council) and is arranged by the council's staff, never by the
    holder alone, so no invoice is ever "paid" from a fund that nobody holds. Raises NotAllowed or DomainError.
    """
    if not can(actor, "holder.manage_budget_option", budget.holder):
        raise NotAllowed("You cannot change how this budget is held.")
    if to_option not in DEPLOYMENT_OPTIONS:
        raise DomainError("Choose who will hold the money.")
    if to_option == budget.deployment_option:
        raise DomainError("The budget is already held that way.")
    if not (budget.starts_on <= effective_on <= budget.ends_on):
        raise DomainError("The change must start within the plan period.")
    if to_option == "individual_service_fund":
        if not can(actor, "budget.arrange_service_fund", budget.holder):
            raise NotAllowed("An individual service fund is arranged by the council with the provider who will hold it. "
                             "Ask your care coordinator.")
        if isf_provider is None or not isf_provider.is_approved_in(budget.council_id):
            raise DomainError("Choose the provider who will hold the fund, from those the council approves.")
        budget.isf_provider_id = isf_provider.id
    change = DeploymentChange(budget=budget, from_option=budget.deployment_option, to_option=to_option,
                              effective_on=effective_on, reason=(reason or "").strip() or None, recorded_by_id=actor.id)
    db.session.add(change)
    budget.deployment_option = to_option
    if budget_manager_name:
        budget.budget_manager_name = budget_manager_name
    events.record("budget.deployment_switched", actor=actor, holder=budget.holder, obj=budget,
                  from_option=change.from_option, to_option=to_option, effective_on=effective_on.isoformat(),
                  isf_provider=budget.isf_provider_id if to_option == "individual_service_fund" else None)
    db.session.commit()
    return change


# --- reviews -----------------------------------------------------------------------

def review_dates(budget: BudgetPeriod) -> list[date]:
    """Review dates from the council's schedule: a first review after some weeks, then every N months."""
    rules = budget.council.review_schedule or {}
    dates = []
    if rules.get("first_review_weeks"):
        dates.append(budget.starts_on + timedelta(weeks=rules["first_review_weeks"]))
    every = rules.get("then_every_months") or 12
    n = 1
    while True:
        due = _add_months(budget.starts_on, every * n)
        if due > budget.ends_on + timedelta(days=1):
            break
        dates.append(due)
        n += 1
    return sorted(set(dates))
