"""Audit as a report, not a chore: for council staff, each holder's audit tier (the council's data),
spend against the plan's outcomes, receipts present and missing, and anything outside the plan; and
a council's quarterly return, by deployment as in the national return.

The national return counts people by how their personal budget is deployed. The product's options
map to its four rows as follows (DEPLOYMENT_ROWS):

- direct payment -> "Direct payment only";
- managed account -> "Direct payment only": the money is still the person's direct payment, paid into
  an account a third party (a broker, a support organisation) runs for them;
- mixed with a direct-payment (or managed-account) share and another share -> "Part direct payment";
  mixed with only direct-payment shares -> "Direct payment only"; mixed with none -> "Council-managed";
- council-managed -> "Council-managed personal budget";
- individual service fund -> "Council-managed personal budget": the council contracts a provider to
  hold the money for the person, so it never reaches them;
- "Council-commissioned support only" is for people with no personal budget at all. Everyone in the
  product has one, so this row is always 0; it is kept so the file has the national return's shape.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import defusedcsv.csv as csv
from sqlalchemy import func

from ..budgets.models import BudgetPeriod, LedgerEntry
from ..extensions import db
from ..holders.models import Holder
from ..money import format_pence
from ..orders.models import Order
from ..plans.money import outcome_words
from ..plans.service import approved_plan
from .models import OutsidePurchase

DEPLOYMENT_ROWS = {
    "direct_payment_only": "Direct payment only",
    "part_direct_payment": "Part direct payment",
    "council_managed": "Council-managed personal budget",
    "council_commissioned_only": "Council-commissioned support only",
}
_DP_LIKE = ("direct_payment", "managed_account")
SPENT_KINDS = {"payment": 1, "credit": -1, "external_spend": 1}
WENT_AHEAD = ("placed", "accepted", "delivered", "invoiced", "paid")  # orders that were not refused or called off


def audit_tier(council, annual_pence: int) -> str:
    """The first of the council's tiers (council_rules.json audit_tiers, in order) whose
    ``below_pence_per_year`` is above the amount, or that has no upper bound."""
    for tier in council.audit_tiers or []:
        below = tier.get("below_pence_per_year")
        if below is None or annual_pence < below:
            return tier["name"]
    return "no audit tier set"


def annual_amount(budget: BudgetPeriod) -> int:
    return budget.approved_annual_budget_pence or budget.indicative_budget_pence or 0


def deployment_row(option: str, mixed_split: dict | None = None) -> str:
    """The national return's row (a DEPLOYMENT_ROWS key) for a deployment option; see the module's notes."""
    if option in _DP_LIKE:
        return "direct_payment_only"
    if option == "mixed":
        shares = {k: v for k, v in (mixed_split or {}).items() if v}
        dp = [k for k in shares if k in _DP_LIKE]
        if dp and len(dp) == len(shares):
            return "direct_payment_only"
        return "part_direct_payment" if dp else "council_managed"
    return "council_managed"


def option_on(budget: BudgetPeriod, day: date) -> str:
    """How the budget was deployed on ``day``, from its recorded switches."""
    option = budget.deployment_option
    for change in reversed(budget.deployment_changes):
        if change.effective_on > day:
            option = change.from_option
    return option


@dataclass
class OutcomeLine:
    key: str | None
    words: str
    set_aside: int
    in_marketplace: int = 0
    outside: int = 0

    @property
    def spent(self) -> int:
        return self.in_marketplace + self.outside


@dataclass
class HolderAudit:
    holder: Holder
    budget: BudgetPeriod | None
    annual: int = 0
    tier: str = ""
    outcomes: list[OutcomeLine] = field(default_factory=list)
    purchases: list[tuple[OutsidePurchase, str]] = field(default_factory=list)
    unforeseen: list[dict] = field(default_factory=list)  # marketplace order lines the plan did not foresee

    @property
    def receipts_present(self) -> list[OutsidePurchase]:
        return [p for p, _w in self.purchases if p.receipt is not None]

    @property
    def receipts_missing(self) -> list[OutsidePurchase]:
        return [p for p, _w in self.purchases if p.receipt_missing]

    @property
    def outside_plan(self) -> list[OutsidePurchase]:
        return [p for p, _w in self.purchases if p.outside_plan]

    @property
    def to_look_at(self) -> int:
        return len(self.receipts_missing) + len(self.outside_plan) + len(self.unforeseen)


def holder_audit(holder: Holder, budget: BudgetPeriod | None) -> HolderAudit:
    report = HolderAudit(holder, budget)
    if budget is None:
        return report
    report.annual = annual_amount(budget)
    report.tier = audit_tier(budget.council, report.annual)
    words = outcome_words(budget)
    plan = approved_plan(budget)
    lines = {o.key: OutcomeLine(o.key, o.own_words, o.amount_pence) for o in (plan.outcomes if plan else [])}
    rows = db.session.execute(db.select(LedgerEntry.outcome_key, LedgerEntry.kind, func.sum(LedgerEntry.amount_pence))
                              .where(LedgerEntry.budget_id == budget.id, LedgerEntry.kind.in_(SPENT_KINDS))
                              .group_by(LedgerEntry.outcome_key, LedgerEntry.kind)).all()
    for key, kind, amount in rows:
        line = lines.setdefault(key, OutcomeLine(key, words.get(key, "An earlier outcome") if key else "Not in the plan", 0))
        if kind == "external_spend":
            line.outside += int(amount)
        else:
            line.in_marketplace += SPENT_KINDS[kind] * int(amount)
    report.outcomes = list(lines.values())
    purchases = db.session.scalars(db.select(OutsidePurchase).filter_by(budget_id=budget.id)
                                   .order_by(OutsidePurchase.bought_on, OutsidePurchase.id)).all()
    report.purchases = [(p, words.get(p.outcome_key, "An earlier outcome") if p.outcome_key else "Not in the plan")
                        for p in purchases]
    foreseen = {o.key: set(o.categories or []) for o in (plan.outcomes if plan else [])}
    orders = db.session.scalars(db.select(Order).where(Order.budget_id == budget.id, Order.status.in_(WENT_AHEAD))
                                .order_by(Order.id)).all()
    for order in orders:
        for line in order.lines:
            if line.outcome_key not in foreseen or (foreseen[line.outcome_key] and line.category not in foreseen[line.outcome_key]):
                report.unforeseen.append({"order": order, "title": line.title, "category": line.category,
                                          "outcome": words.get(line.outcome_key, "no outcome") if line.outcome_key else "no outcome"})
    return report


def current_budgets(council, on: date) -> list[BudgetPeriod]:
    """Each holder's budget in force on ``on`` (their latest that has started, else their first)."""
    budgets = db.session.scalars(db.select(BudgetPeriod).filter_by(council_id=council.id)
                                 .order_by(BudgetPeriod.holder_id, BudgetPeriod.starts_on)).all()
    chosen: dict[int, BudgetPeriod] = {}
    for budget in budgets:
        if budget.holder_id not in chosen or budget.starts_on <= on:
            chosen[budget.holder_id] = budget
    return [chosen[k] for k in sorted(chosen)]


