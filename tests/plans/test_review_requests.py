"""Asking for a review of the plan: the holder asks with a reason, it goes to their named contact,
shows on the timeline and waits on them until the council answers; the holder sees the answer."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from marketplace import clock, mail
from marketplace.accounts import roles as R
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.plans.models import PlanReviewRequest

from ..helpers import Browser
from .support import read

MARCH_5 = datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc)
MARCH_9 = datetime(2026, 3, 9, 10, 0, tzinfo=timezone.utc)
WHY = "Since my stroke I need help in the mornings too, and the plan only covers afternoons."


@pytest.fixture
def jo(make, aldermoor, coordinator):
    """Jo, whose named contact at Aldermoor is Cath, with a budget and an approved plan."""
    holder = make.holder(aldermoor, user=make.user(email="jo@example.com", name="Jo Holder"), named_contact_id=coordinator.id)
    budget = make.budget(holder)
    make.approved_plan(holder, budget, decided_by=coordinator)
    return holder


@pytest.fixture
def cath(app, coordinator):
    browser = Browser(app.test_client())
    browser.sign_in("cath@example.com")
    return browser


def ask(browser, holder, reason=WHY, on=MARCH_5):
    with clock.frozen(on):
        return browser.submit(f"/holders/{holder.id}/plan-review", {"reason": reason})


def requests() -> list[PlanReviewRequest]:
    db.session.expire_all()
    return db.session.scalars(db.select(PlanReviewRequest).order_by(PlanReviewRequest.id)).all()


def notes(user) -> list[tuple[str, str, str]]:
    db.session.expire_all()
    return [(n.title, n.body, n.link) for n in db.session.scalars(db.select(Notification).filter_by(user_id=user.id).order_by(Notification.id))]


def money_page(browser, holder, on=MARCH_5) -> str:
    with clock.frozen(on):
        return read(browser.get(f"/holders/{holder.id}/money"))


def test_the_money_page_offers_the_request_and_the_form_asks_why(browser, jo):
    browser.sign_in("jo@example.com")
    text = money_page(browser, jo)
    assert "Ask for a review of the plan If the plan no longer meets the need, you can ask the council to look at it again." in text
    form = read(browser.get(f"/holders/{jo.id}/plan-review"))
    assert "Your request goes to Cath Coordinator, your contact at the council. They aim to answer within 10 days." in form
    assert "What has changed, or what does the plan no longer cover?" in form


def test_asking_sends_it_to_the_named_contact_and_it_waits_on_them(browser, jo, coordinator):
    browser.sign_in("jo@example.com")
    response = ask(browser, jo)
    assert response.status_code == 302 and response.headers["Location"] == f"/holders/{jo.id}/money#review"
    (request,) = requests()
    assert (request.status, request.reason, request.contact_id, request.expected_by) == ("waiting", WHY, coordinator.id, date(2026, 3, 15))
    assert notes(coordinator) == [("Jo Holder asks for a review of their plan",
                                   f"Jo Holder asks for their support plan to be looked at again: “{WHY}” Please answer by 15 March 2026.",
                                   f"/plan-reviews/{request.id}")]
    assert "Jo Holder asks for a review of their plan" in [m.subject for m in mail.outbox() if m.to == "cath@example.com"]
    text = money_page(browser, jo)
    assert ("Now waiting for Cath Coordinator, your contact at the council to answer your request for a review of the plan, "
            "since 5 March 2026. Expected by 15 March 2026.") in text
    assert f"5 March 2026: Review of the plan asked for, by Jo Holder. “{WHY}”" in text
    assert f"You asked on 5 March 2026: “{WHY}” Waiting for an answer Cath Coordinator, your contact at the council aims to answer by 15 March 2026." in text


def test_without_a_named_contact_the_councils_care_coordinators_are_told(browser, make, aldermoor, coordinator):
    other = make.user(R.CARE_COORDINATOR, aldermoor, email="colin@example.com")
    holder = make.holder(aldermoor, user=make.user(email="kim@example.com", name="Kim"))
    make.budget(holder)
    browser.sign_in("kim@example.com")
    ask(browser, holder)
    assert [t for t, _, _ in notes(coordinator)] == [t for t, _, _ in notes(other)] == ["Kim asks for a review of their plan"]
    assert "Now waiting for a care coordinator at the council to answer your request" in money_page(browser, holder)


@pytest.mark.parametrize("reason, message", [("   ", "Say why you would like the plan looked at again"),
                                             ("x" * 2001, "Use 2,000 characters or fewer")])
def test_a_request_needs_a_reason_of_bounded_length(browser, jo, coordinator, reason, message):
    browser.sign_in("jo@example.com")
    response = ask(browser, jo, reason)
    assert response.status_code == 200 and message in read(response)
    assert requests() == [] and notes(coordinator) == []


def test_one_request_waits_at_a_time(browser, jo):
    browser.sign_in("jo@example.com")
    ask(browser, jo)
    with clock.frozen(MARCH_9):
        text = read(browser.get(f"/holders/{jo.id}/plan-review"))
    assert "A review was already asked for on 5 March 2026. It is waiting for Cath Coordinator" in text
    response = ask(browser, jo, "Again, please.", on=MARCH_9)
    assert response.status_code == 200 and "A review was already asked for on 5 March 2026." in read(response)
    assert len(requests()) == 1


def test_a_representative_who_only_sees_the_account_cannot_ask_but_one_who_manages_it_can(app, make, jo):
    viewer, manager = make.user(email="viv@example.com"), make.user(email="max@example.com", name="Max")
    make.delegation(jo, viewer, ["view"])
    make.delegation(jo, manager, ["manage"])
    browser = Browser(app.test_client())
    browser.sign_in("viv@example.com")
    assert browser.get(f"/holders/{jo.id}/plan-review").status_code == 403
    assert "Ask for a review of the plan If the plan" not in money_page(browser, jo)
    other = Browser(app.test_client())
    other.sign_in("max@example.com")
    ask(other, jo)
    (request,) = requests()
    assert request.asked_by_id == manager.id


def test_the_council_answers_and_the_holder_sees_the_answer(browser, cath, jo, coordinator):
    browser.sign_in("jo@example.com")
    ask(browser, jo)
    (request,) = requests()
    with clock.frozen(MARCH_9):
        workspace = read(cath.get("/council/plans"))
        assert "Requests for a review of the plan" in workspace and "Jo Holder Cath Coordinator 5 March 2026 15 March 2026" in workspace
        assert WHY in read(cath.get(f"/plan-reviews/{request.id}"))
        response = cath.submit(f"/plan-reviews/{request.id}", {"answer": "I will visit on 12 March to go through the plan with you."})
    assert response.status_code == 302
    (request,) = requests()
    assert (request.status, request.answered_by_id) == ("answered", coordinator.id)
    assert notes(jo.user)[-1] == ("Your request for a review of the plan has been answered",
                                  "Cath Coordinator answered: “I will visit on 12 March to go through the plan with you.”",
                                  f"/holders/{jo.id}/money#review")
    text = money_page(browser, jo, on=MARCH_9)
    assert ("Answered Cath Coordinator answered on 9 March 2026: “I will visit on 12 March to go through the plan with you.”") in text
    assert "9 March 2026: Request for a review answered, by Cath Coordinator." in text
    assert "to answer your request for a review" not in text
    with clock.frozen(MARCH_9):
        assert "No requests waiting." in read(cath.get("/council/plans"))


def test_an_answer_must_be_written_and_only_the_holders_council_may_answer(app, browser, cath, make, jo, birchley):
    browser.sign_in("jo@example.com")
    ask(browser, jo)
    (request,) = requests()
    response = cath.submit(f"/plan-reviews/{request.id}", {"answer": " "})
    assert response.status_code == 200 and "Write your answer" in read(response)
    make.user(R.CARE_COORDINATOR, birchley, email="bea@example.com")
    outsider = Browser(app.test_client())
    outsider.sign_in("bea@example.com")
    assert outsider.get(f"/plan-reviews/{request.id}").status_code == 403
    assert browser.get(f"/plan-reviews/{request.id}").status_code == 403  # the holder reads the answer on their own page
    assert requests()[0].status == "waiting"
