"""Issuing monthly statements, and finding them again.

``generate_month`` issues one month's statements for every budget (or one council's) in chunks of
budget ids; ``generate_for`` issues one chunk and is what a queue worker would run. Both are safe to
run again: a budget that already has the month's statement is left alone, and an issued statement
is never changed. Each chunk costs a fixed number of queries whatever its size (see
``bench/statements.py``).

Which ledger entries a statement covers: those of its budget dated up to the end of its month and
recorded up to the run's watermark (``through_entry_id``), less those an earlier statement covered.
An entry dated in an issued month but recorded after that statement was issued is therefore on the
next statement, as a correction, and never changes the one already issued.
"""
from __future__ import annotations

import calendar
import importlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Callable, Iterable

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from .. import clock, mail
from ..billing.models import Invoice
from ..budgets.models import BudgetPeriod, LedgerEntry
from ..councils.models import Council
from ..errors import DomainError
from ..extensions import db
from ..holders.models import Delegation, Holder
from ..money import format_pence
from ..notifications.service import notify
from ..orders.models import OrderLine
from ..plans.models import PlanOutcome, SupportPlan
from ..taxonomy import category_name
from .compute import HELD, PROMISED, Entry, draft
from .models import Statement, StatementLine, StatementPot

CHUNK = 500


