"""Deciding on a plan: the approval ladder from each council's rules, and what the holder then sees."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from marketplace import clock, mail
from marketplace.accounts import roles as R
from marketplace.errors import NotAllowed
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.plans import service as plans

from .support import fresh, yearly
from .support import read as page_text

OUTCOMES = [("Get out of the house twice a week and meet people", ["community", "relationships"], 260000),
            ("Keep my flat clean and in order", ["habitable_home"], 130000)]


def costing(weekly_pence: int, words: str = "Get out and about") -> list:
    """One outcome whose plan costs ``weekly_pence`` a week."""
    return [(words, ["community"], yearly(weekly_pence))]


def decide_page(browser, plan, decision="approved", reason="", **extra):
    return browser.submit(f"/plans/{plan.id}/decide", {"decision": decision, "reason": reason, **extra})


# --- a coordinator approves; the holder sees it ------------------------------------

def test_a_coordinator_approves_a_plan_on_the_decision_page(browser, make, holder, budget, coordinator):
    plan = make.written_plan(holder, budget, OUTCOMES, by=coordinator, submit=True)
    browser.sign_in("cath@example.com")
    response = decide_page(browser, plan)
    assert response.status_code == 302
    plan = fresh(plan)
    assert (plan.status, plan.decided_by_id, plan.waiting_on, plan.expected_by) == ("approved", coordinator.id, None, None)
    assert plan.decided_at is not None


def test_approval_makes_the_plan_total_the_approved_budget(make, holder, budget, coordinator):
    make.approved_plan(holder, budget, OUTCOMES, decided_by=coordinator)
    assert fresh(budget).approved_annual_budget_pence == 390000


def test_the_holder_sees_the_approved_plan_with_the_money_for_each_outcome(browser, make, holder, budget, coordinator):
    plan = make.approved_plan(holder, budget, OUTCOMES, decided_by=coordinator)
    browser.sign_in("jo@example.com")
    text = page_text(browser.get(f"/plans/{plan.id}"))
    assert "Support plan: approved" in text
    first, second = OUTCOMES[0][0], OUTCOMES[1][0]
    assert text.index(first) < text.index("£2,600.00") < text.index(second) < text.index("£1,300.00")
    assert "Total for the year (£75.00 a week) £3,900.00" in text


def test_the_money_page_shows_the_approved_plan_and_its_outcomes(browser, make, holder, budget, coordinator):
    plan = make.approved_plan(holder, budget, OUTCOMES, decided_by=coordinator)
    browser.sign_in("jo@example.com")
    text = page_text(browser.get(f"/holders/{holder.id}/money"))
    assert f"Version {plan.version}: Approved" in text
    assert "Budget for the year £3,900.00" in text
    # Set aside for the year, left now, promised.
    assert f"{OUTCOMES[0][0]} £2,600.00 £0.00 £0.00" in text
    assert f"{OUTCOMES[1][0]} £1,300.00 £0.00 £0.00" in text


def test_the_timeline_shows_who_did_what_and_when(browser, make, holder, coordinator):
    with clock.frozen(datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)) as frozen:
        budget = make.budget(holder, set_up_by=make.user(R.FINANCE_OFFICER, holder.council, name="Fay Finance"))
        plan = make.written_plan(holder, budget, OUTCOMES, by=coordinator)
        frozen.advance(days=3)
        plans.submit(coordinator, plan)
        frozen.advance(days=9)
        plans.decide(coordinator, plan, "approved")
        browser.sign_in("jo@example.com")
        text = page_text(browser.get(f"/holders/{holder.id}/money"))
    steps = ["2 March 2026: Budget set up, by Fay Finance",
             "2 March 2026: Plan version 1 started, by Cath Coordinator",
             "5 March 2026: Plan version 1 sent for a decision, by Cath Coordinator",
             "14 March 2026: Plan version 1 approved, by Cath Coordinator"]
    assert [step for step in steps if step not in text] == []
    assert [text.index(step) for step in steps] == sorted(text.index(step) for step in steps)  # oldest first
    assert "Now waiting for" not in text


def test_while_waiting_the_holder_sees_who_decides_and_by_when(browser, make, holder, budget, coordinator):
    with clock.frozen(datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc)):
        make.written_plan(holder, budget, OUTCOMES, by=coordinator, submit=True)
        browser.sign_in("jo@example.com")
        text = page_text(browser.get(f"/holders/{holder.id}/money"))
    assert "Now waiting for a care coordinator, since 5 March 2026. Expected by 15 March 2026." in text


def test_a_plan_above_the_coordinator_limit_shows_it_waits_for_a_team_manager(browser, make, holder, budget, coordinator):
    with clock.frozen(datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc)):
        plan = make.written_plan(holder, budget, costing(30000), by=coordinator, submit=True)
        browser.sign_in("jo@example.com")
        money = page_text(browser.get(f"/holders/{holder.id}/money"))
        shown = page_text(browser.get(f"/plans/{plan.id}"))
    assert "Now waiting for a team manager, since 5 March 2026. Expected by 19 March 2026." in money
    assert "Waiting for a team manager. Expected by 19 March 2026." in shown


def test_a_referral_to_the_panel_shows_the_reason_and_the_panel_date(browser, make, holder, budget, coordinator):
    with clock.frozen(datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc)) as frozen:
        plan = make.written_plan(holder, budget, OUTCOMES, by=coordinator, submit=True)
        frozen.advance(days=2)
        plans.decide(coordinator, plan, "referred_to_panel", "Climbing is a risk the panel should weigh up.")
        browser.sign_in("jo@example.com")
        text = page_text(browser.get(f"/holders/{holder.id}/money"))
    assert ("7 March 2026: Plan version 1 sent to the risk enablement panel, by Cath Coordinator. "
            "“Climbing is a risk the panel should weigh up.”") in text
    assert "Now waiting for the panel" in text and "Expected by 4 April 2026." in text


def test_the_holder_is_emailed_the_decision_and_its_reason(make, holder, budget, coordinator):
    plan = make.written_plan(holder, budget, OUTCOMES, by=coordinator, submit=True)
    mail.outbox().clear()
    plans.decide(coordinator, plan, "changes_requested", "Please add what happens if your PA is ill.")
    (message,) = mail.outbox()
    assert message.to == "jo@example.com"
    assert "changes asked for" in message.subject
    assert "Please add what happens if your PA is ill." in message.body


def test_the_coordinator_is_emailed_when_a_plan_waits_for_them(make, holder, budget, coordinator):
    holder.named_contact_id = coordinator.id
    db.session.commit()
    mail.outbox().clear()
    make.written_plan(holder, budget, OUTCOMES, by=coordinator, submit=True)
    assert [m.to for m in mail.outbox()] == ["cath@example.com"]
    assert "Jo Holder" in mail.outbox()[0].subject


# --- the approval ladder -----------------------------------------------------------

@pytest.mark.parametrize("weekly_pence, level", [
    (25000, "care_coordinator"),  # £250 a week: a coordinator may approve
    (25001, "team_manager"),
    (41500, "team_manager"),  # £415 a week: a team manager may approve
    (41501, "panel"),
])
def test_aldermoor_sends_a_plan_to_the_level_its_weekly_cost_needs(make, holder, budget, coordinator, weekly_pence, level):
    plan = make.written_plan(holder, budget, costing(weekly_pence), by=coordinator, submit=True)
    assert (plan.status, plan.weekly_pence, plan.waiting_on) == ("submitted", weekly_pence, level)


def test_a_coordinator_cannot_approve_a_plan_above_their_limit(make, holder, budget, coordinator):
    plan = make.written_plan(holder, budget, costing(25001), by=coordinator, submit=True)
    with pytest.raises(NotAllowed, match="above your approval limit"):
        plans.decide(coordinator, plan, "approved")
    db.session.rollback()
    assert fresh(plan).status == "submitted"


def test_the_decision_page_tells_a_coordinator_the_plan_is_above_their_limit(browser, make, holder, budget, coordinator):
    plan = make.written_plan(holder, budget, costing(30000), by=coordinator, submit=True)
    browser.sign_in("cath@example.com")
    response = decide_page(browser, plan)
    assert response.status_code == 200
    assert ("This plan costs £300.00 a week, which is above your approval limit. It is waiting for a team manager."
            in page_text(response))
    assert fresh(plan).status == "submitted"


def test_a_coordinator_cannot_refuse_a_plan_above_their_limit(make, holder, budget, coordinator):
    plan = make.written_plan(holder, budget, costing(30000), by=coordinator, submit=True)
    with pytest.raises(NotAllowed):
        plans.decide(coordinator, plan, "refused", "Too much.")
    db.session.rollback()
    assert fresh(plan).status == "submitted"


def test_a_coordinator_may_ask_for_changes_to_a_plan_above_their_limit(make, holder, budget, coordinator):
    plan = make.written_plan(holder, budget, costing(30000), by=coordinator, submit=True)
    plans.decide(coordinator, plan, "changes_requested", "Can the gym be cheaper?")
    assert fresh(plan).status == "changes_requested"


def test_a_team_manager_approves_a_plan_above_the_coordinator_limit(make, holder, budget, coordinator, team_manager):
    plan = make.written_plan(holder, budget, costing(30000), by=coordinator, submit=True)
    plans.decide(team_manager, plan, "approved")
    assert (fresh(plan).status, fresh(plan).decided_by_id) == ("approved", team_manager.id)


def test_a_team_manager_approves_on_the_decision_page(browser, make, holder, budget, coordinator, team_manager):
    plan = make.written_plan(holder, budget, costing(41500), by=coordinator, submit=True)
    browser.sign_in("tom@example.com")
    assert decide_page(browser, plan).status_code == 302
    assert fresh(plan).status == "approved"


def test_above_the_team_manager_limit_a_team_manager_alone_cannot_approve(make, holder, budget, coordinator, team_manager):
    plan = make.written_plan(holder, budget, costing(41501), by=coordinator, submit=True)
    with pytest.raises(NotAllowed, match="needs a panel decision"):
        plans.decide(team_manager, plan, "approved")
    db.session.rollback()
    assert fresh(plan).status == "submitted"


def test_a_team_manager_records_the_panels_approval(make, holder, budget, coordinator, team_manager):
    plan = make.written_plan(holder, budget, costing(50000), by=coordinator, submit=True)
    plans.decide(team_manager, plan, "approved", as_panel=True)
    plan = fresh(plan)
    assert (plan.status, plan.decided_by_id, plan.panel_outcome) == ("approved", team_manager.id, "Approved by the panel")
    event = db.session.scalar(db.select(Event).filter_by(action="plan.approved", object_id=plan.id))
    assert event.detail["as_panel"] is True


def test_an_administrator_records_the_panels_approval(make, holder, budget, coordinator, administrator):
    plan = make.written_plan(holder, budget, costing(50000), by=coordinator, submit=True)
    plans.decide(administrator, plan, "approved", as_panel=True)
    assert (fresh(plan).status, fresh(plan).decided_by_id) == ("approved", administrator.id)


def test_an_administrator_is_told_plainly_who_approves_a_plan_within_the_ladder(make, holder, budget, coordinator, administrator):
    plan = make.written_plan(holder, budget, costing(5000), by=coordinator, submit=True)
    with pytest.raises(NotAllowed) as refused:
        plans.decide(administrator, plan, "approved")
    assert refused.value.message == ("Plans are approved or refused by a care coordinator or team manager. "
                                     "This one is waiting for a care coordinator.")


def test_a_coordinator_cannot_record_a_panel_decision(make, holder, budget, coordinator):
    plan = make.written_plan(holder, budget, costing(50000), by=coordinator, submit=True)
    with pytest.raises(NotAllowed, match="team manager or administrator"):
        plans.decide(coordinator, plan, "approved", as_panel=True)
    db.session.rollback()
    assert fresh(plan).status == "submitted"


def test_the_panels_refusal_is_recorded_on_the_decision_page(browser, make, holder, budget, coordinator, team_manager):
    plan = make.written_plan(holder, budget, costing(50000), by=coordinator, submit=True)
    browser.sign_in("tom@example.com")
    response = decide_page(browser, plan, "refused", "The panel found a cheaper way to meet this.", as_panel="y")
    assert response.status_code == 302
    plan = fresh(plan)
    assert (plan.status, plan.panel_outcome) == ("refused", "The panel found a cheaper way to meet this.")


def test_a_referred_plan_needs_the_panel_even_within_the_coordinator_limit(make, holder, budget, coordinator, team_manager):
    plan = make.written_plan(holder, budget, costing(10000), by=coordinator, submit=True)
    plans.decide(coordinator, plan, "referred_to_panel", "The activity carries a risk.")
    with pytest.raises(NotAllowed, match="needs a panel decision"):
        plans.decide(coordinator, plan, "approved")
    db.session.rollback()
    plans.decide(team_manager, fresh(plan), "approved", as_panel=True)
    assert fresh(plan).status == "approved"


def test_a_coordinator_from_another_council_cannot_decide(make, holder, budget, coordinator, birchley):
    plan = make.written_plan(holder, budget, costing(10000), by=coordinator, submit=True)
    outsider = make.user(R.CARE_COORDINATOR, birchley)
    with pytest.raises(NotAllowed):
        plans.decide(outsider, plan, "approved")


@pytest.mark.parametrize("weekly_pence, level", [
    (29999, "care_coordinator"),  # just under £300 a week
    (30000, "panel"),  # from £300 a week, the panel
    (90000, "panel"),
])
def test_birchley_sends_plans_of_300_pounds_a_week_or_more_to_the_panel(make, birchley, weekly_pence, level):
    holder = make.holder(birchley)
    plan = make.written_plan(holder, make.budget(holder), costing(weekly_pence), submit=True)
    assert plan.waiting_on == level


def test_a_birchley_coordinator_cannot_approve_a_plan_of_300_pounds_a_week(make, birchley):
    holder = make.holder(birchley)
    coordinator = make.user(R.CARE_COORDINATOR, birchley)
    plan = make.written_plan(holder, make.budget(holder), costing(30000), by=coordinator, submit=True)
    with pytest.raises(NotAllowed, match="needs a panel decision"):
        plans.decide(coordinator, plan, "approved")


def test_a_birchley_coordinator_approves_a_plan_just_under_300_pounds_a_week(make, birchley):
    holder = make.holder(birchley)
    coordinator = make.user(R.CARE_COORDINATOR, birchley)
    plan = make.written_plan(holder, make.budget(holder), costing(29999), by=coordinator, submit=True)
    plans.decide(coordinator, plan, "approved")
    assert fresh(plan).status == "approved"


def test_coldwater_sends_every_mental_health_plan_to_the_panel(make, coldwater):
    holder = make.holder(coldwater, mental_health=True)
    plan = make.written_plan(holder, make.budget(holder), costing(5000), submit=True)
    assert plan.waiting_on == "panel"


def test_a_coldwater_coordinator_approves_any_amount_outside_mental_health(make, coldwater):
    holder = make.holder(coldwater, mental_health=False)
    coordinator = make.user(R.CARE_COORDINATOR, coldwater)
    plan = make.written_plan(holder, make.budget(holder), costing(90000), by=coordinator, submit=True)
    assert plan.waiting_on == "care_coordinator"
    plans.decide(coordinator, plan, "approved")
    assert fresh(plan).status == "approved"


def test_a_coldwater_coordinator_cannot_approve_a_small_mental_health_plan(make, coldwater):
    holder = make.holder(coldwater, mental_health=True)
    coordinator = make.user(R.CARE_COORDINATOR, coldwater)
    plan = make.written_plan(holder, make.budget(holder), costing(5000), by=coordinator, submit=True)
    with pytest.raises(NotAllowed, match="needs a panel decision"):
        plans.decide(coordinator, plan, "approved")
