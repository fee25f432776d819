"""Agreeing the crisis plan: only the people who approve plans in the holder's council agree its actions
and contingency, on the holder's approved plan; the holder reads them in plain words."""
from __future__ import annotations

import pytest

from marketplace.accounts import roles as R
from marketplace.crisis import service as crisis
from marketplace.crisis.models import CrisisAction
from marketplace.errors import DomainError, NotAllowed
from marketplace.events.models import Event
from marketplace.extensions import db

from ..helpers import Browser, page_text


def signed_in(app, person) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(person.email)
    return browser


def test_the_coordinator_agrees_a_switch_on_the_page_and_the_holder_reads_it(app, coordinator, jo, holder, plan):
    agree = f"/holders/{holder.id}/crisis/agree"
    response = signed_in(app, coordinator).submit(agree, {"which": "switch_to_managed", "manager": "Stockport Brokerage",
                                                          "weeks": "4"})

    assert response.status_code == 302
    action = db.session.scalar(db.select(CrisisAction))
    assert action.plan_id == plan.id and action.parameters == {"manager": "Stockport Brokerage", "weeks": 4}
    assert db.session.scalar(db.select(Event).filter_by(action="crisis.agreed", holder_id=holder.id)) is not None
    page = page_text(signed_in(app, jo).get(f"/holders/{holder.id}/crisis"))
    assert "Switch to a managed account with Stockport Brokerage for 4 weeks, then back." in page
    assert "Start this now" in page


@pytest.mark.parametrize("who", ["holder", "administrator", "finance", "other_council"])
def test_only_the_councils_plan_approvers_open_the_agreeing_page(app, make, jo, holder, plan, who):
    person = {"holder": lambda: jo, "administrator": lambda: make.user(R.ADMINISTRATOR, holder.council),
              "finance": lambda: make.user(R.FINANCE_OFFICER, holder.council),
              "other_council": lambda: make.user(R.CARE_COORDINATOR, make.council("birchley"))}[who]()
    browser = signed_in(app, person)

    assert browser.get(f"/holders/{holder.id}/crisis/agree").status_code == 403
    assert browser.client.post(f"/holders/{holder.id}/crisis/agree",
                               data={"which": "switch_to_managed", "manager": "X", "weeks": "4"}).status_code in (400, 403)
    assert db.session.scalar(db.select(db.func.count(CrisisAction.id))) == 0


def test_a_team_manager_agrees_too_but_never_without_an_approved_plan(make, aldermoor, holder, coordinator):
    manager = make.user(R.TEAM_MANAGER, aldermoor)
    with pytest.raises(DomainError, match="approved plan"):
        crisis.agree(manager, holder, "switch_to_managed", {"manager": "Stockport Brokerage", "weeks": 4})
    with pytest.raises(NotAllowed):
        crisis.agree(make.user(R.ADMINISTRATOR, aldermoor), holder, "switch_to_managed", {"manager": "X", "weeks": 4})


def test_extra_support_costing_more_than_the_contingency_cannot_be_agreed(coordinator, holder, plan, weekly):
    line = {"line_id": weekly.lines[0].id, "quantity_centi": 200, "weeks": 4}  # £320
    crisis.set_contingency(coordinator, holder, 20000)
    with pytest.raises(DomainError, match="costs up to £320.00: agree a contingency of at least that first"):
        crisis.agree(coordinator, holder, "extra_hours", line)
    db.session.rollback()

    crisis.set_contingency(coordinator, holder, 32000)
    assert crisis.agree(coordinator, holder, "extra_hours", line).parameters == line


def test_bad_input_on_the_agreeing_page_is_a_plain_answer(app, coordinator, holder, plan):
    browser = signed_in(app, coordinator)
    agree = f"/holders/{holder.id}/crisis/agree"
    for data in ({"which": "switch_to_managed", "manager": "", "weeks": "99"}, {"which": "extra_hours", "line_id": "abc"},
                 {"which": "tell_people", "user_ids": ["x", "999999"], "message": "Help"}, {"which": "nonsense"},
                 {"which": "contingency", "amount": "NaN"}):
        assert browser.submit(agree, data).status_code == 200
    assert db.session.scalar(db.select(db.func.count(CrisisAction.id))) == 0


def test_telling_people_reaches_only_those_chosen_from_the_holders_circle(make, coordinator, holder, plan, jo):
    stranger = make.user(email="stranger@example.com")
    with pytest.raises(DomainError, match="Choose who should be told"):
        crisis.agree(coordinator, holder, "tell_people", {"user_ids": [stranger.id], "message": "Help"})
