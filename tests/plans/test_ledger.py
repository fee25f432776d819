"""The budget ledger, movement by movement: what each allows, what it refuses, and that entries stay as written."""
from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.budgets import ledger
from marketplace.budgets.models import LedgerEntry
from marketplace.errors import DomainError
from marketplace.extensions import db


@pytest.fixture
def finance(make, aldermoor):
    return make.user(R.FINANCE_OFFICER, aldermoor)


def entries(budget) -> list[tuple]:
    return [(e.kind, e.amount_pence, e.pot) for e in ledger.entries_for(budget.id)]


def saved(entry=None):
    db.session.commit()
    return entry


# --- the database itself -------------------------------------------------------------

def test_the_database_refuses_a_negative_amount_that_is_not_a_correction(budget):
    db.session.add(LedgerEntry(budget_id=budget.id, holder_id=budget.holder_id, council_id=budget.council_id,
                               kind="payment", amount_pence=-1, effective_on=clock.today()))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_database_accepts_a_negative_correction(budget):
    db.session.add(LedgerEntry(budget_id=budget.id, holder_id=budget.holder_id, council_id=budget.council_id,
                               kind="adjustment", amount_pence=-1, effective_on=clock.today(), memo="Keying mistake"))
    db.session.commit()
    assert entries(budget) == [("adjustment", -1, None)]


