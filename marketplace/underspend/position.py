"""A holder's underspend position under their council's rule: what is held, what the plan expected,
what the rule allows, a forecast to the end of the plan period, the date the rule would bite, and
one plain sentence saying what it means. The monthly statement prints ``position(...).sentence``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import clock
from ..budgets.models import BudgetPeriod
from ..money import format_pence
from .forecast import Facts, facts
from .rules import Rule, rule_for


def _pounds(pence: int) -> str:
    return format_pence(pence, whole_pounds=True)


@dataclass(frozen=True)
class Position:
    held_pence: int  # left to spend now, from the ledger
    expected_pence: int  # what the plan expected to be left by now
    threshold_pence: int | None  # what the rule allows (None: the council has no figure)
    excess_pence: int  # held above the threshold now
    bites_on: date | None  # the first day the rule would bite, on the forecast (None: it would not)
    forecast_end_pence: int  # the money held at the end of the plan period, on the forecast
    forecast_excess_pence: int  # how far above the threshold the forecast is on ``bites_on``
    rule_text: str
    rule_kind: str
    on: date
    weekly_payment_pence: int
    rule: Rule
    facts: Facts

    @property
    def difference_pence(self) -> int:
        return self.held_pence - self.expected_pence

    @property
    def warn_weeks_ahead(self) -> int:
        return self.rule.warn_weeks_ahead

    @property
    def bites_now(self) -> bool:
        return self.bites_on is not None and self.bites_on <= self.on

    @property
    def sentence(self) -> str:
        """One plain sentence (two at most) on the position and what it means."""
        difference = self.difference_pence
        if difference > 0:
            first = f"You have {_pounds(difference)} more than your plan expected by now."
        elif difference < 0:
            first = f"You have {_pounds(-difference)} less than your plan expected by now."
        else:
            first = "You have what your plan expected by now."
        rule = self.rule_text
        if self.threshold_pence is None:
            return f"{first} {rule}, so nothing needs to happen now."
        if self.bites_now:
            return (f"{first} {rule}: you hold {_pounds(self.excess_pence)} more than that, so the council may ask for it back. "
                    f"A person at the council decides, and you will be told first.")
        if self.bites_on is not None:
            return (f"{first} {rule}. If you keep spending as you are, you will hold about "
                    f"{_pounds(self.forecast_excess_pence)} more than that on {self.bites_on:%-d %B %Y}: you could spend it "
                    f"on the support in your plan, ask for a review of your plan, or agree a contingency with your contact.")
        return f"{first} {rule}, so nothing needs to happen."


def position(budget: BudgetPeriod, on: date | None = None, balances=None) -> Position:
    """The position of ``budget`` on ``on`` (today, in Europe/London, by default); ``balances`` from
    ``ledger.balances_of`` when measuring many budgets."""
    on = on or clock.today()
    known = facts(budget, on, balances)
    rule = rule_for(budget.council)
    threshold = rule.threshold(known)
    bites_on, forecast_excess = None, 0
    if threshold is not None:
        for day in rule.check_dates(known):
            if known.on <= day <= budget.ends_on and known.held_on(day) > threshold:
                bites_on, forecast_excess = day, known.held_on(day) - threshold
                break
    return Position(
        held_pence=known.held, expected_pence=known.expected, threshold_pence=threshold,
        excess_pence=max(0, known.held - threshold) if threshold is not None else 0, bites_on=bites_on,
        forecast_end_pence=known.forecast_end, forecast_excess_pence=forecast_excess, rule_text=rule.words(known),
        rule_kind=rule.kind, on=on, weekly_payment_pence=known.weekly_payment, rule=rule, facts=known)


def position_for_page(budget: BudgetPeriod | None) -> Position | None:
    """For the money page: the position today, when there is an approved budget to measure against."""
    if budget is None or not budget.approved_annual_budget_pence:
        return None
    return position(budget)
