"""Where the money goes: spend from the ledger (payments to providers, less their credits, and what
holders bought outside the marketplace) by category, provider kind, deployment option, area and month;
the share of holders buying in each category (the Stockport table's measure); spend per holder; and
budgets against spend."""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from .. import taxonomy
from ..billing.models import Invoice
from ..budgets.models import DEPLOYMENT_OPTIONS, BudgetPeriod, LedgerEntry
from ..extensions import db
from ..holders.models import Holder
from ..orders.models import OrderLine
from ..providers.models import ORGANISATION_KINDS, Organisation
from ..spending.models import OutsidePurchase
from .filters import Filters
from .registry import report
from .tables import Column, Table

OUTSIDE = "Bought outside the marketplace"  # as a provider; as a category: what the holder did not say
UNKNOWN = "Not known"  # a payment recorded without its invoice
SIGN = {"payment": 1, "external_spend": 1, "credit": -1}  # a credit note gives money back
BANDS = [(0, 100_000, "Under £1,000"), (100_000, 300_000, "£1,000 to £2,999"), (300_000, 500_000, "£3,000 to £4,999"),
         (500_000, 1_000_000, "£5,000 to £9,999"), (1_000_000, 2_000_000, "£10,000 to £19,999"),
         (2_000_000, None, "£20,000 or more")]
DEFINITIONS = {
    "Spend": "Payments to providers for confirmed delivery, less credit notes, and purchases holders recorded as bought "
             "outside the marketplace, dated in the period (from each holder's ledger). A purchase outside the marketplace "
             "counts in the category the holder gave it; without one it is “Bought outside the marketplace”.",
    "Holders": "Budget holders with any of that spend in the period. Fewer than 5 is never shown.",
    "Share of spend": "This row's spend as a share of all spend in the table.",
}


@dataclass(frozen=True)
class Spent:
    holder_id: int
    amount: int  # pence, credits negative
    category: str  # a category's name, or OUTSIDE
    kind: str  # the provider's kind in words, or OUTSIDE
    provider: str
    deployment: str
    area: str
    month: date


def spent(filters: Filters) -> list[Spent]:
    """Every movement of money out of the council's budgets in the period, with what it was for: one query,
    the provider and category joined in (a payment's category is that of its order's line for the same plan
    outcome, else of one of the order's lines, the first by name)."""
    def first_line(*where):
        # min() rather than ORDER BY id LIMIT 1: PostgreSQL answered that by walking the whole primary key
        # for each payment (4.5 minutes at a county's size); this one reads the order's lines by its index.
        return (select(func.min(OrderLine.category)).where(OrderLine.order_id == Invoice.order_id, *where)
                .correlate(Invoice, LedgerEntry).scalar_subquery())
    category = func.coalesce(first_line(OrderLine.outcome_key == LedgerEntry.outcome_key), first_line(), OutsidePurchase.category)
    query = (select(LedgerEntry.holder_id, LedgerEntry.kind, LedgerEntry.amount_pence, LedgerEntry.effective_on,
                    BudgetPeriod.deployment_option, Holder.postcode_district, Organisation.name, Organisation.kind.label("org_kind"),
                    category.label("category"))
             .join(BudgetPeriod, BudgetPeriod.id == LedgerEntry.budget_id).join(Holder, Holder.id == LedgerEntry.holder_id)
             .outerjoin(Invoice, and_(LedgerEntry.cause_type == "invoices", Invoice.id == LedgerEntry.cause_id))
             .outerjoin(Organisation, Organisation.id == Invoice.organisation_id)
             .outerjoin(OutsidePurchase, and_(LedgerEntry.cause_type == "outside_purchases", OutsidePurchase.id == LedgerEntry.cause_id))
             .where(LedgerEntry.council_id == filters.council.id, LedgerEntry.kind.in_(tuple(SIGN)),
                    LedgerEntry.effective_on >= filters.start, LedgerEntry.effective_on <= filters.end))
    if filters.area:
        query = query.where(Holder.postcode_district == filters.area)
    if filters.category:
        query = query.where(category == filters.category)
    names = {slug: taxonomy.category_name(slug) for slug in taxonomy.categories()}
    return [Spent(r.holder_id, SIGN[r.kind] * r.amount_pence,
                  names.get(r.category, r.category) if r.category else (OUTSIDE if r.kind == "external_spend" else UNKNOWN),
                  ORGANISATION_KINDS.get(r.org_kind, r.org_kind) if r.org_kind else OUTSIDE,
                  _provider_words(r.name, r.org_kind) if r.name else OUTSIDE,
                  DEPLOYMENT_OPTIONS.get(r.deployment_option, r.deployment_option), r.postcode_district or "Not known",
                  r.effective_on.replace(day=1))
            for r in db.session.execute(query)]


def _provider_words(name: str, kind: str) -> str:
    """A self-employed personal assistant is a person: never named in a report."""
    return "Self-employed personal assistants (together)" if kind == "personal_assistant" else name


