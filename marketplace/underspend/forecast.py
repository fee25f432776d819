"""The figures every underspend rule reads: the money held now, what the plan expected by now, a week of
payments, and a forecast of the money held on any later day of the plan period.

The forecast, in words: the money held now, plus the payments still to come by that day, less what
the person would spend by then at the rate they have spent so far. Orders already placed (promised
money, the ledger's commitments) are already out of the money held, so the spending at that rate is
taken to pay for them first: only spending beyond what is already promised lowers the forecast.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..budgets import ledger
from ..budgets.models import BudgetPeriod
from ..budgets.service import schedule

# How many weeks one payment covers, by funding schedule (a month is 52/12 weeks).
_CYCLE_WEEKS = {"four_weekly": (4, 1), "monthly": (52, 12)}


def _divide(numerator: int, denominator: int) -> int:
    """Whole pence, rounded half up."""
    return (numerator + denominator // 2) // denominator if denominator else 0


@dataclass(frozen=True)
class Facts:
    budget: BudgetPeriod
    on: date
    held: int  # left to spend now: the ledger's available money
    committed: int  # promised to providers (orders already placed)
    spent: int  # paid out, less credits
    funded: int  # received so far (funding and the holder's contribution)
    payments: tuple  # (due_on, pence) of every payment in the plan period, council and contribution together
    yearly: int  # the approved budget for the period

    @property
    def period_days(self) -> int:
        return (self.budget.ends_on - self.budget.starts_on).days + 1

    def days_through(self, day: date) -> int:
        """Days of the plan period up to and including ``day``."""
        return max(0, min(self.period_days, (day - self.budget.starts_on).days + 1))

    @property
    def weekly_payment(self) -> int:
        """One week of payments: a four-weekly payment over 4, a monthly one over 52/12 weeks, a one-off
        payment spread over the weeks of the plan period."""
        total = sum(pence for _day, pence in self.payments)
        if self.budget.funding_schedule in _CYCLE_WEEKS:
            weeks, per = _CYCLE_WEEKS[self.budget.funding_schedule]
            return _divide(total * per, weeks * len(self.payments)) if self.payments else 0
        return _divide(total * 7, self.period_days)

    def weeks_of_payments(self, weeks: int) -> int:
        return weeks * self.weekly_payment

    def scheduled_by(self, day: date) -> int:
        return sum(pence for due, pence in self.payments if due <= day)

    @property
    def expected(self) -> int:
        """What the plan expected to be left by now: the payments due so far, less an even share of the
        year's budget for each day gone."""
        return max(0, self.scheduled_by(self.on) - _divide(self.yearly * self.days_through(self.on), self.period_days))

    @property
    def daily_rate_days(self) -> int:
        return max(1, self.days_through(self.on))

    def held_on(self, day: date) -> int:
        """The forecast of the money held on ``day`` (on or after today)."""
        if day <= self.on:
            return self.held
        to_come = max(0, self.scheduled_by(day) - self.funded)  # payments not yet received, late ones included
        days = min(day, self.budget.ends_on).toordinal() - self.on.toordinal()
        spending = self.spent * max(0, days) // self.daily_rate_days
        return self.held + to_come - max(0, spending - self.committed)

    @property
    def forecast_end(self) -> int:
        return self.held_on(self.budget.ends_on)

    def payment_dates_after(self, day: date) -> list[date]:
        return [due for due, _pence in self.payments if day < due <= self.budget.ends_on]

    def next_payment(self) -> tuple[date, int] | None:
        return next(((due, pence) for due, pence in self.payments if due > self.on), None)


def facts(budget: BudgetPeriod, on: date, balances: "ledger.Balances | None" = None) -> Facts:
    """What the position is worked out from; ``balances`` when the caller read many budgets' at once."""
    total = (balances or ledger.balances(budget.id)).total
    payments = tuple((p.due_on, p.council_pence + p.contribution_pence) for p in schedule(budget))
    return Facts(budget=budget, on=on, held=total.available, committed=total.committed, spent=total.spent,
                 funded=total.funded, payments=payments, yearly=budget.approved_annual_budget_pence or 0)
