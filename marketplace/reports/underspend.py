"""Underspend across the council: how much money holders keep above their council's rule (in total, in
bands, by area and by how the budget is held), and the clawbacks proposed and decided in the period.

Each table counts one group of holders and each of its rows is hidden under 5 of them, so a figure
about a few people cannot be worked out from a neighbouring column counting a different group."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .. import clock
from ..budgets import ledger
from ..budgets.models import DEPLOYMENT_OPTIONS, BudgetPeriod
from ..extensions import db
from ..holders.models import Holder
from ..plans.models import SupportPlan
from ..underspend.models import CLAWBACK_STATUSES, DECIDED, ClawbackProposal
from ..underspend.position import position
from .filters import Filters
from .market import bounds, day_of
from .registry import report
from .tables import Column, Table

BANDS = [(1, 25_000, "Under £250"), (25_000, 100_000, "£250 to £999"), (100_000, 250_000, "£1,000 to £2,499"),
         (250_000, 500_000, "£2,500 to £4,999"), (500_000, None, "£5,000 or more")]
NOTE = ("Counted: budgets with an approved plan running on {on:%-d %B %Y} (the period's last day, or today if that is "
        "still to come), as the monthly underspend check counts them. The money held is what each budget's ledger holds "
        "today, whatever the period: the ledger keeps no balance for past days. The category filter does not apply to "
        "this report.")


@dataclass(frozen=True)
class Measured:
    holder_id: int
    area: str
    deployment: str
    held: int
    above: int  # held above the council's rule now (0 where the council sets no figure)


def measured_on(filters: Filters) -> date:
    """The day positions are measured: the period's last day, or today if that is still to come."""
    return min(filters.end, clock.today())


def measure(filters: Filters) -> list[Measured]:
    """Each running budget with an approved plan, measured against its council's rule (the balances of all
    of them read in one query)."""
    on = measured_on(filters)
    query = (select(BudgetPeriod, Holder.postcode_district).join(Holder, Holder.id == BudgetPeriod.holder_id)
             .where(BudgetPeriod.council_id == filters.council.id, BudgetPeriod.starts_on <= on, BudgetPeriod.ends_on >= on,
                    BudgetPeriod.id.in_(select(SupportPlan.budget_id).where(SupportPlan.status == "approved")))
             .order_by(BudgetPeriod.id))
    if filters.area:
        query = query.where(Holder.postcode_district == filters.area)
    rows = db.session.execute(query).all()
    held = ledger.balances_of([budget.id for budget, _district in rows])  # one query, not one a budget
    out = []
    for budget, district in rows:
        found = position(budget, on, held[budget.id])
        out.append(Measured(budget.holder_id, district or "Not known",
                            DEPLOYMENT_OPTIONS.get(budget.deployment_option, budget.deployment_option),
                            found.held_pence, found.excess_pence))
    return out


def summary_table(items: list[Measured], on: date) -> Table:
    over = [i for i in items if i.above > 0]
    rows = [{"label": "Holders measured", "count": len(items), "amount": sum(i.held for i in items), "people": len(items)},
            {"label": "Holders above their council's rule", "count": len({i.holder_id for i in over}),
             "amount": sum(i.above for i in over), "people": len({i.holder_id for i in over})}]
    return Table("summary", f"Money held on {clock.today():%-d %B %Y}",
                 [Column("label", "Measure"), Column("count", "Holders", "count"), Column("amount", "Money", "money")], rows,
                 {"Holders measured": "Holders with a budget running on the day and an approved plan for it; the money "
                                      "is what their budgets hold, left to spend.",
                  "Holders above their council's rule": "Of those, holders keeping more than their council's rule allows "
                                                        "(its agreed contingency, or so many weeks of payments); the money "
                                                        "is what they hold above it. A council that sets no figure has no "
                                                        "one above its rule."},
                 note=NOTE.format(on=on))