def council_overview(council, on: date) -> list[HolderAudit]:
    """Every holder of the council with their audit report, those with most to look at first."""
    reports = [holder_audit(b.holder, b) for b in current_budgets(council, on)]
    return sorted(reports, key=lambda r: (-r.to_look_at, r.holder.name, r.holder.id))


# --- the quarterly return ----------------------------------------------------------------

def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    if not 1 <= quarter <= 4:
        raise ValueError("quarter")
    first_month = 3 * (quarter - 1) + 1
    start = date(year, first_month, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else first_month + 3, 1)
    return start, date.fromordinal(end.toordinal() - 1)


@dataclass
class ReturnRow:
    people: int = 0
    annual_budgets: int = 0
    spent_in_marketplace: int = 0
    spent_outside: int = 0
    purchases_outside_plan: int = 0
    receipts_missing: int = 0

    def add(self, other: "ReturnRow") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def quarterly_return(council, year: int, quarter: int) -> tuple[dict[str, ReturnRow], ReturnRow]:
    """Per national-return row: the people whose budget was in force in the quarter (deployment as at its
    last day), their yearly budgets, what was spent in the quarter (ledger entries dated in it: payments less
    credits in the marketplace; purchases recorded outside it) and what needs a look. And the total."""
    start, end = quarter_bounds(year, quarter)
    budgets = db.session.scalars(db.select(BudgetPeriod).where(
        BudgetPeriod.council_id == council.id, BudgetPeriod.starts_on <= end, BudgetPeriod.ends_on >= start)
        .order_by(BudgetPeriod.id)).all()
    rows = {key: ReturnRow() for key in DEPLOYMENT_ROWS}
    people: dict[str, set[int]] = {key: set() for key in DEPLOYMENT_ROWS}
    spent = dict(((b, k), int(a)) for b, k, a in db.session.execute(
        db.select(LedgerEntry.budget_id, LedgerEntry.kind, func.sum(LedgerEntry.amount_pence))
        .where(LedgerEntry.council_id == council.id, LedgerEntry.kind.in_(SPENT_KINDS),
               LedgerEntry.effective_on >= start, LedgerEntry.effective_on <= end)
        .group_by(LedgerEntry.budget_id, LedgerEntry.kind)).all())
    for budget in budgets:
        key = deployment_row(option_on(budget, end), budget.mixed_split)
        row = rows[key]
        people[key].add(budget.holder_id)
        row.annual_budgets += annual_amount(budget)
        row.spent_in_marketplace += spent.get((budget.id, "payment"), 0) - spent.get((budget.id, "credit"), 0)
        row.spent_outside += spent.get((budget.id, "external_spend"), 0)
        purchases = db.session.scalars(db.select(OutsidePurchase).where(
            OutsidePurchase.budget_id == budget.id, OutsidePurchase.bought_on >= start, OutsidePurchase.bought_on <= end)).all()
        row.purchases_outside_plan += sum(1 for p in purchases if p.outside_plan)
        row.receipts_missing += sum(1 for p in purchases if p.receipt_missing)
    total = ReturnRow()
    for key, row in rows.items():
        row.people = len(people[key])
        total.add(row)
    total.people = len(set().union(*people.values()))
    return rows, total


CSV_HEADER = ["Council", "Quarter", "Deployment", "People", "Yearly budgets (£)", "Spent in the marketplace (£)",
              "Spent outside the marketplace (£)", "Purchases outside the plan", "Receipts missing"]


def return_csv(council, year: int, quarter: int) -> str:
    """The quarterly return as CSV (defusedcsv: nothing a spreadsheet would run), one row per deployment
    row of the national return and a total; money in pounds and pence without the £ sign."""
    rows, total = quarterly_return(council, year, quarter)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    label = f"{year} Q{quarter}"
    for key, row in [*rows.items(), ("total", total)]:
        writer.writerow([council.name, label, DEPLOYMENT_ROWS.get(key, "Total"), row.people, _pounds(row.annual_budgets),
                         _pounds(row.spent_in_marketplace), _pounds(row.spent_outside), row.purchases_outside_plan,
                         row.receipts_missing])
    return out.getvalue()


def _pounds(pence: int) -> str:
    return format_pence(pence).replace("£", "").replace(",", "")
