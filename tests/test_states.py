"""The state machines: the engine (one way to move, an event row for every move, a named error for
an illegal one) and the shape of every table (no state that cannot be reached or left)."""
from __future__ import annotations

import pytest

from marketplace.errors import InvalidTransition
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.orders.models import ORDER
from marketplace.plans.models import PLAN
from marketplace.states import StateMachine, machine_for, machines, may

MACHINES = {machine.name: machine for machine in machines()}


def test_every_stateful_object_has_its_machine():
    assert set(MACHINES) == {"plan", "order", "occurrence", "amendment", "invoice", "payment", "payment_run", "dispute",
                             "listing", "organisation", "plan_review", "clawback", "review", "need", "need_reply", "support_request",
                             "crisis_run", "job"}


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_every_state_can_be_reached_from_a_first_state(name):
    machine = MACHINES[name]
    reached, frontier = set(machine.initial), list(machine.initial)
    while frontier:
        for target in machine.table[frontier.pop()]:
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(machine.states)


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_every_state_has_a_plain_label(name):
    machine = MACHINES[name]
    assert set(machine.labels) == set(machine.states)
    assert all(label and "_" not in label for label in machine.labels.values())


def test_a_table_naming_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="lost"):
        StateMachine("thing", {"new": {"lost"}}, initial=("new",), model="things_test")


def test_a_first_state_must_be_in_the_table():
    with pytest.raises(ValueError, match="gone"):
        StateMachine("thing", {"new": set()}, initial=("gone",), model="things_test")


def test_move_changes_the_status_and_writes_who_from_what_to_what_and_why(make, ctx):
    council = make.council()
    person = make.user()
    holder = make.holder(council, user=person)
    plan = make.support_plan(holder, status="submitted")
    coordinator = make.user("care_coordinator", council)

    previous = PLAN.move(plan, "changes_requested", actor=coordinator, reason="Say more about evenings", version=1)
    db.session.commit()

    event = db.session.scalar(db.select(Event).filter_by(action="plan.changes_requested"))
    assert (previous, plan.status) == ("submitted", "changes_requested")
    assert (event.actor_id, event.holder_id, event.council_id) == (coordinator.id, holder.id, council.id)
    assert (event.object_type, event.object_id) == ("support_plans", plan.id)
    assert event.detail == {"from": "submitted", "to": "changes_requested", "reason": "Say more about evenings", "version": 1}


def test_an_illegal_move_raises_naming_the_object_and_both_states_and_changes_nothing(make, ctx):
    holder = make.holder(make.council())
    plan = make.support_plan(holder, status="approved")
    with pytest.raises(InvalidTransition) as raised:
        PLAN.move(plan, "submitted")
    assert raised.value.message == "This plan is approved and cannot be made submitted."
    assert (raised.value.current, raised.value.wanted) == ("approved", "submitted")
    assert plan.status == "approved"
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_allowed_and_may_answer_from_the_table(make, ctx):
    holder = make.holder(make.council())
    plan = make.support_plan(holder, status="submitted")
    assert PLAN.allowed(plan) == {"approved", "changes_requested", "refused", "referred_to_panel"}
    assert may(plan, "approved") and not may(plan, "draft")
    assert machine_for(plan) is PLAN


def test_start_gives_only_a_first_state(make, ctx):
    holder = make.holder(make.council())
    organisation, user = make.provider(make.council())
    order = make.bare_order(holder, organisation, placed_by=user)
    with pytest.raises(InvalidTransition):
        ORDER.start(order, "paid")
    ORDER.start(order, "awaiting_approval", record=False)
    assert order.status == "awaiting_approval"


def test_a_moves_event_names_the_holder_through_the_object(make, ctx):
    """An occurrence has no holder of its own: its machine finds the holder through its order."""
    occurrence_machine = MACHINES["occurrence"]
    council = make.council()
    holder = make.holder(council)
    organisation, user = make.provider(council)
    order = make.bare_order(holder, organisation, placed_by=user)

    class Dated:
        __tablename__ = "occurrences"
        id = 7
        status = "scheduled"
    occurrence = Dated()
    occurrence.order = order
    occurrence_machine.move(occurrence, "delivered", actor=user)
    event = db.session.scalar(db.select(Event).filter_by(action="occurrence.delivered"))
    assert (event.holder_id, event.council_id, event.object_id) == (holder.id, council.id, 7)


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_every_machine_refuses_a_move_its_table_does_not_list(name):
    """Each machine checks its own table, whatever its callers check first."""
    machine = MACHINES[name]
    # A move its table does not list; where every move between its states is allowed (a review: published
    # and hidden, either way), a state it does not have.
    state, target = next(((s, t) for s in machine.states for t in machine.states if t != s and t not in machine.table[s]),
                         (sorted(machine.states)[0], "nowhere"))
    thing = type("Thing", (), {"__tablename__": machine.model, machine.field: state, "id": 1})()
    with pytest.raises(InvalidTransition):
        machine.move(thing, target)
    assert getattr(thing, machine.field) == state
