"""The ledger's invariants on the load database, checked after the load test (and on its own:
``.venv/bin/python -m bench.load.ledger_check``).

For every budget: the balances the app shows (``budgets.ledger.balances_of``, one grouped query) equal a
replay of its entries one by one (``tests/ledger_replay.py``, the reference the ledger tests use), and no
pot, nor the budget as a whole, has less than nothing available or promised.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def check() -> tuple[int, int, list[str]]:
    """(budgets checked, entries replayed, problems). Inside an app context."""
    from marketplace.budgets import ledger
    from marketplace.budgets.models import BudgetPeriod, LedgerEntry
    from marketplace.extensions import db
    from tests.ledger_replay import replay

    budget_ids = db.session.scalars(db.select(BudgetPeriod.id).order_by(BudgetPeriod.id)).all()
    shown = ledger.balances_of(budget_ids)
    problems: list[str] = []
    entries = 0
    current, rows = None, []

    def finish(budget_id, rows):
        replayed = replay(rows)
        if replayed != shown[budget_id]:
            problems.append(f"budget {budget_id}: shown {shown[budget_id]} but the replay gives {replayed}")
        for pot, balance in [("the whole budget", replayed.total), *replayed.pots.items()]:
            if balance.available < 0 or balance.committed < 0:
                problems.append(f"budget {budget_id}, pot {pot}: {balance.available} available, {balance.committed} committed")
    query = (db.select(LedgerEntry.budget_id, LedgerEntry.kind, LedgerEntry.pot, LedgerEntry.amount_pence)
             .order_by(LedgerEntry.budget_id, LedgerEntry.id).execution_options(yield_per=20_000))
    for row in db.session.execute(query):
        entries += 1
        if row.budget_id != current:
            if current is not None:
                finish(current, rows)
            current, rows = row.budget_id, []
        rows.append(row)
    if current is not None:
        finish(current, rows)
    seen = {b for b in budget_ids if shown[b].pots}
    for budget_id in set(budget_ids) - seen:  # no entries: nothing may be shown either
        if shown[budget_id] != replay([]):
            problems.append(f"budget {budget_id}: no entries but balances shown")
    return len(budget_ids), entries, problems


def main() -> int:
    from bench.load.generate import DEFAULT_URL, local_url
    os.environ["DATABASE_URL"] = local_url(os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    from marketplace.app import create_app
    with create_app().app_context():
        budgets, entries, problems = check()
    print(f"Ledger: {budgets:,} budgets, {entries:,} entries replayed: "
          + ("invariants intact." if not problems else f"{len(problems)} PROBLEMS:\n  " + "\n  ".join(problems[:20])))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