def test_the_database_refuses_the_same_idempotency_key_twice(budget):
    for _ in range(2):
        db.session.add(LedgerEntry(budget_id=budget.id, holder_id=budget.holder_id, council_id=budget.council_id,
                                   kind="funding", amount_pence=100, effective_on=clock.today(), idempotency_key="pay-1"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- entries are only ever added --------------------------------------------------------

def every_movement(budget, actor) -> None:
    """One of each service call, each committed."""
    saved(ledger.receive(budget, "funding", 50000, pot="swim", actor=actor))
    saved(ledger.receive(budget, "contribution", 5000, pot="swim", actor=actor))
    saved(ledger.commit(budget, 20000, outcome_key="swim", actor=actor))
    saved(ledger.release(budget, 2000, outcome_key="swim", actor=actor))
    saved(ledger.pay(budget, 25000, outcome_key="swim", actor=actor))
    saved(ledger.credit(budget, 1000, outcome_key="swim", actor=actor))
    saved(ledger.clawback(budget, 3000, pot="swim", actor=actor))
    saved(ledger.adjust(budget, -500, pot="swim", actor=actor, memo="Bank charge"))
    saved(ledger.external_spend(budget, 4000, outcome_key="swim", actor=actor))


def rows(budget_id) -> list[tuple]:
    return [tuple(r) for r in db.session.execute(
        db.select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.amount_pence, LedgerEntry.pot, LedgerEntry.outcome_key,
                  LedgerEntry.effective_on, LedgerEntry.memo, LedgerEntry.actor_id, LedgerEntry.created_at)
        .filter_by(budget_id=budget_id).order_by(LedgerEntry.id))]


def test_entries_already_written_are_unchanged_by_later_movements(budget, finance):
    saved(ledger.receive(budget, "funding", 50000, pot="swim", actor=finance))
    saved(ledger.commit(budget, 10000, outcome_key="swim", actor=finance))
    first = rows(budget.id)
    every_movement(budget, finance)
    assert rows(budget.id)[:len(first)] == first


def test_no_movement_updates_or_deletes_a_ledger_row(budget, finance):
    statements = []

    def watch(conn, cursor, statement, parameters, context, executemany):
        if "ledger_entries" in statement and statement.lstrip().upper().startswith(("UPDATE", "DELETE")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        every_movement(budget, finance)
        with pytest.raises(DomainError):
            ledger.commit(budget, 10**7, outcome_key="swim", actor=finance)
        db.session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    assert len(ledger.entries_for(budget.id)) == 10  # nine movements, one of them a payment with a top-up
    assert statements == []


def test_a_refused_movement_leaves_no_entry(budget, finance):
    saved(ledger.receive(budget, "funding", 1000, pot="swim", actor=finance))
    with pytest.raises(ledger.InsufficientFunds):
        ledger.commit(budget, 1001, outcome_key="swim", actor=finance)
    db.session.rollback()
    assert entries(budget) == [("funding", 1000, "swim")]


# --- what each movement allows ------------------------------------------------------------

def test_a_commitment_bigger_than_the_outcome_money_says_how_much_is_missing(budget, finance):
    saved(ledger.receive(budget, "funding", 10000, pot="swim", actor=finance))
    with pytest.raises(ledger.InsufficientFunds) as refused:
        ledger.commit(budget, 15000, outcome_key="swim", actor=finance)
    assert (refused.value.shortfall_pence, refused.value.available_pence) == (5000, 10000)
    assert refused.value.message == ("There is not enough money for this outcome to pay for this: £100.00 is left and "
                                     "this needs £150.00, £50.00 more.")


def test_an_earmarked_outcome_cannot_spend_another_outcomes_money(budget, finance):
    saved(ledger.receive(budget, "funding", 10000, pot="swim", actor=finance))
    saved(ledger.receive(budget, "funding", 10000, pot="garden", actor=finance))
    with pytest.raises(ledger.InsufficientFunds):
        ledger.commit(budget, 15000, outcome_key="swim", actor=finance)


def test_a_global_council_spends_any_outcome_from_the_one_pot(make, birchley):
    holder = make.holder(birchley)
    budget = make.budget(holder)
    saved(ledger.receive(budget, "funding", 20000))
    entry = saved(ledger.commit(budget, 15000, outcome_key="swim"))
    assert (entry.pot, entry.outcome_key) == (None, "swim")
    assert ledger.balances(budget.id).pot(None).available == 5000


def test_a_global_council_keeps_money_received_for_an_outcome_in_the_one_pot(make, birchley):
    holder = make.holder(birchley)
    budget = make.budget(holder)
    saved(ledger.receive(budget, "funding", 20000, pot="swim"))
    saved(ledger.commit(budget, 15000, outcome_key="garden"))
    saved(ledger.adjust(budget, -1000, pot="swim", memo="Bank charge"))
    saved(ledger.clawback(budget, 1000, pot="garden"))
    assert {e.pot for e in ledger.entries_for(budget.id)} == {None}
    assert ledger.balances(budget.id).total.available == 3000


def test_a_payment_above_the_promise_is_promised_first(budget, finance):
    saved(ledger.receive(budget, "funding", 10000, pot="swim", actor=finance))
    saved(ledger.commit(budget, 5000, outcome_key="swim", actor=finance))
    saved(ledger.pay(budget, 7000, outcome_key="swim", actor=finance))
    assert entries(budget)[1:] == [("commitment", 5000, "swim"), ("commitment", 2000, "swim"), ("payment", 7000, "swim")]
    swim = ledger.balances(budget.id).pot("swim")
    assert (swim.available, swim.committed, swim.spent) == (3000, 0, 7000)


def test_a_payment_the_outcome_cannot_cover_is_refused(budget, finance):
    saved(ledger.receive(budget, "funding", 1000, pot="swim", actor=finance))
    with pytest.raises(ledger.InsufficientFunds, match="to make this payment"):
        ledger.pay(budget, 1500, outcome_key="swim", actor=finance)


def test_more_than_is_promised_cannot_be_released(budget, finance):
    saved(ledger.receive(budget, "funding", 1000, pot="swim", actor=finance))
    saved(ledger.commit(budget, 600, outcome_key="swim", actor=finance))
    with pytest.raises(DomainError, match="Cannot release more than is promised"):
        ledger.release(budget, 601, outcome_key="swim", actor=finance)


def test_a_credit_cannot_be_more_than_was_spent(budget, finance):
    saved(ledger.receive(budget, "funding", 1000, pot="swim", actor=finance))
    saved(ledger.external_spend(budget, 400, outcome_key="swim", actor=finance))
    with pytest.raises(DomainError, match="A credit cannot be more than was spent"):
        ledger.credit(budget, 401, outcome_key="swim", actor=finance)


def test_the_council_cannot_claw_back_more_than_is_left(budget, finance):
    saved(ledger.receive(budget, "funding", 1000, pot="swim", actor=finance))
    saved(ledger.commit(budget, 600, outcome_key="swim", actor=finance))
    with pytest.raises(ledger.InsufficientFunds, match="to return this to the council"):
        ledger.clawback(budget, 401, pot="swim", actor=finance)


def test_a_correction_needs_a_reason(budget, finance):
    with pytest.raises(DomainError, match="Say why the correction is needed"):
        ledger.adjust(budget, 100, pot=None, actor=finance, memo="  ")


def test_a_correction_of_nothing_is_refused(budget, finance):
    with pytest.raises(DomainError, match="must not be zero"):
        ledger.adjust(budget, 0, pot=None, actor=finance, memo="Nothing")


def test_a_downward_correction_cannot_take_an_outcome_below_zero(budget, finance):
    saved(ledger.receive(budget, "funding", 1000, pot="swim", actor=finance))
    with pytest.raises(ledger.InsufficientFunds):
        ledger.adjust(budget, -1001, pot="swim", actor=finance, memo="Bank charge")


@pytest.mark.parametrize("amount", [0, -100])
def test_money_in_must_be_more_than_nothing(budget, finance, amount):
    with pytest.raises(DomainError, match="must be more than zero"):
        ledger.receive(budget, "funding", amount, actor=finance)


def test_only_funding_or_a_contribution_can_be_received(budget, finance):
    with pytest.raises(DomainError, match="Only funding or a contribution"):
        ledger.receive(budget, "payment", 100, actor=finance)


def test_money_received_twice_under_one_key_is_posted_once(budget, finance):
    assert saved(ledger.receive(budget, "funding", 1000, actor=finance, idempotency_key="funding:1")) is not None
    assert saved(ledger.receive(budget, "funding", 1000, actor=finance, idempotency_key="funding:1")) is None
    assert entries(budget) == [("funding", 1000, None)]


def test_every_movement_is_in_the_event_log_with_its_actor(budget, finance):
    from marketplace.events.models import Event

    saved(ledger.receive(budget, "funding", 1000, pot="swim", actor=finance))
    saved(ledger.commit(budget, 400, outcome_key="swim", actor=finance))
    logged = db.session.execute(db.select(Event.action, Event.actor_id, Event.holder_id)
                                .where(Event.action.like("ledger.%")).order_by(Event.id)).all()
    assert [tuple(e) for e in logged] == [("ledger.funding", finance.id, budget.holder_id),
                                          ("ledger.commitment", finance.id, budget.holder_id)]


def test_many_budgets_balances_read_at_once_equal_each_read_alone(make, aldermoor, budget, finance):
    """``balances_of`` (one query, for reports measuring a council) agrees with ``balances`` budget by budget."""
    other = make.budget(make.holder(aldermoor))
    saved(ledger.receive(budget, "funding", 10000, pot="swim", actor=finance))
    ledger.commit(budget, 2500, outcome_key="swim", actor=finance)
    saved(ledger.pay(budget, 2000, outcome_key="swim", actor=finance))
    saved(ledger.receive(other, "funding", 700, actor=finance))
    together = ledger.balances_of([budget.id, other.id, 999_999])
    assert together[budget.id] == ledger.balances(budget.id) and together[other.id] == ledger.balances(other.id)
    assert together[999_999] == ledger.Balances()
