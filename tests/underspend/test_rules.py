"""Each of the five councils' underspend rules, with the figures worked out by hand.

Every case is a one-year plan from 1 April 2026 to 31 March 2027 (365 days). The four-weekly cases have
a budget of £8,008 a year: 13 payments of £616 (1 April, 29 April, 27 May, 24 June, 22 July, ... the last
on 3 March 2027), so one week of payments is £616 / 4 = £154.

"Today" is 23 June 2026, day 84 of the plan (30 + 31 + 23). Three payments are due by then:
3 x £616 = £1,848. The plan expected an even £8,008 x 84 / 365 = £1,842.94 to be spent, so it expected
£1,848 - £1,842.94 = £5.06 to be left.
"""
from __future__ import annotations

from datetime import date

from marketplace.underspend.position import position
from marketplace.underspend.rules import kinds, rule_for

from .support import case, four_weekly

TODAY = date(2026, 6, 23)
YEARLY = 800_800  # £8,008


def test_there_is_one_rule_kind_for_each_kind_in_the_councils_data(make, ctx):
    assert set(kinds()) == {"repay_above_weeks_of_payments", "recoup_above_contingency", "review_at_plan_review",
                            "contact_holder_then_hold_payments_or_claw_back", "recover_through_direct_payment_audit"}
    for slug in ("aldermoor", "birchley", "coldwater", "dunmere", "eskbridge"):
        council = make.council(slug)
        assert rule_for(council).kind == council.underspend_rule["kind"]