def parse_month(text: str) -> date:
    """'2026-10' -> 1 October 2026. Raises DomainError for anything else."""
    try:
        year, month = (int(part) for part in (text or "").strip().split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else _bad_month(text)
    except ValueError:
        return _bad_month(text)


def _bad_month(text) -> date:
    raise DomainError(f"{str(text)[:20]!r} is not a month: write it as YYYY-MM, like 2026-10.")


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_name(month: date) -> str:
    return f"{month:%B %Y}"


def latest_month(today: date | None = None) -> date:
    """The last month that has ended (statements are for whole months)."""
    first = (today or clock.today()).replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def watermark() -> int:
    """The last ledger entry a run may cover. Entries recorded in the last ``STATEMENT_SETTLE_SECONDS``
    (60 s outside tests) are left for the next statement: on PostgreSQL an id taken by a transaction
    that has not committed yet must not fall below the watermark unseen."""
    settle = current_app.config.get("STATEMENT_SETTLE_SECONDS", 0 if current_app.testing else 60)
    query = select(func.max(LedgerEntry.id))
    if settle:
        query = query.where(LedgerEntry.created_at <= clock.now() - timedelta(seconds=settle))
    return db.session.scalar(query) or 0


def budgets_for_month(month: date, council: Council | None = None) -> list[int]:
    """Ids of the budgets whose plan period overlaps the month."""
    query = select(BudgetPeriod.id).where(BudgetPeriod.starts_on <= month_end(month), BudgetPeriod.ends_on >= month)
    if council is not None:
        query = query.where(BudgetPeriod.council_id == council.id)
    return list(db.session.scalars(query.order_by(BudgetPeriod.id)))


@dataclass
class RunResult:
    issued: int = 0
    already: int = 0
    skipped: int = 0  # a later month was already issued: this month cannot come after it

    def add(self, other: "RunResult") -> None:
        self.issued += other.issued
        self.already += other.already
        self.skipped += other.skipped


def generate_month(month: date, council: Council | None = None, *, chunk: int = CHUNK,
                   progress: Callable[[int], None] | None = None) -> RunResult:
    """Issue the month's statements for every budget (of one council), ``chunk`` budgets a transaction."""
    if month_end(month) >= clock.today():
        raise DomainError(f"{month_name(month)} has not ended yet: statements are for whole months.")
    ids = budgets_for_month(month, council)
    through = watermark()
    result = RunResult()
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        result.add(generate_for(part, month, through_entry_id=through))
        if progress:
            progress(len(part))
    return result


def generate_for(budget_ids: Iterable[int], month: date, *, through_entry_id: int | None = None) -> RunResult:
    """Issue the month's statements for these budgets in one transaction, and tell the holders and
    their delegates. A queue worker runs this for a list of ids; it is safe to run again."""
    ids = sorted(set(budget_ids))
    through = watermark() if through_entry_id is None else through_entry_id
    start, end = month, month_end(month)
    result = RunResult()
    budgets = db.session.scalars(select(BudgetPeriod).where(BudgetPeriod.id.in_(ids)).options(
        selectinload(BudgetPeriod.council),
        selectinload(BudgetPeriod.holder).selectinload(Holder.user),
        selectinload(BudgetPeriod.holder).selectinload(Holder.delegations).selectinload(Delegation.delegate))).all()
    previous: dict[int, Statement] = {}  # each budget's latest statement before this month
    issued: dict[int, date] = {}  # each budget's earliest statement for this month or later
    for statement in db.session.scalars(select(Statement).where(Statement.budget_id.in_(ids))
                                        .options(selectinload(Statement.pots)).order_by(Statement.month)):
        if statement.month < start:
            previous[statement.budget_id] = statement
        else:
            issued.setdefault(statement.budget_id, statement.month)
    todo = []
    for budget in budgets:
        if issued.get(budget.id) == start:
            result.already += 1
        elif budget.id in issued:
            result.skipped += 1
        else:
            todo.append(budget)
    if not todo:
        return result
    entries = _entries(todo, previous, start, end, through)
    openings = _openings([b for b in todo if b.id not in previous], start, through)
    details = _details([e for rows in entries.values() for e in rows])
    words = _outcome_words([b.id for b in todo])
    issued_at = clock.now()
    made = []
    for budget in todo:
        prev = previous.get(budget.id)
        opening = ({p.pot: (p.closing_pence, p.committed_pence) for p in prev.pots} if prev is not None
                   else openings.get(budget.id, {}))
        statement_draft = draft(opening, entries.get(budget.id, []), month_start=start,
                                earmarked=budget.council.money_is_earmarked, words=words.get(budget.id, {}), details=details)
        row = dict(budget_id=budget.id, holder_id=budget.holder_id, council_id=budget.council_id, month=start,
                   through_entry_id=through, underspend_sentence=underspend_sentence(budget, end), issued_at=issued_at,
                   **statement_draft.figures)
        made.append((budget, row, statement_draft))
    # Core inserts: one executemany a table per chunk (the ORM would insert row by row on SQLite to read back ids).
    db.session.execute(Statement.__table__.insert(), [row for _b, row, _d in made])
    ids = dict(db.session.execute(select(Statement.budget_id, Statement.id)
                                  .where(Statement.budget_id.in_([b.id for b in todo]), Statement.month == start)).all())
    for _budget, row, _draft in made:
        row["id"] = ids[row["budget_id"]]
    _write_lines(made)
    for budget, row, _draft in made:
        _tell(budget, SimpleNamespace(**row))
    mail.send_later()  # thousands of emails: the mail job sends them, not this one after each chunk
    db.session.commit()
    result.issued += len(made)
    return result


def _entries(budgets, previous, start: date, end: date, through: int) -> dict[int, list[Entry]]:
    """Each budget's entries that this statement is the first to cover."""
    ids = [b.id for b in budgets]
    prevs = [previous[b.id] for b in budgets if b.id in previous]
    earlier = [LedgerEntry.effective_on >= start]
    if prevs:  # recorded after an earlier statement, or dated after it (a month with no statement)
        earlier += [LedgerEntry.id > min(p.through_entry_id for p in prevs),
                    LedgerEntry.effective_on > min(month_end(p.month) for p in prevs)]
    rows = db.session.execute(select(
        LedgerEntry.budget_id, LedgerEntry.id, LedgerEntry.kind, LedgerEntry.amount_pence, LedgerEntry.pot,
        LedgerEntry.outcome_key, LedgerEntry.effective_on, LedgerEntry.cause_type, LedgerEntry.cause_id, LedgerEntry.memo,
    ).where(LedgerEntry.budget_id.in_(ids), LedgerEntry.id <= through, LedgerEntry.effective_on <= end, or_(*earlier))).all()
    found: dict[int, list[Entry]] = defaultdict(list)
    for budget_id, *fields in rows:
        entry = Entry(*fields)
        prev = previous.get(budget_id)
        if prev is None:
            covered = entry.effective_on < start  # in the opening balance
        else:
            covered = entry.id <= prev.through_entry_id and entry.effective_on <= month_end(prev.month)
        if not covered:
            found[budget_id].append(entry)
    return found


def _openings(budgets, start: date, through: int) -> dict[int, dict[str | None, tuple[int, int]]]:
    """For a budget's first statement: money held and promised per pot before the month."""
    if not budgets:
        return {}
    rows = db.session.execute(select(LedgerEntry.budget_id, LedgerEntry.kind, LedgerEntry.pot, func.sum(LedgerEntry.amount_pence))
                              .where(LedgerEntry.budget_id.in_([b.id for b in budgets]), LedgerEntry.id <= through,
                                     LedgerEntry.effective_on < start)
                              .group_by(LedgerEntry.budget_id, LedgerEntry.kind, LedgerEntry.pot)).all()
    result: dict[int, dict] = defaultdict(dict)
    for budget_id, kind, pot, amount in rows:
        held, promised = result[budget_id].get(pot, (0, 0))
        result[budget_id][pot] = (held + HELD[kind] * int(amount), promised + PROMISED[kind] * int(amount))
    return result


def _details(entries: list[Entry]) -> dict[tuple[str, int], tuple[str, dict]]:
    """Provider and categories (by outcome) of the invoices that payments and credits came from."""
    invoice_ids = {e.cause_id for e in entries if e.cause_type == "invoices" and e.cause_id}
    if not invoice_ids:
        return {}
    invoices = db.session.scalars(select(Invoice).where(Invoice.id.in_(invoice_ids))
                                  .options(selectinload(Invoice.organisation))).all()
    lines = db.session.execute(select(OrderLine.order_id, OrderLine.outcome_key, OrderLine.category)
                               .where(OrderLine.order_id.in_({i.order_id for i in invoices})).order_by(OrderLine.id)).all()
    by_order: dict[int, dict] = defaultdict(dict)
    for order_id, outcome_key, category in lines:
        by_order[order_id].setdefault(outcome_key, category_name(category))
    return {("invoices", i.id): (i.organisation.name, by_order.get(i.order_id, {})) for i in invoices}


def _outcome_words(budget_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each budget's outcome words by key, from every plan version (the newest wins)."""
    rows = db.session.execute(select(SupportPlan.budget_id, PlanOutcome.key, PlanOutcome.own_words).join(SupportPlan)
                              .where(SupportPlan.budget_id.in_(budget_ids)).order_by(SupportPlan.version, PlanOutcome.id)).all()
    words: dict[int, dict[str, str]] = defaultdict(dict)
    for budget_id, key, text in rows:
        words[budget_id][key] = text
    return words


def _write_lines(made) -> None:
    lines, pots = [], []
    for _budget, statement, statement_draft in made:
        lines += [dict(statement_id=statement["id"], position=i, section=l.section, kind=l.kind, label=l.label, provider=l.provider,
                       category=l.category, outcome=(l.outcome or None) and l.outcome[:300], dated_on=l.dated_on,
                       amount_pence=l.amount) for i, l in enumerate(statement_draft.lines)]
        pots += [dict(statement_id=statement["id"], position=i, pot=p.pot, label=p.label[:300], opening_pence=p.opening,
                      money_in_pence=p.money_in, money_out_pence=p.money_out, closing_pence=p.closing,
                      committed_pence=p.committed) for i, p in enumerate(statement_draft.pots)]
    if lines:
        db.session.execute(StatementLine.__table__.insert(), lines)
    if pots:
        db.session.execute(StatementPot.__table__.insert(), pots)


def _tell(budget: BudgetPeriod, statement) -> None:
    """The holder and everyone they let see their account are told, in the product and by email."""
    holder = budget.holder
    what = (f"Money in {format_pence(statement.money_in_pence)}, money out {format_pence(statement.money_out_pence)}, "
            f"{format_pence(statement.closing_pence)} held at the end of the month.")
    link = f"/statements/{statement.id}"
    month = month_name(statement.month)
    if holder.user is not None:
        notify(holder.user, f"Your statement for {month} is ready", what, link)
    for delegation in holder.delegations:
        if delegation.allows("view") and delegation.delegate is not None and delegation.delegate_id != holder.user_id:
            notify(delegation.delegate, f"{holder.name}'s statement for {month} is ready", what, link)


# --- the underspend position, from marketplace/underspend when it is there -------------------

def _position_function():
    """``marketplace.underspend.position.position`` (another part of the product), or None while it is not there."""
    try:
        module = importlib.import_module("marketplace.underspend.position")
    except ImportError:
        return None
    found = getattr(module, "position", None)
    return found if callable(found) else None


def underspend_sentence(budget: BudgetPeriod, on: date) -> str | None:
    """The one plain sentence on where the money stands against the council's underspend rule, on the
    last day of the month. None without an approved budget to measure against (as on the money page)."""
    position = _position_function()
    if position is None or not budget.approved_annual_budget_pence:
        return None
    sentence = getattr(position(budget, on=on), "sentence", None)
    return str(sentence) if sentence else None


# --- finding statements ----------------------------------------------------------------

def for_holder(holder: Holder) -> list[Statement]:
    return db.session.scalars(select(Statement).filter_by(holder_id=holder.id)
                              .order_by(Statement.month.desc(), Statement.id.desc())).all()


def months_issued(holder_ids: list[int]) -> list[date]:
    if not holder_ids:
        return []
    return list(db.session.scalars(select(Statement.month).where(Statement.holder_id.in_(holder_ids)).distinct()
                                   .order_by(Statement.month.desc())))


def for_holders(holder_ids: list[int], month: date) -> list[Statement]:
    """The month's statements of several people (a broker's or budget manager's), with their holders."""
    if not holder_ids:
        return []
    return db.session.scalars(select(Statement).where(Statement.holder_id.in_(holder_ids), Statement.month == month)
                              .options(selectinload(Statement.holder)).order_by(Statement.holder_id, Statement.id)).all()


FIGURES = ("opening_pence", "money_in_pence", "money_out_pence", "closing_pence", "funding_pence", "contribution_pence",
           "paid_pence", "external_spend_pence", "credit_pence", "clawback_pence", "adjustment_pence", "late_pence",
           "committed_pence")


def totals(statements: list[Statement]) -> dict[str, int]:
    """The figures added up across statements (a caseload's summary)."""
    return {name: sum(getattr(s, name) for s in statements) for name in FIGURES}


def council_totals(council: Council, month: date) -> dict[str, int]:
    """The council's figures for the month: every holder's statement added up, in one query."""
    row = db.session.execute(select(*[func.coalesce(func.sum(getattr(Statement, name)), 0) for name in FIGURES])
                             .where(Statement.council_id == council.id, Statement.month == month)).one()
    return {name: int(value) for name, value in zip(FIGURES, row)}
