"""The plain-English summary a holder sees of their money: what is left, promised and spent,
per plan outcome, and the next payment."""
from __future__ import annotations

from dataclasses import dataclass

from ..budgets import ledger
from ..budgets.models import BudgetPeriod
from ..budgets.service import Payment, next_payment
from .service import approved_plan


@dataclass
class OutcomeMoney:
    key: str | None
    words: str
    set_aside: int
    left: int
    promised: int
    spent: int


@dataclass
class MoneySummary:
    left: int
    promised: int
    spent: int
    received: int
    outcomes: list[OutcomeMoney]
    next_payment: Payment | None
    earmarked: bool


def money_summary(budget: BudgetPeriod) -> MoneySummary:
    balances = ledger.balances(budget.id)
    plan = approved_plan(budget)
    outcomes = []
    if plan is not None:
        for outcome in plan.outcomes:
            pot = balances.pot(outcome.key) if budget.council.money_is_earmarked else None
            outcomes.append(OutcomeMoney(outcome.key, outcome.own_words, outcome.amount_pence,
                                         pot.available if pot else 0, pot.committed if pot else 0, pot.spent if pot else 0))
    return MoneySummary(balances.total.available, balances.total.committed, balances.total.spent, balances.total.funded,
                        outcomes, next_payment(budget), budget.council.money_is_earmarked)
