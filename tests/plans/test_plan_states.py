"""A plan's life: every legal change of status, the illegal ones, and the reasons people must give."""
from __future__ import annotations

import pytest

from marketplace.errors import DomainError, InvalidTransition
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.plans import service as plans

from .support import fresh, read


@pytest.fixture
def draft(make, holder, budget, coordinator):
    return make.written_plan(holder, budget, by=coordinator)


@pytest.fixture
def submitted(draft, coordinator):
    return plans.submit(coordinator, draft)


@pytest.fixture
def referred(submitted, coordinator):
    return plans.decide(coordinator, submitted, "referred_to_panel", "Needs the panel's view on the risks.")


def events_for(plan) -> list[str]:
    return db.session.scalars(db.select(Event.action).filter_by(object_type="support_plans", object_id=plan.id)
                              .order_by(Event.id)).all()


# --- the legal moves ---------------------------------------------------------------

def test_a_draft_is_sent_for_a_decision(draft, coordinator):
    plans.submit(coordinator, draft)
    plan = fresh(draft)
    assert (plan.status, plan.waiting_on) == ("submitted", "care_coordinator")
    assert plan.submitted_at is not None and plan.expected_by is not None


def test_the_holder_sends_their_own_plan_on_the_submit_page(browser, draft):
    browser.sign_in("jo@example.com")
    response = browser.submit(f"/plans/{draft.id}/submit")
    assert response.status_code == 302
    assert fresh(draft).status == "submitted"


def test_a_submitted_plan_is_approved(submitted, coordinator):
    plans.decide(coordinator, submitted, "approved")
    assert fresh(submitted).status == "approved"


def test_a_submitted_plan_is_sent_back_for_changes(submitted, coordinator):
    plans.decide(coordinator, submitted, "changes_requested", "Please add a contingency plan.")
    plan = fresh(submitted)
    assert (plan.status, plan.decision_reason, plan.waiting_on) == ("changes_requested", "Please add a contingency plan.", None)


def test_a_submitted_plan_is_refused(submitted, coordinator):
    plans.decide(coordinator, submitted, "refused", "This is not something the budget can pay for.")
    assert fresh(submitted).status == "refused"


def test_a_submitted_plan_is_referred_to_the_panel(submitted, coordinator):
    plans.decide(coordinator, submitted, "referred_to_panel", "Needs the panel's view on the risks.")
    plan = fresh(submitted)
    assert (plan.status, plan.waiting_on) == ("referred_to_panel", "panel")


def test_the_panel_approves_a_referred_plan(referred, team_manager):
    plans.decide(team_manager, referred, "approved", as_panel=True)
    assert fresh(referred).status == "approved"


def test_the_panel_asks_for_changes_to_a_referred_plan(referred, team_manager):
    plans.decide(team_manager, referred, "changes_requested", "Add who checks in after climbing.")
    assert fresh(referred).status == "changes_requested"


def test_the_panel_refuses_a_referred_plan(referred, team_manager):
    plans.decide(team_manager, referred, "refused", "The risk is too high.", as_panel=True)
    assert fresh(referred).status == "refused"


def test_a_plan_with_changes_asked_for_is_changed_and_sent_again(submitted, coordinator):
    plans.decide(coordinator, submitted, "changes_requested", "Please add a contingency plan.")
    plans.update_plan(coordinator, submitted, contingency_plan="My brother can cover.")
    plans.submit(coordinator, submitted)
    plan = fresh(submitted)
    assert (plan.status, plan.contingency_plan, plan.decision_reason) == ("submitted", "My brother can cover.", None)


def test_approving_a_new_version_replaces_the_old_one(make, holder, budget, coordinator):
    first = make.approved_plan(holder, budget, decided_by=coordinator)
    second = plans.new_version(coordinator, holder, budget)
    assert [(o.key, o.amount_pence) for o in second.outcomes] == [(o.key, o.amount_pence) for o in first.outcomes]
    plans.submit(coordinator, second)
    plans.decide(coordinator, second, "approved")
    assert (fresh(first).status, fresh(second).status) == ("superseded", "approved")
    assert (second.version, second.supersedes_id) == (2, first.id)


def test_a_refused_new_version_leaves_the_old_one_approved(make, holder, budget, coordinator):
    first = make.approved_plan(holder, budget, decided_by=coordinator)
    second = plans.submit(coordinator, plans.new_version(coordinator, holder, budget))
    plans.decide(coordinator, second, "refused", "Nothing has changed since the last plan.")
    assert (fresh(first).status, fresh(second).status) == ("approved", "refused")


def test_every_change_of_status_is_in_the_event_log(submitted, coordinator):
    plans.decide(coordinator, submitted, "changes_requested", "Please add a contingency plan.")
    plans.submit(coordinator, submitted)
    plans.decide(coordinator, submitted, "approved")
    assert [a for a in events_for(submitted) if a in ("plan.submitted", "plan.changes_requested", "plan.approved")] == [
        "plan.submitted", "plan.changes_requested", "plan.submitted", "plan.approved"]


# --- the illegal ones --------------------------------------------------------------

def test_a_draft_cannot_be_approved(draft, coordinator):
    with pytest.raises(InvalidTransition, match="This plan is draft and cannot be made approved"):
        plans.decide(coordinator, draft, "approved")
    db.session.rollback()
    assert fresh(draft).status == "draft"


