"""The append-only budget ledger: every movement of a holder's money, and balances derived from it.

Each function that moves money locks the budget row first, derives the balances from
the entries in the same transaction, checks that the movement is allowed (no pot and no
budget ever goes below zero available), and adds one entry. The caller commits, so an
order and its commitment land together or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, update

from .. import clock
from ..errors import DomainError
from ..events import service as events
from ..extensions import db
from ..money import format_pence
from .models import ENTRY_EFFECTS, BudgetPeriod, LedgerEntry


class InsufficientFunds(DomainError):
    """The money is not there. ``shortfall_pence`` says by how much."""

    def __init__(self, message: str, shortfall_pence: int, available_pence: int):
        super().__init__(message)
        self.shortfall_pence = shortfall_pence
        self.available_pence = available_pence


@dataclass
class PotBalance:
    available: int = 0
    committed: int = 0
    spent: int = 0
    funded: int = 0  # funding + contribution received
    clawed_back: int = 0

    def apply(self, kind: str, amount: int) -> None:
        d_available, d_committed, d_spent = ENTRY_EFFECTS[kind]
        self.available += d_available * amount
        self.committed += d_committed * amount
        self.spent += d_spent * amount
        if kind in ("funding", "contribution"):
            self.funded += amount
        elif kind == "clawback":
            self.clawed_back += amount


@dataclass
class Balances:
    total: PotBalance = field(default_factory=PotBalance)
    pots: dict[str | None, PotBalance] = field(default_factory=dict)

    def pot(self, key: str | None) -> PotBalance:
        return self.pots.get(key, PotBalance())

    def apply(self, kind: str, pot: str | None, amount: int) -> None:
        self.total.apply(kind, amount)
        self.pots.setdefault(pot, PotBalance()).apply(kind, amount)


def lock_budget(budget: BudgetPeriod) -> None:
    """Take the budget's row lock for the rest of the transaction.

    An UPDATE is portable: PostgreSQL holds a row lock until commit, and SQLite takes its
    single write lock, so two money movements on one budget are always serialised.
    """
    db.session.execute(update(BudgetPeriod).where(BudgetPeriod.id == budget.id)
                       .values(lock_version=BudgetPeriod.lock_version + 1)
                       .execution_options(synchronize_session=False))


def balances(budget_id: int) -> Balances:
    """Balances derived from the entries with one grouped query."""
    rows = db.session.execute(
        db.select(LedgerEntry.kind, LedgerEntry.pot, func.sum(LedgerEntry.amount_pence))
        .where(LedgerEntry.budget_id == budget_id).group_by(LedgerEntry.kind, LedgerEntry.pot)
    ).all()
    result = Balances()
    for kind, pot, amount in rows:
        result.apply(kind, pot, int(amount or 0))
    return result


def balances_of(budget_ids: list[int]) -> dict[int, Balances]:
    """``balances`` for many budgets in one grouped query (reports measuring a whole council)."""
    result = {budget_id: Balances() for budget_id in budget_ids}
    for start in range(0, len(budget_ids), 5000):  # within SQLite's limit on bound values
        chunk = budget_ids[start:start + 5000]
        rows = db.session.execute(
            db.select(LedgerEntry.budget_id, LedgerEntry.kind, LedgerEntry.pot, func.sum(LedgerEntry.amount_pence))
            .where(LedgerEntry.budget_id.in_(chunk)).group_by(LedgerEntry.budget_id, LedgerEntry.kind, LedgerEntry.pot))
        for budget_id, kind, pot, amount in rows:
            result[budget_id].apply(kind, pot, int(amount or 0))
    return result


def entries_for(budget_id: int) -> list[LedgerEntry]:
    return db.session.scalars(db.select(LedgerEntry).filter_by(budget_id=budget_id)
                              .order_by(LedgerEntry.effective_on, LedgerEntry.id)).all()


def _pot_for(budget: BudgetPeriod, outcome_key: str | None) -> str | None:
    """Earmarked councils keep a pot per outcome; elsewhere all money is one pot. Every movement,
    money in and corrections included, goes through this, so a global council never strands money
    in a pot its spending cannot reach."""
    return outcome_key if budget.council.money_is_earmarked else None


def _add(budget: BudgetPeriod, kind: str, amount: int, *, pot: str | None, outcome_key: str | None, actor=None,
         cause=None, memo: str | None = None, idempotency_key: str | None = None,
         effective_on: date | None = None) -> LedgerEntry:
    if kind not in ENTRY_EFFECTS:
        raise DomainError(f"Unknown ledger entry kind {kind!r}.")
    if kind != "adjustment" and amount <= 0:
        raise DomainError("The amount must be more than zero.")
    entry = LedgerEntry(
        budget_id=budget.id, holder_id=budget.holder_id, council_id=budget.council_id, kind=kind, amount_pence=amount,
        pot=pot, outcome_key=outcome_key, effective_on=effective_on or clock.today(),
        cause_type=getattr(cause, "__tablename__", None), cause_id=getattr(cause, "id", None), memo=memo,
        idempotency_key=idempotency_key, actor_id=getattr(actor, "id", None),
    )
    db.session.add(entry)
    db.session.flush()
    events.record(f"ledger.{kind}", actor=actor, holder=budget.holder, obj=entry, amount_pence=amount, pot=pot)
    return entry


def _require_available(budget: BudgetPeriod, current: Balances, pot: str | None, amount: int, what: str) -> None:
    pot_available = current.pot(pot).available
    available = min(pot_available, current.total.available)
    if amount > available:
        shortfall = amount - available
        where = "for this outcome" if pot is not None else "in the budget"
        raise InsufficientFunds(
            f"There is not enough money {where} to {what}: {format_pence(available)} is left and this needs "
            f"{format_pence(amount)}, {format_pence(shortfall)} more.", shortfall, available)


def already_posted(idempotency_key: str) -> bool:
    return db.session.scalar(db.select(func.count(LedgerEntry.id)).filter_by(idempotency_key=idempotency_key)) > 0


# --- movements -------------------------------------------------------------------

def receive(budget, kind: str, amount: int, *, pot: str | None = None, actor=None, memo=None,
            idempotency_key: str | None = None, effective_on: date | None = None) -> LedgerEntry | None:
    """Money in: funding from the council or the holder's contribution. Idempotent on the key."""
    if kind not in ("funding", "contribution"):
        raise DomainError("Only funding or a contribution can be received.")
    lock_budget(budget)
    if idempotency_key and already_posted(idempotency_key):
        return None
    return _add(budget, kind, amount, pot=_pot_for(budget, pot), outcome_key=pot, actor=actor, memo=memo,
                idempotency_key=idempotency_key, effective_on=effective_on)


