"""Telling the right people asks the policy about everyone connected to the target: the council's staff
and brokers, not every holder in the council (a county has tens of thousands), in a bounded number of
statements whatever the number of holders or staff."""
from __future__ import annotations

from marketplace import policy
from marketplace.accounts import roles as R
from marketplace.extensions import db

from .. import factories
from .counting import counted_statements


def _who_may(app, holder) -> tuple[list, int]:
    db.session.expire_all()
    with counted_statements(app) as seen:
        people = policy.who_may("holder.view", db.session.get(type(holder), holder.id))
    return people, len(seen)


def test_who_may_reads_the_councils_staff_not_its_holders_in_bounded_statements(app, make):
    council = factories.council("aldermoor")
    jo = factories.holder(council, user=factories.user(email="jo@example.com"))
    coordinator = factories.user(R.CARE_COORDINATOR, council)
    for _ in range(3):
        factories.holder(council, user=factories.user())
    db.session.commit()
    few_people, few = _who_may(app, jo)
    for n in range(12):
        factories.holder(council, user=factories.user())
        factories.user(R.FINANCE_OFFICER if n % 2 else R.TEAM_MANAGER, council)
    db.session.commit()
    many_people, many = _who_may(app, jo)
    assert jo.user in few_people and coordinator in few_people
    assert not any(p.id != jo.user_id and p.has_role(R.HOLDER, council.id) for p in many_people)
    assert len(many_people) > len(few_people) and many == few <= 8