def bands_table(items: list[Measured]) -> Table:
    """Only holders above the rule: a band of those with nothing above it would always hold £0, so hiding
    it beside a hidden band would not stop the hidden band's money being worked out from the total."""
    over = [i for i in items if i.above > 0]
    rows = []
    for low, high, words in BANDS:
        inside = [i for i in over if i.above >= low and (high is None or i.above < high)]
        rows.append({"label": words, "holders": len(inside), "amount": sum(i.above for i in inside), "people": len(inside)})
    return Table("bands", "How far above the rule holders are",
                 [Column("label", "Held above the rule"), Column("holders", "Holders", "count"),
                  Column("amount", "Money above the rule", "money")], rows,
                 {"Holders": "Holders measured whose money above their council's rule fell in the band. Fewer than 5 is "
                             "never shown.",
                  "Money above the rule": "What those holders hold above their rule, added up."},
                 total={"label": "All above the rule", "holders": len(over), "amount": sum(i.above for i in over),
                        "people": len(over)},
                 chart=("label", "holders"), note="Holders with nothing above their rule are in the first table.")


def above_by(items: list[Measured], attribute: str, key: str, title: str, label: str) -> Table:
    holders, amounts = defaultdict(set), defaultdict(int)
    for item in items:
        holders[getattr(item, attribute)]  # every group shows, with 0 where nobody is above the rule
        if item.above > 0:
            holders[getattr(item, attribute)].add(item.holder_id)
            amounts[getattr(item, attribute)] += item.above
    rows = [{"label": k, "holders": len(holders[k]), "amount": amounts[k], "people": len(holders[k])}
            for k in sorted(holders)]  # by name: an order by amount would rank hidden rows
    everyone = {i.holder_id for i in items if i.above > 0}
    return Table(key, title, [Column("label", label), Column("holders", "Holders above the rule", "count"),
                              Column("amount", "Money above the rule", "money")], rows,
                 {"Holders above the rule": "Holders measured who keep more than their council's rule allows.",
                  "Money above the rule": "What they hold above it, added up."},
                 total={"label": "All", "holders": len(everyone), "amount": sum(amounts.values()), "people": len(everyone)},
                 chart=("label", "amount"))


# --- clawbacks --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Proposed:
    holder_id: int
    status: str
    proposed: int
    decided: int | None
    made_on: date
    decided_on: date | None
    area: str
    deployment: str

    @property
    def decision(self) -> str:
        return CLAWBACK_STATUSES.get(self.status, self.status)


def proposals(filters: Filters) -> list[Proposed]:
    """The council's clawback proposals made or decided in the period."""
    first, after = bounds(filters)
    query = (select(ClawbackProposal.holder_id, ClawbackProposal.status, ClawbackProposal.proposed_pence,
                    ClawbackProposal.amount_pence, ClawbackProposal.as_of, ClawbackProposal.decided_at,
                    Holder.postcode_district, BudgetPeriod.deployment_option)
             .join(Holder, Holder.id == ClawbackProposal.holder_id).join(BudgetPeriod, BudgetPeriod.id == ClawbackProposal.budget_id)
             .where(ClawbackProposal.council_id == filters.council.id)
             .where(db.or_(ClawbackProposal.as_of.between(filters.start, filters.end),
                           db.and_(ClawbackProposal.decided_at >= first, ClawbackProposal.decided_at < after))))
    if filters.area:
        query = query.where(Holder.postcode_district == filters.area)
    return [Proposed(r.holder_id, r.status, r.proposed_pence, r.amount_pence, r.as_of, day_of(r.decided_at),
                     r.postcode_district or "Not known", DEPLOYMENT_OPTIONS.get(r.deployment_option, r.deployment_option))
            for r in db.session.execute(query)]


PROPOSAL_DEFINITIONS = {
    "Proposals": "Proposals to take unspent money back, or to hold back part of the next payment, made by the monthly "
                 "underspend check. Nothing is taken until a finance officer decides.",
    "Holders": "Holders the proposals were about. Fewer than 5 is never shown.",
    "Amount proposed": "What the check proposed to take or hold back.",
    "Amount decided": "What a finance officer decided to take or hold back: the amount proposed, or a changed amount.",
}
# No table shows the amount decided beside proposals that were not taken back: that amount is always £0, so a
# hidden row of them would not stop a hidden row beside it being worked out from the total.


