"""Audit as a report: each holder's tier from the council's data, spend against the plan's outcomes,
receipts kept and missing, what is outside the plan; and the quarterly return by deployment."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from marketplace.accounts import roles as R
from marketplace.billing import payments
from marketplace.budgets import ledger
from marketplace.extensions import db
from marketplace.orders import basket, lifecycle, placing
from marketplace.spending import audit, service
from marketplace.spending.models import OutsidePurchase

from .. import factories
from ..helpers import page_text
from . import files

TODAY = date(2026, 11, 16)


# --- tiers: Aldermoor's three, worked through at each boundary ---------------------------------------

@pytest.mark.parametrize("annual_pence, tier", [
    (0, "light touch"),
    (499_999, "light touch"),  # £4,999.99: under £5,000
    (500_000, "detailed annual account"),  # £5,000.00: no longer under £5,000
    (1_999_999, "detailed annual account"),  # £19,999.99: under £20,000
    (2_000_000, "full audit"),  # £20,000.00: the last tier has no upper bound
    (15_000_000, "full audit"),
])
def test_aldermoors_audit_tiers_at_their_boundaries(make, annual_pence, tier):
    assert audit.audit_tier(factories.council("aldermoor"), annual_pence) == tier


@pytest.mark.parametrize("slug, tier", [("birchley", "quarterly return checked against the plan"),
                                        ("dunmere", "receipts for purchases of £50 or more"),
                                        ("eskbridge", "direct payment audit")])
def test_a_council_with_one_tier_puts_everyone_in_it(make, slug, tier):
    council = factories.council(slug)
    assert {audit.audit_tier(council, amount) for amount in (1, 499_999, 2_000_000, 50_000_000)} == {tier}


def test_a_holders_report(market):
    m = market()  # Aldermoor, £1,000 a year for "Getting out and about" (social support foreseen): light touch
    factories.fund_budget(m.budget, 2000)  # £20 not set aside for an outcome
    service.record_purchase(m.holder_user, m.holder, description="Swimming pass", bought_on=date(2026, 11, 2),
                            amount_pence=2500, outcome_key=m.outcome.key, receipt=files.photo())
    service.record_purchase(m.holder_user, m.holder, description="Cinema ticket", bought_on=date(2026, 11, 9),
                            amount_pence=1200, outcome_key=None, receipt=files.pdf())
    _imported_without_receipt(m, 800)
    m.order()  # a £40 session, delivered and invoiced: promised, not paid yet
    invoice = m.invoice()  # another, paid

    payments.approve(m.holder_user, invoice)
    payments.pay(m.holder_user, invoice, "bacs", reference="BANK-1", paid_on=TODAY)
    garden = factories.orderable(m.organisation, title="Gardening", price_pence=3000, category="gardening")
    basket.add_to_basket(m.holder_user, m.holder, garden, 1, m.outcome.key, None)
    (unforeseen,) = placing.place(m.holder_user, m.holder, "garden-order")
    lifecycle.approve(factories.user(R.CARE_COORDINATOR, m.council), unforeseen, True)  # the coordinator let it go ahead

    report = audit.holder_audit(m.holder, m.budget)
    assert (report.annual, report.tier) == (100000, "light touch")
    by_words = {line.words: line for line in report.outcomes}
    plan_line = by_words["Getting out and about"]
    assert (plan_line.set_aside, plan_line.in_marketplace, plan_line.outside, plan_line.spent) == (100000, 4000, 2500 + 800, 7300)
    assert (by_words["Not in the plan"].outside, by_words["Not in the plan"].set_aside) == (1200, 0)
    assert [p.description for p in report.receipts_present] == ["Swimming pass", "Cinema ticket"]
    assert [p.description for p in report.receipts_missing] == ["Taxi home"]
    assert [p.description for p in report.outside_plan] == ["Cinema ticket"]
    assert [(u["title"], u["category"]) for u in report.unforeseen] == [("Gardening", "gardening")]
    assert report.to_look_at == 3


def _imported_without_receipt(m, amount) -> OutsidePurchase:
    """A purchase whose receipt never came (e.g. carried over from paper records): the report must show it missing."""
    purchase = OutsidePurchase(holder_id=m.holder.id, budget_id=m.budget.id, council_id=m.council.id, description="Taxi home",
                               bought_on=date(2026, 11, 3), amount_pence=amount, outcome_key=m.outcome.key,
                               receipt_needed=True, recorded_by_id=m.holder_user.id)
    db.session.add(purchase)
    db.session.flush()
    ledger.external_spend(m.budget, amount, outcome_key=m.outcome.key, actor=m.holder_user, cause=purchase)
    db.session.commit()
    return purchase


# --- the quarterly return --------------------------------------------------------------------------

def _holder_with(council, deployment, annual_pence, *, split=None, starts_on=date(2026, 4, 1)):
    holder = factories.holder(council, user=factories.user())
    budget = factories.budget(holder, deployment=deployment, starts_on=starts_on)
    if split:
        budget.mixed_split = split
    plan = factories.plan_for_ordering(holder, budget, [("Stay well at home", ["health"], annual_pence, ["social-support"])],
                                       through_service=False)
    return holder, budget, plan.outcomes[0].key


@pytest.fixture
def aldermoors_quarter(market):
    """Aldermoor in the quarter October to December 2026, one person in each way of holding money."""
    m = market()  # direct payment, £1,000 a year
    factories.fund_budget(m.budget, 1500)
    service.record_purchase(m.holder_user, m.holder, description="Swimming pass", bought_on=date(2026, 11, 2),
                            amount_pence=4000, outcome_key=m.outcome.key, receipt=files.photo())
    service.record_purchase(m.holder_user, m.holder, description="Cinema ticket", bought_on=date(2026, 11, 9),
                            amount_pence=1000, outcome_key=None, receipt=files.photo())
    _holder_with(m.council, "managed_account", 50000)  # still a direct payment, held by a third party
    mixed, mixed_budget, mixed_key = _holder_with(m.council, "mixed", 200000,
                                                  split={"direct_payment": 60, "council_managed": 40})
    service.record_purchase(mixed.user, mixed, description="Bus pass", bought_on=date(2026, 10, 1), amount_pence=2500,
                            outcome_key=mixed_key, receipt=files.pdf())
    _, managed_budget, managed_key = _holder_with(m.council, "council_managed", 600000)
    ledger.commit(managed_budget, 10000, outcome_key=managed_key)
    ledger.pay(managed_budget, 10000, outcome_key=managed_key)
    db.session.commit()
    _holder_with(m.council, "individual_service_fund", 2500000)
    _holder_with(m.council, "direct_payment", 70000, starts_on=date(2025, 4, 1))  # ended 31 March 2026: not this quarter
    _holder_with(factories.council("birchley"), "direct_payment", 90000)  # another council
    return m


def test_the_quarterly_return_by_deployment(aldermoors_quarter):
    rows, total = audit.quarterly_return(aldermoors_quarter.council, 2026, 4)
    figures = {key: (r.people, r.annual_budgets, r.spent_in_marketplace, r.spent_outside, r.purchases_outside_plan,
                     r.receipts_missing) for key, r in rows.items()}
    assert figures == {
        # £1,000 direct payment + £500 managed account; £40 + £10 bought outside, the £10 outside the plan
        "direct_payment_only": (2, 150000, 0, 5000, 1, 0),
        "part_direct_payment": (1, 200000, 0, 2500, 0, 0),  # 60% direct payment, 40% council-managed: £25 bus pass
        # £6,000 council-managed (paid £100 in the marketplace) + £25,000 individual service fund
        "council_managed": (2, 3100000, 10000, 0, 0, 0),
        "council_commissioned_only": (0, 0, 0, 0, 0, 0),  # nobody in the product is without a personal budget
    }
    assert (total.people, total.annual_budgets, total.spent_in_marketplace, total.spent_outside) == (5, 3450000, 10000, 7500)


def test_a_switch_after_the_quarter_does_not_move_anyone_in_it(aldermoors_quarter):
    from marketplace.budgets import service as budgets

    m = aldermoors_quarter
    budgets.switch_deployment(m.holder_user, m.budget, "managed_account", date(2027, 1, 4), budget_manager_name="Helpers")
    rows, _ = audit.quarterly_return(m.council, 2026, 4)
    assert rows["direct_payment_only"].people == 2  # the switch is after 31 December 2026
    assert audit.option_on(m.budget, date(2027, 1, 4)) == "managed_account"
    assert audit.option_on(m.budget, date(2026, 12, 31)) == "direct_payment"


def test_the_csv_adds_up_to_the_same_totals(aldermoors_quarter, signed_in):
    m = aldermoors_quarter
    finance = factories.user(R.FINANCE_OFFICER, m.council)
    response = signed_in(finance).get("/council/audit/return.csv?quarter=2026-Q4")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="aldermoor-return-2026-Q4.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == audit.CSV_HEADER
    assert [row[2] for row in rows[1:]] == ["Direct payment only", "Part direct payment", "Council-managed personal budget",
                                            "Council-commissioned support only", "Total"]
    assert rows[1] == ["Aldermoor Council", "2026 Q4", "Direct payment only", "2", "1500.00", "0.00", "50.00", "1", "0"]
    assert rows[-1] == ["Aldermoor Council", "2026 Q4", "Total", "5", "34500.00", "100.00", "75.00", "1", "0"]
    for column in (3, 4, 5, 6, 7, 8):  # every column's total is the sum of its rows
        assert sum(float(row[column]) for row in rows[1:-1]) == pytest.approx(float(rows[-1][column]))


def test_the_audit_pages_for_council_staff_only(aldermoors_quarter, signed_in):
    m = aldermoors_quarter
    staff = factories.council_staff(m.council, R.CARE_COORDINATOR, R.FINANCE_OFFICER, R.COMMISSIONER)
    page = signed_in(staff[R.CARE_COORDINATOR]).get("/council/audit")
    text = page_text(page)
    assert page.status_code == 200 and "Download the return for 2026 quarter 3" in text
    assert text.index(m.holder.name) < text.index("Birchley") if "Birchley" in text else m.holder.name in text
    assert "1 to look at" in text  # the cinema ticket, outside the plan
    report = page_text(signed_in(staff[R.FINANCE_OFFICER]).get(f"/holders/{m.holder.id}/audit"))
    assert "light touch" in report and "Cinema ticket" in report and "1 kept" not in report and "2 kept, 0 missing" in report
    assert signed_in(staff[R.COMMISSIONER]).get("/council/audit").status_code == 403  # commissioners never see people
    assert signed_in(staff[R.COMMISSIONER]).get(f"/holders/{m.holder.id}/audit").status_code == 403
    assert signed_in(m.holder_user).get(f"/holders/{m.holder.id}/audit").status_code == 403
    elsewhere = factories.user(R.CARE_COORDINATOR, factories.council("birchley"))
    assert signed_in(elsewhere).get(f"/holders/{m.holder.id}/audit").status_code == 403


def test_the_quarter_bounds():
    assert audit.quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert audit.quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
