"""Lists of orders for the pages that show them: a holder's orders, a provider's inbox, the
coordinator's queue and deliveries nobody has confirmed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..budgets import ledger
from ..budgets.ledger import Balances
from ..budgets.models import BudgetPeriod, LedgerEntry
from ..extensions import db
from ..plans.service import approved_plan
from .models import Occurrence, Order, OrderLine

UNCONFIRMED_AFTER = timedelta(days=14)


def unconfirmed(holder_ids: list[int] | None = None, council_id: int | None = None) -> list[Occurrence]:
    """Deliveries recorded more than 14 days ago and still not confirmed: nothing is paid silently."""
    cutoff = clock.now() - UNCONFIRMED_AFTER
    query = (db.select(Occurrence).join(Order, Occurrence.order_id == Order.id)
             .where(Occurrence.status == "delivered", Occurrence.delivered_at < cutoff).order_by(Occurrence.delivered_at))
    if holder_ids is not None:
        query = query.where(Order.holder_id.in_(holder_ids or [-1]))
    if council_id is not None:
        query = query.where(Order.council_id == council_id)
    query = query.options(joinedload(Occurrence.line), joinedload(Occurrence.order).joinedload(Order.holder))
    return db.session.scalars(query).all()


RECENT = timedelta(days=1)


def placed_recently(actor, holder) -> list[Order]:
    """Orders this person placed for this holder in the last day: shown beside an empty basket, so
    someone who saw an error after pressing "Place order" finds what was placed."""
    return db.session.scalars(db.select(Order).where(
        Order.holder_id == holder.id, Order.placed_by_id == actor.id, Order.placed_at >= clock.now() - RECENT)
        .order_by(Order.placed_at.desc(), Order.id.desc()).limit(10)).all()


# What a row of an order list reads (its provider, who placed it and for whom, each line's dates and
# cost), loaded with the orders: three more queries for the whole list instead of three per order.
LISTED = (joinedload(Order.organisation), joinedload(Order.holder), joinedload(Order.placed_by),
          selectinload(Order.lines).selectinload(OrderLine.occurrences))


def orders_for_holder(holder) -> list[Order]:
    return db.session.scalars(db.select(Order).filter_by(holder_id=holder.id).options(*LISTED)
                              .order_by(Order.created_at.desc(), Order.id.desc())).all()


def load_for_page(order: Order) -> Order:
    """``order`` with its lines and their dates loaded in two queries, so the order page does not load each
    line's dates on its own (the lines are in the session already once this returns)."""
    db.session.scalars(db.select(Order).where(Order.id == order.id)
                       .options(selectinload(Order.lines).selectinload(OrderLine.occurrences))).all()
    return order


def orders_for_organisations(organisations, statuses: tuple[str, ...] | None = None, limit: int | None = None) -> list[Order]:
    """Orders with these organisations (the caller has asked the policy which ones the person may see)."""
    query = db.select(Order).where(Order.organisation_id.in_([o.id for o in organisations] or [-1]))
    if statuses:
        query = query.where(Order.status.in_(statuses))
    query = query.options(*LISTED).order_by(Order.created_at.desc(), Order.id.desc())
    return db.session.scalars(query.limit(limit) if limit else query).all()


def awaiting_approval(council) -> list[Order]:
    return db.session.scalars(db.select(Order).filter_by(council_id=council.id, status="awaiting_approval")
                              .options(*LISTED).order_by(Order.created_at)).all()


# --- a broker's caseload ----------------------------------------------------------------------------

@dataclass
class CaseloadRow:
    """One person in a caseload: the money left to spend now (as their money page shows it: received,
    less what is promised and spent) and what waits on someone."""

    holder: object
    budget: BudgetPeriod | None
    money_left_pence: int | None
    waiting_for_coordinator: int = 0
    waiting_for_provider: int = 0
    deliveries_to_confirm: int = 0
    invoices_to_approve: int = 0

    @property
    def waiting(self) -> list[tuple[int, str, str]]:
        """(count, singular, plural) of each thing that waits, in the order to act on them."""
        return [(n, one, many) for n, one, many in (
            (self.deliveries_to_confirm, "delivery to confirm", "deliveries to confirm"),
            (self.invoices_to_approve, "invoice to approve", "invoices to approve"),
            (self.waiting_for_coordinator, "order waiting for the care coordinator", "orders waiting for the care coordinator"),
            (self.waiting_for_provider, "order waiting for the provider to accept", "orders waiting for the provider to accept"),
        ) if n]


