"""Many checkouts against one budget at the same moment: the budget's row lock lets through exactly
what fits and refuses the rest clearly, with no other failure (no deadlock, no integrity error).

Only PostgreSQL runs these checkouts truly in parallel; SQLite serialises every writer anyway.
"""
from __future__ import annotations

import re
import threading

import pytest

from marketplace.accounts import roles as R
from marketplace.accounts.models import User
from marketplace.budgets import ledger
from marketplace.budgets.ledger import InsufficientFunds
from marketplace.extensions import db
from marketplace.holders.models import Holder
from marketplace.orders import basket, placing
from marketplace.orders import quote as quoting
from marketplace.orders.models import Order

from ..conftest import is_postgres
from ..ledger_replay import replay
from .support import key

BUYERS = 24  # the holder and 23 people with "order" rights, each with their own basket
EACH = 5  # sessions at £40: £200 per checkout
FUNDED = 110000  # £1,100 for the outcome: five checkouts fit, with £100 left


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (set TEST_DATABASE_URL): SQLite runs one writer at a time, "
                                                "so concurrent checkouts cannot race there")
def test_concurrent_checkouts_never_commit_more_than_the_budget_and_refuse_the_rest_clearly(app, make, aldermoor, coordinator,
                                                                                          jo, holder, budget, sessions):
    plan = make.plan_for_ordering(holder, budget, [("Getting out and about", ["community"], FUNDED, ["social-support"])],
                                  by=coordinator)
    outcome = plan.outcomes[0]
    buyers = [jo]
    for n in range(BUYERS - 1):
        person = make.user(R.BROKER if n % 2 else R.REPRESENTATIVE, aldermoor, email=f"buyer{n}@example.com")
        make.delegation(holder, person, ["order"], kind="broker" if n % 2 else "representative")
        buyers.append(person)
    for person in buyers:
        basket.add_to_basket(person, holder, sessions, EACH, outcome.key)
    buyer_ids, holder_id, budget_id, pot_key = [p.id for p in buyers], holder.id, budget.id, outcome.key
    db.session.commit()
    db.session.close()  # hold no connection or lock while the threads run

    start = threading.Barrier(BUYERS, timeout=60)
    placed, refused, failed = [], [], []

    def checkout(buyer_id):
        with app.app_context():
            try:
                buyer, their_holder = db.session.get(User, buyer_id), db.session.get(Holder, holder_id)
                db.session.commit()  # give the connection back while waiting at the barrier
                start.wait()
                placed.extend(o.id for o in placing.place(buyer, their_holder, key()))
            except (quoting.OrderDoesNotFit, InsufficientFunds) as refusal:
                db.session.rollback()
                refused.append(refusal.message)
            except BaseException as error:  # noqa: BLE001 - any other failure fails the test below
                db.session.rollback()
                failed.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=checkout, args=(buyer_id,)) for buyer_id in buyer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a checkout never finished (deadlock?)"

    assert failed == []
    fits = FUNDED // (EACH * 4000)
    assert len(placed) == fits == 5
    assert len(refused) == BUYERS - fits == 19
    for message in refused:
        assert re.search(r"£100\.00 more", message), message  # £200 needed, £100 left: the shortfall named

    db.session.expire_all()
    orders = db.session.scalars(db.select(Order).filter_by(holder_id=holder_id)).all()
    assert sorted(o.id for o in orders) == sorted(placed)
    money = ledger.balances(budget_id)
    committed = sum(o.committed_pence for o in orders)
    assert money.pot(pot_key).committed == committed == 100000
    assert money.pot(pot_key).available == FUNDED - committed == 10000 >= 0
    assert money.total.available >= 0
    assert replay(ledger.entries_for(budget_id)) == money  # every entry accounted for, none half-written
