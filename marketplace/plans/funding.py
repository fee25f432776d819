"""Funding a budget by its approved plan: each payment due is posted to the ledger, shared
between the plan's outcomes where the council earmarks money. ``flask budgets fund`` runs it."""
from __future__ import annotations

from datetime import date

from ..budgets import ledger
from ..budgets.models import BudgetPeriod, LedgerEntry
from ..budgets.service import schedule
from ..extensions import db
from .models import SupportPlan
from .service import approved_plan


def _pot_shares(budget: BudgetPeriod, amount: int, plan) -> list[tuple[str | None, int]]:
    """How a payment is earmarked: pro rata to the approved plan's outcomes (the rest unallocated),
    or all to the one pot where plan money is a global sum."""
    if plan is None or not budget.council.money_is_earmarked or not plan.outcomes:
        return [(None, amount)] if amount > 0 else []  # nothing to post (e.g. no contribution)
    base = max(budget.approved_annual_budget_pence or 0, plan.total_pence)
    shares, given = [], 0
    for outcome in plan.outcomes:
        share = amount * outcome.amount_pence // base if base else 0
        shares.append((outcome.key, share))
        given += share
    if amount - given:
        if plan.total_pence >= base:
            key, share = shares[-1]
            shares[-1] = (key, share + amount - given)
        else:
            shares.append((None, amount - given))
    return [(k, s) for k, s in shares if s > 0]


def fund_until(until: date, actor=None) -> int:
    """Post every payment due on or before ``until`` for budgets with an approved plan.

    Safe to run twice: each payment carries an idempotency key (budget, date, pot, kind),
    so a payment already posted is skipped. A payment counts as posted once any of its pots is,
    so a plan version approved in between (new outcomes, new pots) cannot post it again.
    Returns the number of entries posted.
    """
    budget_ids = db.session.scalars(db.select(SupportPlan.budget_id).filter_by(status="approved").distinct()).all()
    posted = 0
    for n, budget_id in enumerate(sorted(budget_ids)):
        budget = db.session.get(BudgetPeriod, budget_id)
        due = [p for p in schedule(budget) if p.due_on <= until]
        if not due:
            continue
        plan = approved_plan(budget)
        # Under the budget's lock, so two runs cannot both decide a payment is still to be posted.
        ledger.lock_budget(budget)
        done = {key.rsplit(":", 1)[0] for key in db.session.scalars(db.select(LedgerEntry.idempotency_key).where(
            LedgerEntry.budget_id == budget.id, LedgerEntry.kind.in_(("funding", "contribution")))) if key}
        items = []
        for payment in due:
            for kind, amount in (("funding", payment.council_pence), ("contribution", payment.contribution_pence)):
                payment_key = f"{kind}:{budget.id}:{payment.due_on.isoformat()}"
                if payment_key in done:
                    continue
                for pot, share in _pot_shares(budget, amount, plan):
                    items.append({"kind": kind, "amount": share, "pot": pot, "effective_on": payment.due_on,
                                  "idempotency_key": f"{payment_key}:{pot or '-'}",
                                  "memo": f"Payment for the period from {payment.due_on:%d %B %Y}"})
        posted += len(ledger.receive_many(budget, items, actor=actor))
        if n % 25 == 24:  # commit in batches: short enough locks, few enough disk syncs
            db.session.commit()
    db.session.commit()
    return posted
