"""Every statement reconciles with the ledger exactly, over random ledgers made through the ledger service.

Each example is a fresh holder and budget. Operations are dated in August, September and October 2026
(the clock is frozen on the day); some are recorded after August's statement was issued but dated in
August, the way a late correction arrives. The statements are issued month by month in between.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.budgets import ledger
from marketplace.budgets.models import LedgerEntry
from marketplace.extensions import db
from marketplace.statements import service
from marketplace.statements.compute import HELD, PROMISED
from marketplace.statements.models import Statement

from ..plans.test_ledger_properties import apply

COUNCILS = ["aldermoor", "birchley"]  # earmarked per outcome; one global sum
MONTHS = [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
pots = st.sampled_from([None, "k1", "k2"])
amounts = st.integers(min_value=1, max_value=30_000)
operation = st.one_of(
    st.tuples(st.sampled_from(["funding", "contribution"]), st.integers(min_value=1, max_value=100_000), pots),
    st.tuples(st.just("commit"), amounts, pots),
    st.tuples(st.just("release"), amounts, pots),
    st.tuples(st.just("pay"), amounts, pots, st.none() | st.integers(min_value=0, max_value=30_000)),
    st.tuples(st.just("credit"), amounts, pots),
    st.tuples(st.just("clawback"), amounts, pots),
    st.tuples(st.just("adjust"), st.integers(min_value=-30_000, max_value=30_000).filter(bool), pots),
    st.tuples(st.just("external_spend"), amounts, pots),
)
# (month index, day, operation); then late corrections dated in August, recorded after its statement.
dated = st.tuples(st.integers(min_value=0, max_value=2), st.integers(min_value=1, max_value=28), operation)
ledgers = st.tuples(st.lists(dated, min_size=1, max_size=10), st.lists(st.tuples(st.integers(1, 28), operation), max_size=3))


@pytest.fixture
def staff(make):
    return {slug: make.user(R.FINANCE_OFFICER, make.council(slug)) for slug in COUNCILS}


def on(month: date, day: int):
    return clock.frozen(datetime(month.year, month.month, day, 12, tzinfo=timezone.utc))


def attempt(budget, actor, op) -> None:
    try:
        apply(budget, actor, op)
    except Exception:  # noqa: BLE001  (the ledger refused: nothing was written)
        db.session.rollback()
    else:
        db.session.commit()


def held_and_promised(budget_id: int, through: date) -> tuple[int, int]:
    rows = db.session.execute(db.select(LedgerEntry.kind, LedgerEntry.amount_pence)
                              .where(LedgerEntry.budget_id == budget_id, LedgerEntry.effective_on <= through)).all()
    return sum(HELD[k] * a for k, a in rows), sum(PROMISED[k] * a for k, a in rows)


def figures(statement: Statement) -> tuple:
    return (tuple(getattr(statement, name) for name in service.FIGURES),
            tuple((l.section, l.kind, l.label, l.provider, l.category, l.outcome, l.dated_on, l.amount_pence) for l in statement.lines),
            tuple((p.pot, p.opening_pence, p.money_in_pence, p.money_out_pence, p.closing_pence, p.committed_pence) for p in statement.pots))


def issue(budget, month: date) -> Statement:
    with on(MONTHS[-1], 28), clock.frozen(datetime(2026, 11, 2, 9, tzinfo=timezone.utc)):
        service.generate_for([budget.id], month)
    db.session.expire_all()
    return db.session.scalar(db.select(Statement).filter_by(budget_id=budget.id, month=month))


def check(statement: Statement) -> None:
    assert statement.opening_pence + statement.money_in_pence - statement.money_out_pence == statement.closing_pence
    assert sum(l.amount_pence for l in statement.lines) == statement.closing_pence - statement.opening_pence
    assert (statement.funding_pence + statement.contribution_pence + statement.credit_pence - statement.paid_pence
            - statement.external_spend_pence - statement.clawback_pence + statement.adjustment_pence
            == statement.money_in_pence - statement.money_out_pence)
    assert sum(p.closing_pence for p in statement.pots) == statement.closing_pence
    assert sum(p.opening_pence for p in statement.pots) == statement.opening_pence
    assert sum(p.committed_pence for p in statement.pots) == statement.committed_pence
    for p in statement.pots:
        assert p.opening_pence + p.money_in_pence - p.money_out_pence == p.closing_pence


@pytest.mark.parametrize("slug", COUNCILS)
@settings(deadline=None, max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ledger_=ledgers)
def test_every_statement_reconciles_with_the_ledger(make, staff, slug, ledger_):
    db.session.rollback()
    actor = staff[slug]
    budget = make.budget(make.holder(actor.grants[0].council), set_up_by=actor)
    operations, late = ledger_
    for month_index, day, op in sorted(operations, key=lambda o: (o[0], o[1])):
        with on(MONTHS[month_index], day):
            attempt(budget, actor, op)
    august = issue(budget, MONTHS[0])
    august_then = figures(august)
    assert (august.closing_pence, august.committed_pence) == held_and_promised(budget.id, date(2026, 8, 31))
    for day, op in late:  # recorded in November, dated in August
        with on(MONTHS[0], day):
            attempt(budget, actor, op)
    late_held = sum(HELD[e.kind] * e.amount_pence for e in db.session.scalars(
        db.select(LedgerEntry).where(LedgerEntry.budget_id == budget.id, LedgerEntry.id > august.through_entry_id,
                                     LedgerEntry.effective_on < MONTHS[1])))
    september, october = issue(budget, MONTHS[1]), issue(budget, MONTHS[2])
    assert figures(db.session.get(Statement, august.id)) == august_then  # never edited
    for statement in (august, september, october):
        check(statement)
    assert september.opening_pence == august.closing_pence and october.opening_pence == september.closing_pence
    assert september.late_pence == late_held
    assert sum(l.amount_pence for l in september.lines if l.section == "earlier") == late_held
    # Everything the ledger holds up to the end of October is on one statement or another, exactly once.
    assert (october.closing_pence, october.committed_pence) == held_and_promised(budget.id, date(2026, 10, 31))
    assert (october.closing_pence - october.committed_pence) == ledger.balances(budget.id).total.available
    # A second run finds them issued and changes nothing.
    before = [figures(s) for s in (august, september, october)]
    with clock.frozen(datetime(2026, 11, 3, tzinfo=timezone.utc)):
        again = [service.generate_for([budget.id], m) for m in MONTHS]
    assert [(r.issued, r.already) for r in again] == [(0, 1)] * 3
    db.session.expire_all()
    assert [figures(s) for s in db.session.scalars(db.select(Statement).filter_by(budget_id=budget.id)
                                                   .order_by(Statement.month))] == before