def receive_many(budget, items: list[dict], actor=None) -> list[LedgerEntry]:
    """Post several receipts (funding or contribution) under one lock: the funding job's fast path.

    ``items``: dicts with kind, amount, pot, idempotency_key, effective_on, memo. Keys
    already posted are skipped, so the job stays safe to re-run.
    """
    lock_budget(budget)
    keys = [i["idempotency_key"] for i in items]
    done = set(db.session.scalars(db.select(LedgerEntry.idempotency_key).where(LedgerEntry.idempotency_key.in_(keys)))) if keys else set()
    entries = []
    for item in items:
        if item["idempotency_key"] in done or item["amount"] <= 0:
            continue
        if item["kind"] not in ("funding", "contribution"):
            raise DomainError("Only funding or a contribution can be received.")
        entries.append(LedgerEntry(
            budget_id=budget.id, holder_id=budget.holder_id, council_id=budget.council_id, kind=item["kind"],
            amount_pence=item["amount"], pot=_pot_for(budget, item["pot"]), outcome_key=item["pot"], effective_on=item["effective_on"],
            memo=item.get("memo"), idempotency_key=item["idempotency_key"], actor_id=getattr(actor, "id", None)))
    if entries:
        db.session.add_all(entries)
        db.session.flush()
        for entry in entries:
            events.record(f"ledger.{entry.kind}", actor=actor, holder=budget.holder, obj=entry,
                          amount_pence=entry.amount_pence, pot=entry.pot)
    return entries


