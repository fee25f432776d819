"""The estimate itself: a pure function of one council's rules and what the person told us, in
integer pence, returning the figures and every assumption used, in plain English.

Decisions (nobody was there to ask):
- The budget is points x the council's pounds per point a year, shown as the council's band either
  side, rounded to whole pounds (a range, because an assessment may find more or less).
- The contribution follows the English charging rules: savings over the upper limit mean paying
  the full cost (the national rule, whatever the council's share, because a share applies to a
  means-tested person); between the limits, £1 a week for every £250 or part of £250 over the lower
  limit counts as income; what is left over the Minimum Income Guarantee and disability-related
  costs is the most anyone can be asked for; the council takes its share of that; a council such
  as Coldwater then caps it at a share of the plan's cost; and it never exceeds the budget.
- Caps use the middle of the budget range (said in the assumptions), so one figure is shown.
- Nothing here stores or logs anything: it is arithmetic.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..money import format_pence
from .rules import CouncilRules

WEEKS_A_YEAR = 52


@dataclass(frozen=True)
class Money:
    """What someone told us about their money; None where they left a question blank."""

    age_band: str | None
    income_week_pence: int | None
    savings_pence: int | None
    dre_week_pence: int | None


@dataclass(frozen=True)
class Estimate:
    points: int | None = None
    budget_year_pence: int | None = None  # the middle of the range, exact
    budget_week_pence: int | None = None
    year_low_pence: int | None = None  # the range, in whole pounds
    year_high_pence: int | None = None
    week_low_pence: int | None = None
    week_high_pence: int | None = None
    tariff_week_pence: int | None = None
    available_week_pence: int | None = None  # the most the means test allows
    contribution_week_pence: int | None = None
    pays_full_cost: bool = False
    limited_by: str | None = None  # "plan_cost_share" or "budget" when a cap lowered the contribution
    assumptions: tuple[str, ...] = ()

    @property
    def has_budget(self) -> bool:
        return self.budget_year_pence is not None

    @property
    def has_contribution(self) -> bool:
        return self.contribution_week_pence is not None or self.pays_full_cost


def divide(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in integers (both are never negative here)."""
    return (2 * numerator + denominator) // (2 * denominator)


def whole_pounds(pence: int) -> int:
    return divide(pence, 100) * 100


