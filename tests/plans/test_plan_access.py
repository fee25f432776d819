"""Who may see and change a plan and its money: a view-only representative, a broker and their caseload."""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.accounts import roles as R
from marketplace.budgets import service as budgets
from marketplace.errors import NotAllowed
from marketplace.extensions import db
from marketplace.plans import service as plans
from marketplace.plans.models import SupportPlan

from .support import date_fields, fresh, read


@pytest.fixture
def rep(make, holder):
    """Pat may only look at Jo's account."""
    pat = make.user(R.REPRESENTATIVE, holder.council, email="pat@example.com", name="Pat Rep")
    make.delegation(holder, pat, ["view"])
    return pat


@pytest.fixture
def draft(make, holder, budget, coordinator):
    return make.written_plan(holder, budget, by=coordinator)


@pytest.fixture
def as_rep(browser, rep):
    browser.sign_in("pat@example.com")
    return browser


def plan_count(holder) -> int:
    return db.session.scalar(db.select(db.func.count(SupportPlan.id)).filter_by(holder_id=holder.id))


# --- a representative who may only look ----------------------------------------------------

def test_a_view_only_representative_sees_the_money_page(as_rep, holder, draft):
    response = as_rep.get(f"/holders/{holder.id}/money")
    assert response.status_code == 200
    text = read(response)
    assert "Version 1: Being written" in text
    assert "Change who holds the money" not in text and "Start a new version" not in text


def test_a_view_only_representative_sees_the_plan_but_no_way_to_change_it(as_rep, draft):
    response = as_rep.get(f"/plans/{draft.id}")
    assert response.status_code == 200
    text = read(response)
    assert "Get out of the house twice a week" in text
    assert "Change the plan" not in text and "Send for a decision" not in text and "Add an outcome" not in text


def test_a_view_only_representative_cannot_start_a_plan(as_rep, holder, budget):
    response = as_rep.submit(f"/holders/{holder.id}/plans", form_url="/")
    assert response.status_code == 403
    assert plan_count(holder) == 0


@pytest.mark.parametrize("page", ["edit", "outcomes/new", "submit"])
def test_a_view_only_representative_cannot_open_the_pages_that_change_a_plan(as_rep, draft, page):
    assert as_rep.get(f"/plans/{draft.id}/{page}").status_code == 403


def test_a_view_only_representative_cannot_edit_a_plan(as_rep, draft):
    response = as_rep.submit(f"/plans/{draft.id}/edit", {"about_me": "Changed", "crisis_plan": "Changed"}, form_url="/")
    assert response.status_code == 403
    assert fresh(draft).crisis_plan != "Changed"


def test_a_view_only_representative_cannot_add_an_outcome(as_rep, draft):
    response = as_rep.submit(f"/plans/{draft.id}/outcomes/new", {"own_words": "A holiday", "codes": ["community"],
                                                                  "amount": "500"}, form_url="/")
    assert response.status_code == 403
    assert len(fresh(draft).outcomes) == 1


def test_a_view_only_representative_cannot_remove_an_outcome(as_rep, draft):
    response = as_rep.submit(f"/plans/{draft.id}/outcomes/{draft.outcomes[0].id}/remove", form_url="/")
    assert response.status_code == 403
    assert len(fresh(draft).outcomes) == 1


def test_a_view_only_representative_cannot_send_the_plan(as_rep, draft):
    assert as_rep.submit(f"/plans/{draft.id}/submit", form_url="/").status_code == 403
    assert fresh(draft).status == "draft"


def test_a_view_only_representative_cannot_switch_who_holds_the_money(as_rep, budget):
    assert as_rep.get(f"/budgets/{budget.id}/deployment").status_code == 403
    response = as_rep.submit(f"/budgets/{budget.id}/deployment", {
        "to_option": "managed_account", "effective_on": date_fields(date(2026, 9, 1))}, form_url="/")
    assert response.status_code == 403
    assert fresh(budget).deployment_option == "direct_payment"