def _status_table(key: str, title: str, groups: dict[str, list[Proposed]], note: str) -> Table:
    def row(label: str, group: list[Proposed]) -> dict:
        holders = len({p.holder_id for p in group})
        return {"label": label, "count": len(group), "holders": holders, "proposed": sum(p.proposed for p in group),
                "people": holders}

    everything = [p for group in groups.values() for p in group]
    return Table(key, title, [Column("label", "Decision"), Column("count", "Proposals", "count"),
                              Column("holders", "Holders", "count"), Column("proposed", "Amount proposed", "money")],
                 [row(label, group) for label, group in groups.items()],
                 {k: v for k, v in PROPOSAL_DEFINITIONS.items() if k != "Amount decided"},
                 total=row("All", everything), chart=("label", "count"), note=note)


def made_in(found: list[Proposed], filters: Filters) -> list[Proposed]:
    return [p for p in found if filters.start <= p.made_on <= filters.end]


def decided_in(found: list[Proposed], filters: Filters) -> list[Proposed]:
    return [p for p in found if p.decided_on is not None and filters.start <= p.decided_on <= filters.end]


def status_tables(filters: Filters, found: list[Proposed]) -> list[Table]:
    made, decided = made_in(found, filters), decided_in(found, filters)
    return [
        _status_table("proposed", "Clawbacks proposed in the period, by what happened to them",
                      {words: [p for p in made if p.status == status] for status, words in CLAWBACK_STATUSES.items()},
                      "Proposals made (dated) in the period, whenever they were decided."),
        _status_table("decided", "Clawback decisions made in the period",
                      {words: [p for p in decided if p.status == status] for status, words in CLAWBACK_STATUSES.items()
                       if status != "proposed"},
                      "Decisions made in the period, whenever the proposal was made. The money decided is in the next table."),
    ]


def clawbacks_by(group: list[Proposed], attribute: str, key: str, title: str, label: str, amount: str) -> Table:
    """One group of holders (those with a proposal made in the period, or those whose money was decided to be
    taken back in it) by ``attribute``, with the amount proposed or decided."""
    holders, amounts = defaultdict(set), defaultdict(int)
    for p in group:
        holders[getattr(p, attribute)].add(p.holder_id)
        amounts[getattr(p, attribute)] += getattr(p, amount) or 0
    rows = [{"label": k, "holders": len(holders[k]), "amount": amounts[k], "people": len(holders[k])}
            for k in sorted(holders)]  # by name: an order by amount would rank hidden rows
    everyone = {p.holder_id for p in group}
    words = "Amount proposed" if amount == "proposed" else "Amount decided"
    meaning = ("Holders with a proposal made in the period." if amount == "proposed" else
               "Holders whose money a finance officer decided in the period to take or hold back (approved, or approved "
               "with a changed amount).")
    return Table(key, title, [Column("label", label), Column("holders", "Holders", "count"), Column("amount", words, "money")],
                 rows, {"Holders": meaning + " Fewer than 5 is never shown.", words: PROPOSAL_DEFINITIONS[words]},
                 total={"label": "All", "holders": len(everyone), "amount": sum(amounts.values()), "people": len(everyone)},
                 chart=("label", "amount"))


def clawback_tables(filters: Filters, found: list[Proposed]) -> list[Table]:
    made = made_in(found, filters)
    taken = [p for p in decided_in(found, filters) if p.status in DECIDED]
    area, held = "Area (postcode district)", "How the budget is held"
    return [
        clawbacks_by(taken, "decision", "taken_by_decision", "Money decided to be taken back in the period", "Decision", "decided"),
        clawbacks_by(made, "area", "proposed_by_area", "Clawbacks proposed in the period, by area", area, "proposed"),
        clawbacks_by(taken, "area", "taken_by_area", "Money decided to be taken back, by area", area, "decided"),
        clawbacks_by(made, "deployment", "proposed_by_deployment", "Clawbacks proposed, by how the budget is held", held,
                     "proposed"),
        clawbacks_by(taken, "deployment", "taken_by_deployment", "Money decided to be taken back, by how the budget is held",
                     held, "decided"),
    ]


@report("underspend", "Underspend", "How much money is held unspent, and what was proposed and decided.")
def build(filters: Filters) -> list[Table]:
    items = measure(filters)
    found = proposals(filters)
    return [
        summary_table(items, measured_on(filters)),
        bands_table(items),
        above_by(items, "area", "above_by_area", "Money held above the rule, by area", "Area (postcode district)"),
        above_by(items, "deployment", "above_by_deployment", "Money held above the rule, by how the budget is held",
                 "How the budget is held"),
        *status_tables(filters, found),
        *clawback_tables(filters, found),
    ]
