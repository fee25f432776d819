"""The estimate's arithmetic, worked by hand from the shipped figures (marketplace/data/estimate_rules.json)."""
from __future__ import annotations

from marketplace.estimate.calculate import Money, estimate, tariff_week_pence
from marketplace.estimate.rules import rules

# One person: help every day with personal care, some help with meals, getting out, staying well and
# money, and no help from family or friends.
ANSWERS = {"personal_care": 2, "eating": 1, "community": 2, "safe_well": 1, "money_home": 1, "family": 3}
WORKING_AGE = "25-pension"


def _estimate(slug, answers=ANSWERS, money=None):
    return estimate(rules().for_council(slug), slug.title(), answers=answers, money=money, age_label="25 to State Pension age")


def test_coldwater_worked_example_capped_at_75_percent_of_plan_cost():
    """Coldwater: points 10 + 5 + 10 + 5 + 5 + 15 = 50; 50 x £300 = £15,000 a year; ±15% is £12,750 to
    £17,250 a year; a week is £15,000 / 52 = £288.46, range £245.19 -> £245 to £331.73 -> £332.
    Money: aged 25 to pension age, income £400 a week, savings £18,000, extra costs not given.
    Tariff: ceil((18,000 - 14,250) / 250) = 15 -> £15 a week.
    Available: £400 + £15 - £112.50 (MIG) - £20.00 (usual disability-related allowance) = £282.50; x 100% = £282.50.
    Coldwater's cap: 75% x £288.46 = £216.345 -> £216.35, lower, so the contribution is £216.35."""
    result = _estimate("coldwater", money=Money(WORKING_AGE, 40000, 1800000, None))
    assert (result.points, result.budget_year_pence, result.budget_week_pence) == (50, 1500000, 28846)
    assert (result.year_low_pence, result.year_high_pence) == (1275000, 1725000)
    assert (result.week_low_pence, result.week_high_pence) == (24500, 33200)
    assert (result.tariff_week_pence, result.available_week_pence) == (1500, 28250)
    assert (result.contribution_week_pence, result.limited_by) == (21635, "plan_cost_share")
    assert any("no more than 75% of the cost of your support plan" in a for a in result.assumptions)


def test_aldermoor_gives_the_same_person_a_different_answer():
    """Aldermoor: points 12 + 6 + 12 + 6 + 6 + 18 = 60; 60 x £350 = £21,000 a year (±10%: £18,900 to
    £23,100); a week £21,000 / 52 = £403.85 (£363.46 -> £363 to £444.23 -> £444).
    Same money: £400 + £15 - £112.50 - £20.00 = £282.50; Aldermoor has no plan-cost share and
    £282.50 is below the budget, so the contribution is £282.50 (Coldwater's was £216.35)."""
    result = _estimate("aldermoor", money=Money(WORKING_AGE, 40000, 1800000, None))
    assert (result.points, result.budget_year_pence, result.budget_week_pence) == (60, 2100000, 40385)
    assert (result.year_low_pence, result.year_high_pence, result.week_low_pence, result.week_high_pence) == (
        1890000, 2310000, 36300, 44400)
    assert (result.contribution_week_pence, result.limited_by) == (28250, None)


def test_savings_over_the_upper_limit_mean_paying_the_full_cost():
    """£23,250.01 is over the upper limit: the full cost, the budget's £288.46 a week (Coldwater's share
    is for means-tested people). At exactly £23,250 the tariff is 9,000 / 250 = £36 a week instead."""
    over = _estimate("coldwater", money=Money(None, None, 2325001, None))
    assert over.pays_full_cost and over.contribution_week_pence == 28846
    at_limit = _estimate("coldwater", money=Money(WORKING_AGE, 0, 2325000, None))
    assert not at_limit.pays_full_cost and at_limit.tariff_week_pence == 3600


def test_savings_at_or_below_the_lower_limit_add_no_tariff():
    charging = rules().for_council("birchley").charging
    assert tariff_week_pence(0, charging) == 0
    assert tariff_week_pence(1425000, charging) == 0
    assert tariff_week_pence(1425001, charging) == 100  # a part of £250 counts as a whole £250
    assert tariff_week_pence(1450000, charging) == 100


def test_the_contribution_is_never_more_than_the_budget():
    """Eskbridge: 6 + 5 + 6 + 6 + 4 + 0 = 27 points x £260 = £7,020 a year = £135.00 a week. Income
    £1,000 a week leaves £1,000 - £112.50 - £20.00 = £867.50, far more: the contribution is £135.00."""
    light = {"personal_care": 1, "eating": 1, "community": 1, "safe_well": 1, "money_home": 1, "family": 0}
    result = _estimate("eskbridge", answers=light, money=Money(WORKING_AGE, 100000, 0, None))
    assert result.budget_week_pence == 13500
    assert (result.available_week_pence, result.contribution_week_pence, result.limited_by) == (86750, 13500, "budget")


def test_money_alone_gives_the_most_someone_would_pay():
    """Birchley, aged 18 to 24: £150 - £89.15 (MIG) - £10 (their own extra costs) = £50.85; savings of
    £10,000 are under the lower limit. No daily-life answers, so no budget and no cap."""
    result = estimate(rules().for_council("birchley"), "Birchley", money=Money("18-24", 15000, 1000000, 1000), age_label="18 to 24")
    assert not result.has_budget and result.contribution_week_pence == 5085 and result.tariff_week_pence == 0
    assert any("this is the most you would pay" in a for a in result.assumptions)
    assert any("£10.00 a week you told us" in a for a in result.assumptions)


def test_income_under_the_minimum_income_guarantee_pays_nothing():
    """State Pension age: MIG £283.90; £250 a week is under it, so nothing is left to ask for."""
    result = _estimate("dunmere", money=Money("pension", 25000, 0, None))
    assert (result.available_week_pence, result.contribution_week_pence) == (0, 0)