def test_a_view_only_representative_cannot_decide_on_the_plan(as_rep, draft, coordinator):
    plans.submit(coordinator, draft)
    assert as_rep.get(f"/plans/{draft.id}/decide").status_code == 403


@pytest.mark.parametrize("change", [
    lambda rep, draft: plans.new_version(rep, draft.holder, draft.budget),
    lambda rep, draft: plans.update_plan(rep, draft, crisis_plan="Changed"),
    lambda rep, draft: plans.add_outcome(rep, draft, own_words="A holiday", codes=["community"], amount_pence=500),
    lambda rep, draft: plans.remove_outcome(rep, draft.outcomes[0]),
    lambda rep, draft: plans.submit(rep, draft),
    lambda rep, draft: plans.decide(rep, draft, "approved"),
    lambda rep, draft: budgets.switch_deployment(rep, draft.budget, "managed_account", date(2026, 9, 1)),
], ids=["start", "edit", "add outcome", "remove outcome", "submit", "decide", "switch deployment"])
def test_the_services_refuse_a_view_only_representative(rep, draft, change):
    with pytest.raises(NotAllowed):
        change(rep, draft)


def test_a_representative_with_manage_may_write_the_plan(browser, make, holder, budget):
    pam = make.user(R.REPRESENTATIVE, holder.council, email="pam@example.com")
    make.delegation(holder, pam, ["manage"])
    browser.sign_in("pam@example.com")
    assert browser.submit(f"/holders/{holder.id}/plans", form_url=f"/holders/{holder.id}/money").status_code == 302
    assert plan_count(holder) == 1


# --- a broker and their caseload ----------------------------------------------------------

@pytest.fixture
def broker(make, aldermoor, holder):
    """Bea brokers for Jo, and nobody else."""
    bea = make.user(R.BROKER, aldermoor, email="bea@example.com", name="Bea Broker")
    make.delegation(holder, bea, ["view", "order"], kind="broker")
    return bea


@pytest.fixture
def someone_else(make, aldermoor, coordinator):
    other = make.holder(aldermoor, name="Sam Other")
    make.written_plan(other, make.budget(other), by=coordinator)
    return other


def test_a_broker_sees_the_plans_in_their_caseload(browser, broker, draft, holder):
    browser.sign_in("bea@example.com")
    assert browser.get(f"/holders/{holder.id}/money").status_code == 200
    assert browser.get(f"/plans/{draft.id}").status_code == 200


def test_a_broker_cannot_see_the_money_of_someone_outside_their_caseload(browser, broker, someone_else):
    browser.sign_in("bea@example.com")
    assert browser.get(f"/holders/{someone_else.id}/money").status_code == 403


def test_a_broker_cannot_see_the_plan_of_someone_outside_their_caseload(browser, broker, someone_else):
    browser.sign_in("bea@example.com")
    (plan,) = plans.plans_of(someone_else)
    assert browser.get(f"/plans/{plan.id}").status_code == 403


def test_a_broker_cannot_start_a_plan_for_someone_outside_their_caseload(broker, someone_else):
    with pytest.raises(NotAllowed):
        plans.new_version(broker, someone_else, budgets.current_budget(someone_else))


def test_a_broker_writes_the_plan_of_someone_in_their_caseload(broker, holder, budget):
    plan = plans.new_version(broker, holder, budget)
    plans.add_outcome(broker, plan, own_words="Swimming twice a week", codes=["community"], amount_pence=52000)
    assert (plan.status, plan.created_by_id, plan.total_pence) == ("draft", broker.id, 52000)


# --- the holder and other councils --------------------------------------------------------

def test_the_holder_cannot_decide_on_their_own_plan(browser, draft, coordinator):
    plans.submit(coordinator, draft)
    browser.sign_in("jo@example.com")
    assert browser.get(f"/plans/{draft.id}/decide").status_code == 403


def test_a_coordinator_from_another_council_cannot_see_the_money_page(browser, make, birchley, holder):
    make.user(R.CARE_COORDINATOR, birchley, email="bill@example.com")
    browser.sign_in("bill@example.com")
    assert browser.get(f"/holders/{holder.id}/money").status_code == 403
