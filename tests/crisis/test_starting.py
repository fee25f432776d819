"""Who may start an agreed action: the holder, their representative or broker with the right to order;
never a stranger, the provider, a broker who may only look, or council staff (they read it). Telling
people sends the agreed message at once. The holder's home page shows the button."""
from __future__ import annotations

import re

import pytest

from marketplace.accounts import roles as R
from marketplace.crisis import service as crisis
from marketplace.crisis.models import CrisisRun
from marketplace.errors import NotAllowed
from marketplace.extensions import db
from marketplace.notifications.models import Notification

from ..helpers import Browser, page_text


def signed_in(app, person) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(person.email)
    return browser


@pytest.mark.parametrize("who, allowed", [("stranger", False), ("provider", False), ("viewing_broker", False),
                                          ("coordinator", False), ("ordering_broker", True)])
def test_who_may_press_start(app, make, aldermoor, holder, switch, pat, coordinator, who, allowed):
    if who == "stranger":
        person = make.user(R.REPRESENTATIVE, aldermoor)
    elif who == "provider":
        person = pat
    elif who == "coordinator":
        person = coordinator
    else:
        person = make.user(R.BROKER, aldermoor)
        make.delegation(holder, person, ["view", "order"] if who == "ordering_broker" else ["view"], kind="broker")
    url = f"/holders/{holder.id}/crisis/actions/{switch.id}/start"
    browser = signed_in(app, person)

    page = browser.get(url)

    assert page.status_code == (200 if allowed else 403)
    if allowed:
        key = re.search(r'name="start_key"[^>]*value="([0-9a-f]+)"', page.get_data(as_text=True)).group(1)
        assert browser.submit(url, {"start_key": key}, form_url=url).status_code == 302
    else:
        with pytest.raises(NotAllowed):
            crisis.start(person, switch, crisis.new_start_key())
    assert db.session.scalar(db.select(db.func.count(CrisisRun.id))) == (1 if allowed else 0)


def test_council_staff_read_the_crisis_plan_but_a_stranger_does_not(app, make, aldermoor, holder, switch, coordinator):
    assert "Stockport Brokerage" in page_text(signed_in(app, coordinator).get(f"/holders/{holder.id}/crisis"))
    assert "Start this now" not in page_text(signed_in(app, coordinator).get(f"/holders/{holder.id}/crisis"))
    assert signed_in(app, make.user(R.REPRESENTATIVE, aldermoor)).get(f"/holders/{holder.id}/crisis").status_code == 403


def test_telling_people_sends_the_agreed_message_at_once(app, make, aldermoor, coordinator, holder, plan, jo, representative):
    action = crisis.agree(coordinator, holder, "tell_people",
                          {"user_ids": [representative.id, coordinator.id], "message": "I am not well. Please ring me today."})

    run = crisis.start(jo, action, crisis.new_start_key())

    for person in (representative, coordinator):
        note = db.session.scalar(db.select(Notification).filter_by(user_id=person.id, title="A message from Jo Holder's crisis plan"))
        assert note.body == "I am not well. Please ring me today."
    assert run.status_label == "Ended" and action.running is None


def test_the_holders_home_page_shows_the_button_when_actions_are_agreed(app, jo, holder, switch):
    page = page_text(signed_in(app, jo).get("/"))
    assert "Start my crisis plan" in page
