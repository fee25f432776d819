"""The plain-English summary a holder sees of their money: what is left, promised and spent,
per plan outcome, and the next payment; and a label for every line of the ledger that says what it is."""
from __future__ import annotations

from dataclasses import dataclass

from ..budgets import ledger
from ..budgets.models import BudgetPeriod, LedgerEntry
from ..budgets.service import Payment, next_payment
from ..extensions import db
from .models import PlanOutcome, SupportPlan
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
    """The figures add up, and the page shows that they do:

    budget for the year = received so far + still to come this year;
    received so far + corrections - spent - promised to providers = left to spend now.
    """

    left: int
    promised: int
    spent: int
    received: int
    outcomes: list[OutcomeMoney]
    next_payment: Payment | None
    earmarked: bool
    budget_for_year: int = 0
    still_to_come: int = 0
    corrections: int = 0  # corrections either way, less money returned to the council

    @property
    def next_payment_pence(self) -> int:
        return self.next_payment.council_pence + self.next_payment.contribution_pence if self.next_payment else 0


def money_summary(budget: BudgetPeriod) -> MoneySummary:
    balances = ledger.balances(budget.id)
    plan = approved_plan(budget)
    outcomes = []
    if plan is not None:
        for outcome in plan.outcomes:
            pot = balances.pot(outcome.key) if budget.council.money_is_earmarked else None
            outcomes.append(OutcomeMoney(outcome.key, outcome.own_words, outcome.amount_pence,
                                         pot.available if pot else 0, pot.committed if pot else 0, pot.spent if pot else 0))
    total = balances.total
    year = budget.approved_annual_budget_pence or 0
    return MoneySummary(total.available, total.committed, total.spent, total.funded, outcomes, next_payment(budget),
                        budget.council.money_is_earmarked, budget_for_year=year, still_to_come=max(0, year - total.funded),
                        corrections=total.available + total.committed + total.spent - total.funded)


# --- what each line of the ledger is ---------------------------------------------------

def outcome_words(budget: BudgetPeriod) -> dict[str, str]:
    """Each outcome's words by its key, from every version of the plan for this budget (the newest wins:
    keys carry over between versions, so a pot keeps its name)."""
    rows = db.session.execute(db.select(PlanOutcome.key, PlanOutcome.own_words).join(SupportPlan)
                              .where(SupportPlan.budget_id == budget.id).order_by(SupportPlan.version)).all()
    return {key: words for key, words in rows}


def entry_label(entry: LedgerEntry, words: dict[str, str], earmarked: bool) -> str:
    """A ledger line in words: money in says who paid it and which outcome it is set aside for;
    every other line says which outcome it served."""
    key = entry.pot if earmarked else entry.outcome_key
    outcome = words.get(key) if key else None
    if entry.kind in ("funding", "contribution"):
        who = "Council funding" if entry.kind == "funding" else "Your own contribution"
        if not earmarked:
            return f"{who}, for anything in your plan"
        return f"{who}, set aside for “{outcome}”" if outcome else f"{who}, not yet set aside for an outcome"
    return f"{entry.label}, for “{outcome}”" if outcome else entry.label


@dataclass
class StatementLine:
    entry: LedgerEntry
    label: str


def statement_lines(budget: BudgetPeriod) -> list[StatementLine]:
    """Every ledger entry of the budget, oldest first, each with its label."""
    words = outcome_words(budget)
    earmarked = budget.council.money_is_earmarked
    return [StatementLine(entry, entry_label(entry, words, earmarked)) for entry in ledger.entries_for(budget.id)]