def caseload(holders) -> list[CaseloadRow]:
    """A row for each holder, in five queries however many holders there are."""
    ids = [h.id for h in holders] or [-1]
    budgets = _current_budgets(ids)
    left = _money_left([b.id for b in budgets.values()])
    orders = _counts(db.select(Order.holder_id, Order.status, func.count(Order.id))
                     .where(Order.holder_id.in_(ids), Order.status.in_(("awaiting_approval", "placed")))
                     .group_by(Order.holder_id, Order.status))
    deliveries = _counts(db.select(Order.holder_id, Occurrence.status, func.count(Occurrence.id))
                         .join(Order, Occurrence.order_id == Order.id)
                         .where(Order.holder_id.in_(ids), Occurrence.status == "delivered")
                         .group_by(Order.holder_id, Occurrence.status))
    invoices = _invoices_to_approve(ids)
    rows = []
    for holder in holders:
        budget = budgets.get(holder.id)
        rows.append(CaseloadRow(holder, budget, left.get(budget.id, 0) if budget else None,
                                orders.get((holder.id, "awaiting_approval"), 0), orders.get((holder.id, "placed"), 0),
                                deliveries.get((holder.id, "delivered"), 0), invoices.get(holder.id, 0)))
    return rows


def _current_budgets(holder_ids: list[int]) -> dict[int, BudgetPeriod]:
    """Each holder's budget for today, else their latest (as budgets.service.current_budget chooses)."""
    today = clock.today()
    chosen: dict[int, BudgetPeriod] = {}
    for budget in db.session.scalars(db.select(BudgetPeriod).where(BudgetPeriod.holder_id.in_(holder_ids))
                                     .order_by(BudgetPeriod.starts_on.desc(), BudgetPeriod.id.desc())):
        current = chosen.get(budget.holder_id)
        covers = budget.starts_on <= today <= budget.ends_on
        if current is None or (covers and not current.starts_on <= today <= current.ends_on):
            chosen[budget.holder_id] = budget
    return chosen


def _money_left(budget_ids: list[int]) -> dict[int, int]:
    """Money available to spend in each budget, derived from its ledger entries in one grouped query."""
    balances: dict[int, Balances] = {}
    rows = db.session.execute(db.select(LedgerEntry.budget_id, LedgerEntry.kind, LedgerEntry.pot, func.sum(LedgerEntry.amount_pence))
                              .where(LedgerEntry.budget_id.in_(budget_ids or [-1]))
                              .group_by(LedgerEntry.budget_id, LedgerEntry.kind, LedgerEntry.pot))
    for budget_id, kind, pot, amount in rows:
        balances.setdefault(budget_id, Balances()).apply(kind, pot, int(amount or 0))
    return {budget_id: b.total.available for budget_id, b in balances.items()}


def _counts(query) -> dict[tuple[int, str], int]:
    return {(holder_id, status): count for holder_id, status, count in db.session.execute(query)}


def _invoices_to_approve(holder_ids: list[int]) -> dict[int, int]:
    """Invoices issued and waiting for approval, per holder. Billing sits above ordering (it invoices
    orders), so its table is read by name here rather than by importing its model."""
    invoices = db.metadata.tables["invoices"]
    rows = db.session.execute(db.select(invoices.c.holder_id, func.count()).where(
        invoices.c.holder_id.in_(holder_ids), invoices.c.status == "issued").group_by(invoices.c.holder_id))
    return dict(rows.all())


# --- what a coordinator sees before approving -------------------------------------------------------

@dataclass
class OutcomeMoneyLeft:
    words: str
    set_aside_pence: int  # for the plan year
    left_pence: int  # to spend now, after this order's money is kept aside
    this_order_pence: int


@dataclass
class ApprovalContext:
    """The plan an order is for and the money left beside it, for the coordinator's decision."""

    plan: object | None
    outcomes: list[OutcomeMoneyLeft]
    budget_left_pence: int
    earmarked: bool


def approval_context(order: Order) -> ApprovalContext:
    balances = ledger.balances(order.budget_id)
    plan = approved_plan(order.budget)
    earmarked = order.budget.council.money_is_earmarked
    this_order: dict[str | None, int] = {}
    for line in order.lines:
        this_order[line.outcome_key] = this_order.get(line.outcome_key, 0) + line.total_pence
    outcomes = [OutcomeMoneyLeft(o.own_words, o.amount_pence, balances.pot(o.key).available if earmarked else balances.total.available,
                                 this_order.get(o.key, 0))
                for o in (plan.outcomes if plan is not None else [])]
    return ApprovalContext(plan, outcomes, balances.total.available, earmarked)
