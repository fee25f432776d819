"""A holder of one of the five councils with an approved plan for 1 April 2026 to 31 March 2027, and
money moved through the ledger's own API: payments received on their dates, spending recorded."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from marketplace.accounts import roles as R
from marketplace.budgets import ledger
from marketplace.extensions import db

from .. import factories

START = date(2026, 4, 1)


@dataclass
class Case:
    council: object
    holder_user: object
    holder: object
    budget: object
    key: str  # the plan outcome's key (its pot, where the council earmarks money)
    broker: object
    finance: object
    coordinator: object

    def receive(self, *dues: date, amount: int) -> None:
        for due in dues:
            ledger.receive(self.budget, "funding", amount, pot=self.key, effective_on=due, memo="Payment")
        db.session.commit()

    def spend(self, amount: int) -> None:
        ledger.external_spend(self.budget, amount, outcome_key=self.key, memo="Spent")
        db.session.commit()


def case(slug: str, yearly: int, *, schedule: str = "four_weekly") -> Case:
    council = factories.council(slug)
    person, holder = factories.holder_account(council, name="Sam Holder")
    staff = factories.council_staff(council, R.FINANCE_OFFICER, R.CARE_COORDINATOR)
    broker = factories.user(R.BROKER, council, name="Bo Broker")
    factories.delegation(holder, broker, ["view", "order"], kind="broker")
    budget = factories.budget(holder, starts_on=START, schedule=schedule, set_up_by=staff[R.FINANCE_OFFICER])
    plan = factories.plan_for_ordering(holder, budget, [("Get out and meet people", ("community",), yearly, ("other",))],
                                       fund=False, through_service=False)
    return Case(council, person, holder, budget, plan.outcomes[0].key, broker, staff[R.FINANCE_OFFICER],
                staff[R.CARE_COORDINATOR])


def four_weekly(n: int) -> list[date]:
    """The first ``n`` payment dates of a four-weekly plan starting 1 April 2026."""
    return [START + timedelta(weeks=4 * i) for i in range(n)]