def tariff_week_pence(savings_pence: int, charging) -> int:
    """£1 a week for every £250, or part of £250, over the lower limit (nothing at or below it)."""
    over = savings_pence - charging.capital_lower_pence
    if over <= 0:
        return 0
    steps = -(-over // charging.tariff_step_pence)  # ceiling: a part of £250 counts as a whole one
    return steps * charging.tariff_per_step_pence


def _pounds(pence: int) -> str:
    return format_pence(pence, whole_pounds=True)


def _budget(rules: CouncilRules, answers: Mapping[str, int], name: str, notes: list[str]) -> dict:
    points = sum(rules.points[key][level] for key, level in answers.items())
    year = points * rules.pence_per_point_per_year
    low, high = 100 - rules.range_percent, 100 + rules.range_percent
    notes += [f"Your answers add up to {points} points. {name} gives {_pounds(rules.pence_per_point_per_year)} a year for each point, "
              f"so {_pounds(year)} a year.",
              f"We show {rules.range_percent}% either side of that, because your assessment may find you need more or less.",
              f"A week is a year divided by {WEEKS_A_YEAR}. We rounded the range to whole pounds."]
    return {"points": points, "budget_year_pence": year, "budget_week_pence": divide(year, WEEKS_A_YEAR),
            "year_low_pence": whole_pounds(divide(year * low, 100)), "year_high_pence": whole_pounds(divide(year * high, 100)),
            "week_low_pence": whole_pounds(divide(year * low, 100 * WEEKS_A_YEAR)),
            "week_high_pence": whole_pounds(divide(year * high, 100 * WEEKS_A_YEAR))}


def _national(charging, key: str, name: str) -> str:
    return "" if key in charging.council_sets else f" {name} has not published its own figure, so we used the usual one."


def _contribution(rules: CouncilRules, money: Money, budget_week: int | None, name: str, age_label: str | None, notes: list[str]) -> dict:
    c = rules.charging
    savings = money.savings_pence
    notes.append(f"We used the national charging rules ({c.source}, from {c.published:%-d %B %Y}).")
    if savings is None:
        savings = 0
        notes.append("You did not tell us your savings, so we counted none.")
    notes.append("We counted only your own income and savings, not a partner's, and not the home you live in.")
    if savings > c.capital_upper_pence:
        notes.append(f"With savings over {_pounds(c.capital_upper_pence)}, people pay the full cost of their support "
                     "until their savings fall below that.")
        return {"pays_full_cost": True, "contribution_week_pence": budget_week}
    tariff = tariff_week_pence(savings, c)
    notes.append(f"Savings up to {_pounds(c.capital_lower_pence)} are not counted. Between {_pounds(c.capital_lower_pence)} and "
                 f"{_pounds(c.capital_upper_pence)}, every {_pounds(c.tariff_step_pence)} (or part of it) counts as "
                 f"{_pounds(c.tariff_per_step_pence)} a week of income.")
    mig = c.mig_weekly_pence[money.age_band]
    notes.append(f"You keep at least {format_pence(mig)} a week to live on: the Minimum Income Guarantee for a single person "
                 f"in your age group ({age_label or money.age_band}), without the extra amounts for disability premiums. "
                 "If you get those, you may pay less.")
    if money.dre_week_pence is None:
        dre = c.dre_allowance_weekly_pence
        notes.append(f"You did not tell us your extra costs because of disability or illness, so we took off "
                     f"{format_pence(dre)} a week, the sum used when none are given." + _national(c, "dre_allowance_weekly_pence", name))
    else:
        dre = money.dre_week_pence
        notes.append(f"We took off the {format_pence(dre)} a week you told us you spend because of disability or illness.")
    available = max(0, money.income_week_pence + tariff - mig - dre)
    charge = divide(available * c.income_share_percent, 100)
    share = "all" if c.income_share_percent == 100 else f"{c.income_share_percent}%"
    notes.append(f"{name} asks for {share} of what is left." if "income_share_percent" in c.council_sets
                 else f"Like most councils, {name} can ask for {share} of what is left.")
    result = {"tariff_week_pence": tariff, "available_week_pence": available, "contribution_week_pence": charge}
    if budget_week is None:
        notes.append("You did not answer the questions about daily life, so this is the most you would pay. "
                     "You would never pay more than your support costs.")
        return result
    notes.append("We worked out the contribution from the middle of the budget range.")
    if c.plan_cost_share_percent is not None:
        cap = divide(budget_week * c.plan_cost_share_percent, 100)
        notes.append(f"{name} asks for no more than {c.plan_cost_share_percent}% of the cost of your support plan.")
        if cap < charge:
            result.update(contribution_week_pence=cap, limited_by="plan_cost_share")
    if budget_week < result["contribution_week_pence"]:
        result.update(contribution_week_pence=budget_week, limited_by="budget")
    notes.append("You never pay more than your support costs.")
    return result


def estimate(rules: CouncilRules, name: str, *, answers: Mapping[str, int] | None = None, money: Money | None = None,
             age_label: str | None = None) -> Estimate:
    """The estimate for one council (``name`` as people say it, e.g. "Coldwater").

    ``answers`` maps every question key to the chosen level (0 = needs no help), or is None to skip
    the budget; ``money`` is None to skip the contribution. The caller has checked both (forms.py):
    an answer or age band this council's rules lack raises KeyError, which is a bug, not bad input.
    """
    notes: list[str] = []
    figures: dict = {}
    if answers is not None:
        figures.update(_budget(rules, answers, name, notes))
    if money is not None:
        figures.update(_contribution(rules, money, figures.get("budget_week_pence"), name, age_label, notes))
    return Estimate(**figures, assumptions=(*notes, *rules.assumptions))
