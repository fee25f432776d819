"""Random sequences of ledger operations, through the service functions, keep the books straight.

Every example starts a fresh holder and budget; each operation is committed when the service
accepts it and rolled back when it refuses (DomainError, InsufficientFunds). After every step the
balances are checked. The earmarked council (Aldermoor) keeps a pot per outcome; the global-sum
council (Birchley) keeps all money in one pot.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import event as tally
from hypothesis import strategies as st

from marketplace.accounts import roles as R
from marketplace.budgets import ledger
from marketplace.errors import DomainError
from marketplace.extensions import db

from ..ledger_replay import replay

COUNCILS = ["aldermoor", "birchley"]  # earmarked per outcome; one global sum
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Outcome keys the operations name (None: the budget as a whole / money not yet allocated).
pots = st.sampled_from([None, "k1", "k2"])
# Mostly sensible amounts, sometimes zero or negative (which every movement must refuse).
amounts = st.integers(min_value=-500, max_value=30_000)
money_in = st.tuples(st.sampled_from(["funding", "contribution"]), st.integers(min_value=1, max_value=100_000), pots)
operations = st.one_of(
    st.tuples(st.sampled_from(["funding", "contribution"]), st.integers(min_value=-500, max_value=100_000), pots),
    st.tuples(st.just("commit"), amounts, pots),
    st.tuples(st.just("release"), amounts, pots),
    st.tuples(st.just("pay"), amounts, pots, st.none() | st.integers(min_value=0, max_value=30_000)),
    st.tuples(st.just("credit"), amounts, pots),
    st.tuples(st.just("clawback"), amounts, pots),
    st.tuples(st.just("adjust"), st.integers(min_value=-30_000, max_value=30_000), pots),
    st.tuples(st.just("external_spend"), amounts, pots),
)
# Money comes in first (so spending has something to work on), then up to 11 operations of any kind.
sequences = st.builds(lambda first, then: first + then, st.lists(money_in, min_size=1, max_size=3),
                      st.lists(operations, min_size=1, max_size=11))
SPENDING = ("commit", "release", "pay", "credit", "clawback", "external_spend")


@pytest.fixture
def staff(make):
    """A finance officer in each council, who sets up the budgets and makes every movement."""
    return {slug: make.user(R.FINANCE_OFFICER, make.council(slug)) for slug in COUNCILS}


def new_budget(make, staff, slug):
    """A fresh holder and budget for one example (earlier examples' rows stay; they do not interfere)."""
    council = staff[slug].grants[0].council
    return make.budget(make.holder(council), set_up_by=staff[slug])


def apply(budget, actor, operation) -> None:
    """One call to the ledger service, as the ordering and funding code make them."""
    kind, amount, pot, *extra = operation
    if kind in ("funding", "contribution"):
        ledger.receive(budget, kind, amount, pot=pot, actor=actor)
    elif kind == "commit":
        ledger.commit(budget, amount, outcome_key=pot, actor=actor)
    elif kind == "release":
        ledger.release(budget, amount, outcome_key=pot, actor=actor)
    elif kind == "pay":
        ledger.pay(budget, amount, outcome_key=pot, from_committed=extra[0], actor=actor)
    elif kind == "credit":
        ledger.credit(budget, amount, outcome_key=pot, actor=actor)
    elif kind == "clawback":
        ledger.clawback(budget, amount, pot=pot, actor=actor)
    elif kind == "adjust":
        ledger.adjust(budget, amount, pot=pot, actor=actor, memo="Correcting a keying mistake")
    elif kind == "external_spend":
        ledger.external_spend(budget, amount, outcome_key=pot, actor=actor)
    else:  # pragma: no cover
        raise AssertionError(kind)


def run(budget, actor, sequence, after_each) -> None:
    """Apply each operation, commit or roll back, then call ``after_each(operation, accepted)``."""
    db.session.rollback()  # a clean start even if an earlier example failed mid-way
    spent = 0
    for operation in sequence:
        try:
            apply(budget, actor, operation)
        except DomainError:
            db.session.rollback()
            accepted = False
        else:
            db.session.commit()
            accepted = True
        tally(f"{operation[0]} {'accepted' if accepted else 'refused'}")  # see --hypothesis-show-statistics
        spent += accepted and operation[0] in SPENDING
        after_each(operation, accepted)
    target(float(spent), label="spending operations the ledger accepted")


# --- the books balance after every step -----------------------------------------------

@pytest.mark.parametrize("slug", COUNCILS)
@settings(PROPERTY, max_examples=40)
@given(sequence=sequences)
def test_the_books_balance_after_every_operation(make, staff, slug, sequence):
    """(a) balances derived by the grouped query equal a replay of the entries, in total and in every pot;
    (b) no service call takes available money below zero, overall or in any pot;
    (c) the pots add up to the total, bucket by bucket."""
    budget = new_budget(make, staff, slug)

    def check(operation, accepted):
        derived = ledger.balances(budget.id)
        replayed = replay(ledger.entries_for(budget.id))
        assert derived.total == replayed.total, ("(a) total differs from the replay", operation)
        assert derived.pots == replayed.pots, ("(a) pots differ from the replay", operation)
        assert derived.total.available >= 0, ("(b) the budget went below zero", operation)
        below = {pot: b.available for pot, b in derived.pots.items() if b.available < 0}
        assert below == {}, ("(b) pots went below zero", operation)
        for bucket in ("available", "committed", "spent", "funded", "clawed_back"):
            in_pots = sum(getattr(b, bucket) for b in derived.pots.values())
            assert in_pots == getattr(derived.total, bucket), (f"(c) pots' {bucket} do not add up", operation)

    run(budget, staff[slug], sequence, check)


# --- the service allows exactly what the money allows -----------------------------------

@dataclass
class Model:
    """What the ledger should hold, worked out by hand: per pot, [available, committed, spent]."""

    earmarked: bool
    pots: dict = field(default_factory=dict)

    def pot(self, key):
        return self.pots.setdefault(key if self.earmarked else None, [0, 0, 0])

    def free(self, key) -> int:
        """What may be spent from ``key``: its own money, and never more than the whole budget has."""
        return min(self.pot(key)[0], sum(p[0] for p in self.pots.values()))

    def allows(self, operation) -> bool:
        kind, amount, key, *_ = operation
        if kind == "adjust":
            return amount > 0 or (amount < 0 and -amount <= self.free(key))
        if amount <= 0:
            return False
        if kind in ("funding", "contribution"):
            return True
        if kind in ("commit", "clawback", "external_spend"):
            return amount <= self.free(key)
        if kind == "release":
            return amount <= self.pot(key)[1]
        if kind == "credit":
            return amount <= self.pot(key)[2]
        if kind == "pay":
            top_up = amount - self._promised(operation)
            return top_up <= 0 or top_up <= self.free(key)
        raise AssertionError(kind)

    def apply(self, operation) -> None:
        kind, amount, key, *_ = operation
        pot = self.pot(key)
        change = {"funding": (1, 0, 0), "contribution": (1, 0, 0), "adjust": (1, 0, 0), "commit": (-1, 1, 0),
                  "release": (1, -1, 0), "credit": (1, 0, -1), "clawback": (-1, 0, 0), "external_spend": (-1, 0, 1)}
        if kind == "pay":
            # Whatever was not promised is promised first, then the whole amount is spent.
            top_up = max(0, amount - self._promised(operation))
            pot[0] -= top_up
            pot[1] += top_up - amount
            pot[2] += amount
            return
        for i, sign in enumerate(change[kind]):
            pot[i] += sign * amount

    def _promised(self, operation) -> int:
        _, _, key, from_committed = operation
        committed = self.pot(key)[1]
        return committed if from_committed is None else min(from_committed, committed)

    def balances(self) -> dict:
        return {key: tuple(p) for key, p in self.pots.items() if any(p)}


@pytest.mark.parametrize("slug", COUNCILS)
@settings(PROPERTY, max_examples=20)
@given(sequence=sequences)
def test_each_operation_is_allowed_exactly_when_the_money_is_there(make, staff, slug, sequence):
    budget = new_budget(make, staff, slug)
    model = Model(earmarked=budget.council.money_is_earmarked)

    def check(operation, accepted):
        assert accepted == model.allows(operation), (operation, model.balances())
        if accepted:
            model.apply(operation)
        now = ledger.balances(budget.id)
        held = {key: (b.available, b.committed, b.spent) for key, b in now.pots.items()}
        held = {key: buckets for key, buckets in held.items() if buckets != (0, 0, 0)}
        assert held == model.balances(), operation

    run(budget, staff[slug], sequence, check)