def _by(items: list[Spent], attribute: str, key: str, title: str, label: str, *, chart: bool = True,
        order_by_value: bool = True) -> Table:
    spend, holders = defaultdict(int), defaultdict(set)
    for item in items:
        spend[getattr(item, attribute)] += item.amount
        holders[getattr(item, attribute)].add(item.holder_id)
    total = sum(spend.values())
    keys = sorted(spend, key=(lambda k: (-spend[k], str(k))) if order_by_value else str)
    rows = [{"label": k if not isinstance(k, date) else f"{k:%B %Y}", "holders": len(holders[k]), "spend": spend[k],
             "share": 100 * spend[k] / total if total else 0.0, "people": len(holders[k])} for k in keys]
    everyone = {item.holder_id for item in items}
    return Table(key, title, [Column("label", label), Column("holders", "Holders", "count"), Column("spend", "Spend", "money"),
                              Column("share", "Share of spend", "percent")], rows, dict(DEFINITIONS),
                 total={"label": "All", "holders": len(everyone), "spend": total, "share": 100.0 if total else 0.0,
                        "people": len(everyone)}, chart=("label", "spend") if chart else None, ranked=order_by_value)


def holders_with_budgets(filters: Filters) -> list[tuple[int, int, date, date]]:
    """(holder id, approved annual budget, starts, ends) of the budgets running in the period."""
    query = (select(BudgetPeriod.holder_id, BudgetPeriod.approved_annual_budget_pence, BudgetPeriod.starts_on,
                    BudgetPeriod.ends_on).join(Holder, Holder.id == BudgetPeriod.holder_id)
             .where(BudgetPeriod.council_id == filters.council.id, BudgetPeriod.starts_on <= filters.end,
                    BudgetPeriod.ends_on >= filters.start, BudgetPeriod.approved_annual_budget_pence.is_not(None)))
    if filters.area:
        query = query.where(Holder.postcode_district == filters.area)
    return [tuple(row) for row in db.session.execute(query)]


def share_buying(items: list[Spent], budgets: list[tuple]) -> Table:
    """The Stockport table's measure: of the holders with a budget in the period, the share who bought
    anything in each category."""
    population = {b[0] for b in budgets}
    buyers = defaultdict(set)
    for item in items:
        if item.amount > 0 and item.holder_id in population:
            buyers[item.category].add(item.holder_id)
    rows = [{"label": c, "holders": len(h), "share": 100 * len(h) / len(population) if population else 0.0, "people": len(h)}
            for c, h in sorted(buyers.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    return Table("share_buying", "Share of holders buying in each category",
                 [Column("label", "Category"), Column("holders", "Holders buying", "count"),
                  Column("share", "Share of holders", "percent")], rows,
                 {"Holders buying": "Holders with a budget in the period who bought anything in the category.",
                  "Share of holders": f"Holders buying, as a share of the {len(population):,} holders with a budget running "
                                      "in the period (a holder buying in three categories counts in each)."},
                 chart=("label", "share"), ranked=True,
                 note="The measure of the Stockport pilot's table of what people bought with their budgets.")


def per_holder(items: list[Spent], budgets: list[tuple]) -> list[Table]:
    by_holder = defaultdict(int)
    for item in items:
        by_holder[item.holder_id] += item.amount
    amounts = [by_holder.get(b[0], 0) for b in budgets]
    summary_rows = []
    if amounts:
        summary_rows = [{"label": "Mean spend per holder", "value": int(statistics.fmean(amounts)), "people": len(amounts)},
                        {"label": "Median spend per holder", "value": int(statistics.median(amounts)), "people": len(amounts)},
                        {"label": "Approved budgets (a year's worth)", "value": sum(b[1] for b in budgets), "people": len(amounts)},
                        {"label": "Spend in the period", "value": sum(amounts), "people": len(amounts)}]
    summary = Table("per_holder", "Spend per holder, and budgets against spend",
                    [Column("label", "Measure"), Column("value", "Amount", "money")], summary_rows,
                    {"Mean spend per holder": "All spend in the period divided by the holders with a budget running in it "
                                              "(those who spent nothing count as £0).",
                     "Median spend per holder": "The middle holder's spend, in the same population.",
                     "Approved budgets (a year's worth)": "The approved annual budgets of those holders."})
    bands = []
    for low, high, words in BANDS:
        n = sum(1 for a in amounts if a >= low and (high is None or a < high))
        bands.append({"label": words, "holders": n, "people": n})
    distribution = Table("distribution", "How much each holder spent",
                         [Column("label", "Spend in the period"), Column("holders", "Holders", "count")], bands,
                         {"Holders": "Holders with a budget in the period whose spend fell in the band."},
                         total={"label": "All", "holders": len(amounts), "people": len(amounts)}, chart=("label", "holders"))
    return [summary, distribution]


@report("spend", "Where the money goes", "What budgets are spent on, with whom, where and when.")
def build(filters: Filters) -> list[Table]:
    items = spent(filters)
    budgets = holders_with_budgets(filters)
    return [
        _by(items, "category", "by_category", "Spend by category", "Category"),
        share_buying(items, budgets),
        _by(items, "kind", "by_kind", "Spend by kind of provider", "Kind of provider"),
        _by(items, "provider", "by_provider", "Spend by provider", "Provider"),
        _by(items, "deployment", "by_deployment", "Spend by how the budget is held", "How the budget is held"),
        _by(items, "area", "by_area", "Spend by area", "Area (postcode district)"),
        _by(items, "month", "by_month", "Spend by month", "Month", order_by_value=False),
        *per_holder(items, budgets),
    ]
