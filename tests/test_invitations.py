"""Setting up a budget holder sends them an invitation to choose a password."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from marketplace import clock, mail
from marketplace.accounts import roles as R
from marketplace.accounts.models import User
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.holders.models import Delegation, Holder

from .helpers import Browser, page_text

PASSWORD = "my own new passphrase"


@pytest.fixture
def council(make):
    return make.council("aldermoor")


@pytest.fixture
def coordinator(make, council):
    return make.user(R.CARE_COORDINATOR, council, email="cath@example.com", name="Cath Coordinator")


@pytest.fixture
def invitee(app):
    """The person being set up, in their own browser."""
    return Browser(app.test_client())


def set_up_holder(browser, name="Jo Holder", email="jo@example.com", **extra):
    return browser.submit("/holders/new", {"name": name, "email": email, "preferred_contact": "email", **extra})


def invitation_link(to="jo@example.com") -> str:
    (message,) = [m for m in mail.outbox() if m.to == to]
    match = re.search(r"http://localhost(/invitation/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def accept(browser, link, password=PASSWORD, *, form_url=None):
    return browser.submit(link, {"password": password, "confirm": password}, form_url=form_url)


def holder_named(name) -> Holder:
    db.session.expire_all()
    return db.session.scalar(db.select(Holder).filter_by(name=name))


def test_a_coordinator_sets_up_a_holder_who_gets_an_invitation_email(browser, coordinator):
    browser.sign_in("cath@example.com")
    response = set_up_holder(browser)
    holder = holder_named("Jo Holder")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/holders/{holder.id}"
    (message,) = mail.outbox()
    assert message.to == "jo@example.com"
    assert message.subject == "You have been invited to Support Market"
    assert "Cath Coordinator has set up an account for you" in message.body
    assert invitation_link().startswith("/invitation/")


def test_the_new_holder_is_in_the_coordinators_council_with_the_holder_role(browser, coordinator, council):
    browser.sign_in("cath@example.com")
    set_up_holder(browser)
    holder = holder_named("Jo Holder")
    assert holder.council_id == council.id
    assert holder.user.email == "jo@example.com"
    assert holder.user.password_hash is None
    assert holder.user.has_role(R.HOLDER, council.id)


def test_a_holder_set_up_without_an_email_gets_no_invitation(browser, coordinator):
    browser.sign_in("cath@example.com")
    assert set_up_holder(browser, email="").status_code == 302
    assert holder_named("Jo Holder").user is None
    assert mail.outbox() == []


def test_a_holder_needs_a_name_that_is_not_just_spaces(browser, coordinator):
    browser.sign_in("cath@example.com")
    response = set_up_holder(browser, name="   ")
    assert response.status_code == 200
    assert "Enter the person's full name" in page_text(response)
    assert db.session.scalars(db.select(Holder)).all() == []
    assert mail.outbox() == []


def test_setting_up_a_holder_is_recorded_in_the_event_log(browser, coordinator):
    browser.sign_in("cath@example.com")
    set_up_holder(browser)
    holder = holder_named("Jo Holder")
    actions = {e.action: e for e in db.session.scalars(db.select(Event))}
    assert actions["holder.created"].actor_id == coordinator.id
    assert actions["holder.created"].holder_id == holder.id
    assert actions["account.invited"].object_id == holder.user_id


def test_following_the_invitation_lets_the_holder_choose_a_password_and_signs_them_in(browser, invitee, coordinator):
    browser.sign_in("cath@example.com")
    set_up_holder(browser)
    link = invitation_link()
    page = invitee.get(link)
    assert page.status_code == 200
    assert "Choose your password" in page_text(page)
    assert "You will sign in as jo@example.com" in page_text(page)
    response = accept(invitee, link)
    assert response.status_code == 302
    assert "Hello, Jo Holder" in page_text(invitee.get("/"))


def test_after_accepting_the_holder_signs_in_with_their_chosen_password(browser, invitee, coordinator):
    browser.sign_in("cath@example.com")
    set_up_holder(browser)
    accept(invitee, invitation_link())
    invitee.sign_out()
    assert invitee.sign_in("jo@example.com", PASSWORD).status_code == 302


def test_an_invitation_link_cannot_be_used_twice(browser, invitee, coordinator):
    browser.sign_in("cath@example.com")
    set_up_holder(browser)
    link = invitation_link()
    accept(invitee, link)
    invitee.sign_out()
    again = invitee.get(link)
    assert again.status_code == 400
    assert "already been used" in page_text(again)
    assert accept(invitee, link, "someone elses passphrase", form_url="/sign-in").status_code == 400
    assert invitee.sign_in("jo@example.com", PASSWORD).status_code == 302


def test_an_invitation_still_works_on_the_fourteenth_day(browser, invitee, coordinator):
    with clock.frozen(datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)) as frozen:
        browser.sign_in("cath@example.com")
        set_up_holder(browser)
        frozen.advance(days=13, hours=23)
        assert accept(invitee, invitation_link()).status_code == 302


def test_an_invitation_older_than_fourteen_days_is_refused(browser, invitee, coordinator):
    with clock.frozen(datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)) as frozen:
        browser.sign_in("cath@example.com")
        set_up_holder(browser)
        link = invitation_link()
        frozen.advance(days=14, seconds=1)
        response = invitee.get(link)
        assert response.status_code == 400
        assert "expired" in page_text(response)
        assert accept(invitee, link, form_url="/sign-in").status_code == 400
    assert holder_named("Jo Holder").user.password_hash is None


def test_a_tampered_invitation_is_refused(browser, invitee, coordinator):
    browser.sign_in("cath@example.com")
    set_up_holder(browser)
    link = invitation_link()
    index = len("/invitation/") + 3
    tampered = link[:index] + ("x" if link[index] != "x" else "y") + link[index + 1:]
    response = invitee.get(tampered)
    assert response.status_code == 400
    assert "not valid" in page_text(response)


def test_a_reset_link_cannot_be_used_as_an_invitation(invitee, make):
    from marketplace.accounts.tokens import RESET, make_token

    person = make.user(email="new@example.com", password=None)
    assert invitee.get(f"/invitation/{make_token(person, RESET)}").status_code == 400


def test_the_same_email_cannot_be_set_up_as_two_holders(browser, coordinator):
    browser.sign_in("cath@example.com")
    set_up_holder(browser)
    response = set_up_holder(browser, name="Jo Again")
    assert response.status_code == 200
    assert "That email address already has an account" in page_text(response)
    assert holder_named("Jo Again") is None


def test_setting_up_a_holder_never_takes_over_someone_elses_account(browser, make, council):
    """A broker typing a staff member's email must not give that account a holder's record."""
    make.user(R.BROKER, council, email="bea@example.com", name="Bea Broker")
    make.user(R.FINANCE_OFFICER, council, email="fiona@example.com", name="Fiona Finance")
    browser.sign_in("bea@example.com")
    response = browser.submit("/holders/new", {"name": "Someone", "email": "fiona@example.com", "preferred_contact": "email"})
    assert "That email address already has an account" in page_text(response)
    assert holder_named("Someone") is None
    assert db.session.scalar(db.select(Holder).join(Holder.user).where(User.email == "fiona@example.com")) is None


def test_a_broker_who_sets_up_a_holder_can_act_for_them(browser, make, council):
    broker = make.user(R.BROKER, council, email="bea@example.com", name="Bea Broker")
    browser.sign_in("bea@example.com")
    assert set_up_holder(browser).status_code == 302
    holder = holder_named("Jo Holder")
    (delegation,) = db.session.scalars(db.select(Delegation).filter_by(holder_id=holder.id)).all()
    assert (delegation.delegate_id, delegation.kind, delegation.rights) == (broker.id, "broker", ["view", "order"])
    assert delegation.is_active()
    caseload = page_text(browser.get("/caseload"))
    assert "Jo Holder" in caseload
    assert browser.get(f"/holders/{holder.id}").status_code == 200


def test_a_coordinator_who_sets_up_a_holder_gets_no_delegation(browser, coordinator):
    browser.sign_in("cath@example.com")
    set_up_holder(browser)
    assert db.session.scalars(db.select(Delegation)).all() == []


def test_a_person_with_no_case_role_cannot_set_up_holders(browser, make, council):
    make.user(R.COMMISSIONER, council, email="chris@example.com")
    browser.sign_in("chris@example.com")
    assert browser.get("/holders/new").status_code == 403
    response = browser.submit("/holders/new", {"name": "Jo Holder", "email": "jo@example.com", "preferred_contact": "email"},
                              form_url="/")
    assert response.status_code == 403
    assert holder_named("Jo Holder") is None
    assert mail.outbox() == []