def test_aldermoor_spending_near_the_plan_needs_nothing(make, ctx):
    # Spent £1,682.94, so £1,848 - £1,682.94 = £165.06 is held: £160 more than the £5.06 expected.
    # 10 weeks of payments = 10 x £154 = £1,540.
    # The forecast: spending £1,682.94 / 84 days a day; the most is held just after the last payment
    # (3 March 2027, 253 days on): £165.06 + 10 payments of £616 - £1,682.94 x 253 / 84 (£5,068.85)
    # = £1,256.21, under £1,540, so the rule would never bite.
    # At the end (31 March, 281 days on): £165.06 + £6,160 - £1,682.94 x 281 / 84 (£5,629.83) = £695.23.
    c = case("aldermoor", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(168_294)
    pos = position(c.budget, TODAY)
    assert (pos.held_pence, pos.expected_pence, pos.threshold_pence, pos.excess_pence) == (16_506, 506, 154_000, 0)
    assert pos.bites_on is None
    assert pos.forecast_end_pence == 16_506 + 616_000 - 168_294 * 281 // 84 == 69_523
    assert pos.sentence == ("You have £160 more than your plan expected by now. Aldermoor asks for money back only "
                            "above 10 weeks of payments (£1,540), so nothing needs to happen.")


def test_aldermoor_underspending_is_forecast_to_bite_after_the_next_payments(make, ctx):
    # Spent £1,022.94: £825.06 held, £820 more than expected. At that rate (£1,022.94 / 84 a day):
    # 24 June (1 day on): £825.06 + £616 - £12.17 = £1,428.89, under £1,540;
    # 22 July (29 days on): £825.06 + 2 x £616 - £353.15 = £1,703.91, £163.91 over £1,540: it bites then.
    c = case("aldermoor", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(102_294)
    pos = position(c.budget, TODAY)
    assert (pos.held_pence, pos.difference_pence, pos.excess_pence) == (82_506, 82_000, 0)
    assert (pos.bites_on, pos.forecast_excess_pence) == (date(2026, 7, 22), 16_391)
    assert pos.sentence.startswith("You have £820 more than your plan expected by now. Aldermoor asks for money back "
                                   "only above 10 weeks of payments (£1,540). If you keep spending as you are, you will "
                                   "hold about £163.91 more than that on 22 July 2026")
    assert "ask for a review of your plan" in pos.sentence


def test_aldermoor_money_held_above_ten_weeks_bites_now(make, ctx):
    # Spent £148: £1,848 - £148 = £1,700 held, £160 above £1,540.
    c = case("aldermoor", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(14_800)
    pos = position(c.budget, TODAY)
    assert (pos.held_pence, pos.excess_pence, pos.bites_on, pos.bites_now) == (170_000, 16_000, TODAY, True)
    assert "you hold £160 more than that, so the council may ask for it back" in pos.sentence


def test_birchley_recoups_above_four_weeks_only_at_the_end_of_a_quarter(make, ctx):
    # Birchley: one global sum; the agreed contingency is 4 weeks of payments = 4 x £154 = £616.
    # Held £825.06 (as above) is £209.06 over it today, but the rule is applied at the end of each quarter
    # (30 June, 30 September, 31 December, 31 March). On 30 June (7 days on): £825.06 + the 24 June
    # payment £616 - £1,022.94 x 7 / 84 (£85.24) = £1,355.82, £739.82 over.
    c = case("birchley", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(102_294)
    pos = position(c.budget, TODAY)
    assert (pos.threshold_pence, pos.excess_pence) == (61_600, 20_906)
    assert (pos.bites_on, pos.forecast_excess_pence, pos.bites_now) == (date(2026, 6, 30), 73_982, False)
    assert "Birchley takes back money above an agreed contingency of 4 weeks of payments (£616) at the end of each quarter" in pos.sentence


def test_coldwater_has_no_rule_and_looks_at_it_in_the_plan_review(make, ctx):
    # Coldwater states no underspend rule: £1,700 held is no threshold's business; the plan review is
    # 12 months after the start, on 1 April 2027.
    c = case("coldwater", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(14_800)
    pos = position(c.budget, TODAY)
    assert (pos.threshold_pence, pos.excess_pence, pos.bites_on) == (None, 0, None)
    assert pos.sentence == ("You have £1,694.94 more than your plan expected by now. Coldwater has no rule for taking "
                            "money back: unspent money is talked about at your plan review on 1 April 2027, so nothing "
                            "needs to happen now.")


def test_dunmere_contacts_above_eight_weeks_and_would_hold_back_a_payment(make, ctx):
    # Dunmere (an assumption in its data): contact above 8 weeks of payments = 8 x £154 = £1,232.
    # Held £825.06 today; on 24 June: £825.06 + £616 - £12.17 = £1,428.89, £196.89 over: it bites then.
    c = case("dunmere", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(102_294)
    pos = position(c.budget, TODAY)
    assert (pos.threshold_pence, pos.bites_on, pos.forecast_excess_pence) == (123_200, date(2026, 6, 24), 19_689)
    assert pos.rule.proposal_kind == "hold_back"
    assert "Dunmere contacts you first if you hold more than 8 weeks of payments (£1,232)" in pos.sentence


def test_eskbridge_recovers_at_the_audit_at_the_end_of_the_plan_year(make, ctx):
    # Eskbridge pays monthly: £7,800 a year is 12 payments of £650 (1 April ... 1 March), and a week of
    # payments is £7,800 x 12 / (52 x 12) = £150, so the contingency of 4 weeks is £600.
    # On 10 February 2027 (day 316), 11 payments (£7,150) are in and £6,000 is spent: £1,150 held.
    # The audit is on 31 March (49 days on): £1,150 + £650 (1 March) - £6,000 x 49 / 316 (£930.37)
    # = £869.63, £269.63 over the £600.
    c = case("eskbridge", 780_000, schedule="monthly")
    c.receive(*[date(2026 + (3 + m) // 12, (3 + m) % 12 + 1, 1) for m in range(11)], amount=65_000)
    c.spend(600_000)
    pos = position(c.budget, date(2027, 2, 10))
    assert (pos.held_pence, pos.threshold_pence, pos.weekly_payment_pence) == (115_000, 60_000, 15_000)
    assert (pos.bites_on, pos.forecast_excess_pence) == (date(2027, 3, 31), 26_963)
    assert pos.forecast_end_pence == 86_963
    assert "Eskbridge looks at unspent money in its direct payment audit at the end of your plan year (31 March 2027)" in pos.sentence


def test_orders_already_placed_are_paid_first_from_the_spending_rate(make, ctx):
    # Promised £400 to a provider (a commitment): held falls from £825.06 to £425.06. Spending at
    # £1,022.94 / 84 a day pays the £400 promised first, so by 24 June (£12.17 spent) the forecast
    # is £425.06 + £616 = £1,041.06, and by 22 July (£353.15 spent, £0 beyond the promise)
    # £425.06 + £1,232 = £1,657.06.
    from marketplace.budgets import ledger
    from marketplace.extensions import db

    c = case("aldermoor", YEARLY)
    c.receive(*four_weekly(3), amount=61_600)
    c.spend(102_294)
    ledger.commit(c.budget, 40_000, outcome_key=c.key, memo="Order")
    db.session.commit()
    pos = position(c.budget, TODAY)
    assert pos.held_pence == 42_506
    assert pos.facts.held_on(date(2026, 6, 24)) == 42_506 + 61_600
    assert pos.facts.held_on(date(2026, 7, 22)) == 42_506 + 123_200
    assert (pos.bites_on, pos.forecast_excess_pence) == (date(2026, 7, 22), 42_506 + 123_200 - 154_000)
