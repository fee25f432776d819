"""Writing a plan on the pages, in the person's own words, and the coordinators' list of plans waiting."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from marketplace import clock
from marketplace.extensions import db
from marketplace.plans import service as plans
from marketplace.plans.models import SupportPlan

from .support import fresh, read, yearly


@pytest.fixture
def jo(browser, holder, budget):
    browser.sign_in("jo@example.com")
    return browser


@pytest.fixture
def draft(make, holder, budget):
    """Jo's own draft, with one outcome."""
    return make.written_plan(holder, budget, by=holder.user)


def test_the_holder_starts_a_plan_from_the_money_page(jo, holder):
    response = jo.submit(f"/holders/{holder.id}/plans", form_url=f"/holders/{holder.id}/money")
    plan = db.session.scalar(db.select(SupportPlan).filter_by(holder_id=holder.id))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/plans/{plan.id}")
    assert (plan.version, plan.status, plan.created_by_id) == (1, "draft", holder.user_id)


def test_an_outcome_added_on_the_page_keeps_the_persons_words_and_amount(jo, draft):
    response = jo.submit(f"/plans/{draft.id}/outcomes/new", {
        "own_words": "Learn to cook a few meals", "codes": ["nutrition"], "amount": "£1,250.50", "how_met": "A class"})
    assert response.status_code == 302
    added = fresh(draft).outcomes[-1]
    assert (added.own_words, added.codes, added.amount_pence, added.how_met) == (
        "Learn to cook a few meals", ["nutrition"], 125050, "A class")


def test_an_outcome_without_an_amount_is_not_added(jo, draft):
    response = jo.submit(f"/plans/{draft.id}/outcomes/new", {"own_words": "Learn to cook", "codes": ["nutrition"], "amount": ""})
    assert response.status_code == 200
    assert "Enter the money set aside" in read(response)
    assert len(fresh(draft).outcomes) == 1


def test_the_crisis_plan_and_risks_are_saved_from_the_edit_page(jo, draft):
    response = jo.submit(f"/plans/{draft.id}/edit", {
        "about_me": "I like being outdoors.", "crisis_plan": "Ring my sister first.", "contingency_plan": "",
        "risks": "I may stop going out when low | My PA checks in on Mondays", "written_with": ["self", "broker"]})
    assert response.status_code == 302
    plan = fresh(draft)
    assert (plan.about_me, plan.crisis_plan, plan.contingency_plan, plan.written_with) == (
        "I like being outdoors.", "Ring my sister first.", None, ["self", "broker"])
    assert plan.risks == [{"risk": "I may stop going out when low", "management": "My PA checks in on Mondays"}]


def test_an_outcome_is_removed_on_the_plan_page(jo, draft):
    response = jo.submit(f"/plans/{draft.id}/outcomes/{draft.outcomes[0].id}/remove", form_url=f"/plans/{draft.id}")
    assert response.status_code == 302
    assert fresh(draft).outcomes == []


def test_the_submit_page_says_who_will_decide(jo, make, holder, budget):
    plan = make.written_plan(holder, budget, [("Get out", ["community"], yearly(30000))], by=holder.user)
    text = read(jo.get(f"/plans/{plan.id}/submit"))
    assert "The plan costs £15,600.00 for the year, about £300.00 a week." in text
    assert "Under Aldermoor Council's rules it will be decided by a team manager." in text


def test_sending_the_plan_tells_the_holder_who_decides_and_by_when(jo, draft, holder):
    with clock.frozen(datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc)):
        response = jo.submit(f"/plans/{draft.id}/submit")
        text = read(jo.get(response.headers["Location"]))
    assert "The plan has gone to a care coordinator. They aim to decide by 15 March 2026." in text


def test_the_workspace_lists_plans_waiting_with_late_ones_marked(browser, make, holder, budget, coordinator):
    with clock.frozen(datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc)) as frozen:
        make.written_plan(holder, budget, by=coordinator, submit=True)
        frozen.advance(days=11)
        browser.sign_in("cath@example.com")
        text = read(browser.get("/council/plans"))
    assert "Aldermoor Council: 1 waiting." in text
    assert "Jo Holder (version 1) £50.00 a care coordinator 5 March 2026 15 March 2026 Late" in text


def test_a_decided_plan_leaves_the_workspace(browser, make, holder, budget, coordinator):
    plan = make.written_plan(holder, budget, by=coordinator, submit=True)
    plans.decide(coordinator, plan, "approved")
    browser.sign_in("cath@example.com")
    assert "Aldermoor Council: 0 waiting." in read(browser.get("/council/plans"))