def test_the_decision_page_says_a_draft_cannot_be_approved(browser, draft, coordinator):
    browser.sign_in("cath@example.com")
    response = browser.submit(f"/plans/{draft.id}/decide", {"decision": "approved", "reason": ""})
    assert response.status_code == 200
    assert "This plan is draft and cannot be made approved." in read(response)
    assert fresh(draft).status == "draft"


def test_a_submitted_plan_cannot_be_edited(submitted, coordinator):
    with pytest.raises(DomainError, match="can no longer be changed"):
        plans.update_plan(coordinator, submitted, about_me="Something new")


def test_the_edit_page_refuses_changes_to_a_submitted_plan(browser, submitted):
    browser.sign_in("jo@example.com")
    response = browser.submit(f"/plans/{submitted.id}/edit", {"about_me": "Something new", "crisis_plan": "Call 999"})
    assert response.status_code == 200
    assert "This version of the plan can no longer be changed. Start a new version instead." in read(response)
    assert fresh(submitted).about_me != "Something new"


def test_no_outcome_can_be_added_to_a_submitted_plan(submitted, coordinator):
    with pytest.raises(DomainError, match="can no longer be changed"):
        plans.add_outcome(coordinator, submitted, own_words="Swimming", codes=["community"], amount_pence=1000)


def test_no_outcome_can_be_removed_from_an_approved_plan(submitted, coordinator):
    plans.decide(coordinator, submitted, "approved")
    with pytest.raises(DomainError, match="can no longer be changed"):
        plans.remove_outcome(coordinator, submitted.outcomes[0])


def test_a_refused_plan_cannot_be_sent_again(submitted, coordinator):
    plans.decide(coordinator, submitted, "refused", "Not something the budget can pay for.")
    with pytest.raises(DomainError, match="Start a new version instead"):
        plans.submit(coordinator, submitted)
    db.session.rollback()
    assert fresh(submitted).status == "refused"


def test_a_submitted_plan_cannot_be_sent_again(submitted, coordinator):
    with pytest.raises(DomainError, match="can no longer be changed"):
        plans.submit(coordinator, submitted)


def test_an_approved_plan_cannot_be_decided_again(submitted, coordinator):
    plans.decide(coordinator, submitted, "approved")
    with pytest.raises(InvalidTransition, match="approved and cannot be made refused"):
        plans.decide(coordinator, submitted, "refused", "Changed my mind.")


def test_a_referred_plan_cannot_be_referred_again(referred, coordinator):
    with pytest.raises(InvalidTransition, match="referred to panel and cannot be made referred to panel"):
        plans.decide(coordinator, referred, "referred_to_panel", "Again.")


def test_a_plan_with_changes_asked_for_cannot_be_approved_before_it_is_sent_again(submitted, coordinator):
    plans.decide(coordinator, submitted, "changes_requested", "Please add a contingency plan.")
    with pytest.raises(InvalidTransition):
        plans.decide(coordinator, submitted, "approved")


def test_a_second_version_cannot_start_while_one_is_open(submitted, coordinator, holder, budget):
    with pytest.raises(DomainError, match="Version 1 of the plan is still waiting for a decision. Finish that one first."):
        plans.new_version(coordinator, holder, budget)


def test_a_plan_without_outcomes_or_crisis_plan_cannot_be_sent(make, holder, budget, coordinator):
    plan = plans.new_version(coordinator, holder, budget)
    with pytest.raises(DomainError, match="add at least one outcome, say what should happen in a crisis"):
        plans.submit(coordinator, plan)


def test_a_plan_over_twice_the_indicative_budget_cannot_be_sent(make, holder, coordinator):
    budget = make.budget(holder, indicative_pence=100000)
    plan = make.written_plan(holder, budget, [("A lot", ["community"], 200001)], by=coordinator)
    with pytest.raises(DomainError, match="more than twice the indicative budget"):
        plans.submit(coordinator, plan)


def test_an_unknown_decision_is_refused(submitted, coordinator):
    with pytest.raises(DomainError, match="Choose a decision"):
        plans.decide(coordinator, submitted, "superseded", "Just because.")


# --- reasons -------------------------------------------------------------------------

@pytest.mark.parametrize("decision", ["changes_requested", "refused", "referred_to_panel"])
def test_every_decision_but_approval_needs_a_reason(submitted, coordinator, decision):
    with pytest.raises(DomainError, match="Give a reason the person can read"):
        plans.decide(coordinator, submitted, decision, "   ")
    db.session.rollback()
    assert fresh(submitted).status == "submitted"


def test_approval_needs_no_reason(submitted, coordinator):
    plans.decide(coordinator, submitted, "approved")
    assert (fresh(submitted).status, fresh(submitted).decision_reason) == ("approved", None)


def test_the_decision_page_asks_for_the_missing_reason(browser, submitted, coordinator):
    browser.sign_in("cath@example.com")
    response = browser.submit(f"/plans/{submitted.id}/decide", {"decision": "refused", "reason": ""})
    assert "Give a reason the person can read." in read(response)
    assert fresh(submitted).status == "submitted"


def test_the_holder_reads_the_reason_for_a_refusal(browser, submitted, coordinator, holder):
    plans.decide(coordinator, submitted, "refused", "A television is not part of an agreed outcome.")
    browser.sign_in("jo@example.com")
    text = read(browser.get(f"/holders/{holder.id}/money"))
    assert "Version 1: Not approved" in text
    assert "The reason given: A television is not part of an agreed outcome." in text
