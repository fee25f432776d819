"""Break each state machine on purpose and see whether a test notices.

For every move in every transition table, the move is taken out ("-invoice:approved>paid"); for
every machine, its check is switched off so any move is allowed ("*invoice"). Each mutant runs the
tests of the areas that machine belongs to (``tests/conftest.py`` applies it from
``STATE_TABLE_MUTANT``), stopping at the first failure. A mutant no test kills is a rule nothing
tests: write the test, then run this again.

    .venv/bin/python bench/state_table_mutants.py            # every mutant
    .venv/bin/python bench/state_table_mutants.py invoice    # one machine's
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marketplace.app import create_app  # noqa: E402  (imports every model, so every machine exists)
from marketplace.states import machines  # noqa: E402

TESTS = {
    "plan": ["tests/plans", "tests/test_states.py"],
    "order": ["tests/orders", "tests/billing"],
    "occurrence": ["tests/orders", "tests/billing"],
    "amendment": ["tests/orders/test_amendments.py"],
    "invoice": ["tests/billing"],
    "payment": ["tests/billing"],
    "payment_run": ["tests/billing"],
    "dispute": ["tests/billing"],
    "listing": ["tests/catalogue"],
    "organisation": ["tests/catalogue", "tests/test_registration.py"],
}


def mutants(only: set[str]) -> list[tuple[str, list[str]]]:
    found = []
    for machine in machines():
        if only and machine.name not in only:
            continue
        for source, targets in machine.table.items():
            found += [(f"-{machine.name}:{source}>{target}", TESTS[machine.name]) for target in sorted(targets)]
        found.append((f"*{machine.name}", TESTS[machine.name]))
    return found


def killed(mutant: str, tests: list[str]) -> bool:
    env = {**os.environ, "STATE_TABLE_MUTANT": mutant}
    result = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    return result.returncode != 0


def main(argv: list[str]) -> int:
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}, env="testing")
    todo = mutants(set(argv))
    survivors = []
    started = time.perf_counter()
    for n, (mutant, tests) in enumerate(todo, 1):
        dead = killed(mutant, tests)
        if not dead:
            survivors.append(mutant)
        print(f"{n:>3}/{len(todo)} {'killed  ' if dead else 'SURVIVED'} {mutant}", flush=True)
    print(f"\n{len(todo) - len(survivors)} of {len(todo)} killed ({100 * (len(todo) - len(survivors)) / len(todo):.0f}%) "
          f"in {time.perf_counter() - started:.0f} s")
    for mutant in survivors:
        print(f"  survived: {mutant}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