def commit(budget, amount: int, *, outcome_key: str | None, cause=None, actor=None, memo=None,
           what: str = "pay for this") -> LedgerEntry:
    """Promise money to a provider. Refused with InsufficientFunds when it does not fit."""
    lock_budget(budget)
    pot = _pot_for(budget, outcome_key)
    _require_available(budget, balances(budget.id), pot, amount, what)
    return _add(budget, "commitment", amount, pot=pot, outcome_key=outcome_key, actor=actor, cause=cause, memo=memo)


def release(budget, amount: int, *, outcome_key: str | None, cause=None, actor=None, memo=None) -> LedgerEntry:
    """Give promised money back to the budget (an order declined, cancelled or reduced)."""
    lock_budget(budget)
    pot = _pot_for(budget, outcome_key)
    if amount > balances(budget.id).pot(pot).committed:
        raise DomainError("Cannot release more than is promised.")
    return _add(budget, "release", amount, pot=pot, outcome_key=outcome_key, actor=actor, cause=cause, memo=memo)


def pay(budget, amount: int, *, outcome_key: str | None, from_committed: int | None = None, cause=None, actor=None,
        memo=None) -> LedgerEntry:
    """Turn promised money into spend. If the payment is more than was promised, the
    difference must be available and is promised first."""
    lock_budget(budget)
    pot = _pot_for(budget, outcome_key)
    current = balances(budget.id)
    promised = current.pot(pot).committed if from_committed is None else min(from_committed, current.pot(pot).committed)
    extra = amount - promised
    if extra > 0:
        _require_available(budget, current, pot, extra, "make this payment")
        _add(budget, "commitment", extra, pot=pot, outcome_key=outcome_key, actor=actor, cause=cause,
             memo="Top-up to cover the payment")
    return _add(budget, "payment", amount, pot=pot, outcome_key=outcome_key, actor=actor, cause=cause, memo=memo)


def credit(budget, amount: int, *, outcome_key: str | None, cause=None, actor=None, memo=None) -> LedgerEntry:
    """A provider's credit note gives money back. It cannot be more than was spent."""
    lock_budget(budget)
    pot = _pot_for(budget, outcome_key)
    if amount > balances(budget.id).pot(pot).spent:
        raise DomainError("A credit cannot be more than was spent.")
    return _add(budget, "credit", amount, pot=pot, outcome_key=outcome_key, actor=actor, cause=cause, memo=memo)


def clawback(budget, amount: int, *, pot: str | None = None, actor=None, memo=None, cause=None) -> LedgerEntry:
    """The council takes back unspent money."""
    lock_budget(budget)
    outcome_key, pot = pot, _pot_for(budget, pot)
    _require_available(budget, balances(budget.id), pot, amount, "return this to the council")
    return _add(budget, "clawback", amount, pot=pot, outcome_key=outcome_key, actor=actor, cause=cause, memo=memo)


def adjust(budget, amount: int, *, pot: str | None = None, actor=None, memo: str) -> LedgerEntry:
    """A correction, either way. A negative correction cannot take a pot below zero."""
    if not (memo or "").strip():
        raise DomainError("Say why the correction is needed.")
    if amount == 0:
        raise DomainError("The correction must not be zero.")
    lock_budget(budget)
    outcome_key, pot = pot, _pot_for(budget, pot)
    if amount < 0:
        _require_available(budget, balances(budget.id), pot, -amount, "make this correction")
    return _add(budget, "adjustment", amount, pot=pot, outcome_key=outcome_key, actor=actor, memo=memo)


def external_spend(budget, amount: int, *, outcome_key: str | None, actor=None, memo: str | None = None,
                   cause=None) -> LedgerEntry:
    """A direct-payment holder's purchase made outside the marketplace (e.g. a gym paid in cash);
    ``cause`` is the purchase as recorded (marketplace.spending)."""
    lock_budget(budget)
    pot = _pot_for(budget, outcome_key)
    _require_available(budget, balances(budget.id), pot, amount, "record this spending")
    return _add(budget, "external_spend", amount, pot=pot, outcome_key=outcome_key, actor=actor, cause=cause, memo=memo)
