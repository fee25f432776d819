"""Providers register themselves; each chosen council's administrator approves or rejects them."""
from __future__ import annotations

import pytest

from marketplace.accounts import roles as R
from marketplace.accounts.models import User
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.providers.models import Organisation, OrganisationApproval

from .helpers import Browser, page_text

PASSWORD = "brightside passphrase"


@pytest.fixture
def aldermoor(make):
    return make.council("aldermoor")


@pytest.fixture
def birchley(make):
    return make.council("birchley")


@pytest.fixture
def admin(app, make, aldermoor):
    """An administrator of Aldermoor, in their own browser."""
    make.user(R.ADMINISTRATOR, aldermoor, email="ada@example.com", name="Ada Admin")
    browser = Browser(app.test_client())
    browser.sign_in("ada@example.com")
    return browser


def register(browser, councils, *, kind="provider", name="Brightside Care", email="owen@example.com", **extra):
    return browser.submit("/register", {
        "kind": kind, "organisation_name": name, "summary": "Home care and days out.",
        "councils": [str(c.id) for c in councils], "person_name": "Owen Provider", "email": email,
        "phone": "", "password": PASSWORD, **extra,
    })


def approval_in(council) -> OrganisationApproval:
    db.session.expire_all()
    return db.session.scalar(db.select(OrganisationApproval).filter_by(council_id=council.id))


def decide(browser, approval, status, reason=""):
    return browser.submit(f"/admin/organisations/{approval.id}", {"status": status, "reason": reason})


def test_a_provider_registers_and_sees_registration_received(browser, aldermoor, birchley):
    response = register(browser, [aldermoor, birchley])
    organisation = db.session.scalar(db.select(Organisation).filter_by(name="Brightside Care"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/register/done/{organisation.id}"
    text = page_text(browser.get(response.headers["Location"]))
    assert "Registration received" in text
    assert "Aldermoor Council: pending" in text
    assert "Birchley Council: pending" in text


def test_the_registered_provider_is_signed_in_as_the_organisations_admin(browser, aldermoor):
    register(browser, [aldermoor])
    organisation = db.session.scalar(db.select(Organisation).filter_by(name="Brightside Care"))
    person = db.session.scalar(db.select(User).filter_by(email="owen@example.com"))
    assert person.organisation_ids(R.PROVIDER_ADMIN) == {organisation.id}
    assert "Hello, Owen Provider" in page_text(browser.get("/"))


def test_a_personal_assistant_registers_with_the_personal_assistant_role(browser, aldermoor):
    register(browser, [aldermoor], kind="personal_assistant", name="Paula Assistant")
    person = db.session.scalar(db.select(User).filter_by(email="owen@example.com"))
    assert {g.role for g in person.grants} == {R.PERSONAL_ASSISTANT}


def test_the_providers_home_page_says_it_is_waiting_for_the_council(browser, aldermoor):
    register(browser, [aldermoor])
    text = page_text(browser.get("/"))
    assert "Brightside Care" in text
    assert "Waiting for the council to approve" in text


def test_a_registration_records_one_event_per_council(browser, aldermoor, birchley):
    register(browser, [aldermoor, birchley])
    events = db.session.scalars(db.select(Event).filter_by(action="organisation.pending")).all()
    assert sorted(e.council_id for e in events) == sorted([aldermoor.id, birchley.id])


def test_registering_needs_at_least_one_council(browser, aldermoor):
    response = register(browser, [])
    assert response.status_code == 200
    assert "Choose at least one council area" in page_text(response)
    assert db.session.scalar(db.select(Organisation)) is None


def test_registering_needs_an_organisation_name_that_is_not_just_spaces(browser, aldermoor):
    response = register(browser, [aldermoor], name="   ")
    assert "Enter the name of your organisation" in page_text(response)
    assert db.session.scalar(db.select(Organisation)) is None


def test_registering_refuses_an_email_that_already_has_an_account(browser, make, aldermoor):
    make.user(email="owen@example.com")
    response = register(browser, [aldermoor])
    assert "An account with that email address already exists" in page_text(response)
    assert db.session.scalar(db.select(Organisation)) is None


def test_the_council_administrator_sees_the_registration_waiting(browser, admin, aldermoor):
    register(browser, [aldermoor])
    text = page_text(admin.get("/admin/organisations"))
    assert "Brightside Care" in text
    assert "Pending" in text
    assert "1 waiting for a decision" in page_text(admin.get("/"))


def test_the_council_administrator_approves_the_organisation(browser, admin, aldermoor):
    register(browser, [aldermoor])
    response = decide(admin, approval_in(aldermoor), "approved")
    assert response.status_code == 302
    approval = approval_in(aldermoor)
    assert approval.status == "approved"
    assert approval.decided_by.email == "ada@example.com"
    assert "Waiting for the council to approve" not in page_text(browser.get("/"))


def test_an_approval_is_recorded_in_the_event_log(browser, admin, aldermoor):
    register(browser, [aldermoor])
    decide(admin, approval_in(aldermoor), "approved")
    event = db.session.scalar(db.select(Event).filter_by(action="organisation.approved"))
    assert event.council_id == aldermoor.id
    assert event.actor.email == "ada@example.com"
    assert event.detail["from"] == "pending"
    log = page_text(admin.get("/admin/events"))
    assert "Organisation approved" in log and "organisation.approved" not in log  # in plain words


def test_rejecting_without_a_reason_is_refused(browser, admin, aldermoor):
    register(browser, [aldermoor])
    response = decide(admin, approval_in(aldermoor), "rejected", "  ")
    assert response.status_code == 200
    assert "Give a reason the organisation can read" in page_text(response)
    assert approval_in(aldermoor).status == "pending"


def test_rejecting_with_a_reason_shows_the_reason_to_the_provider(browser, admin, aldermoor):
    register(browser, [aldermoor])
    decide(admin, approval_in(aldermoor), "rejected", "We could not check your insurance.")
    assert approval_in(aldermoor).status == "rejected"
    assert "We could not check your insurance." in page_text(browser.get("/"))


def test_an_administrator_of_another_council_cannot_see_the_registration(browser, make, app, aldermoor, birchley):
    register(browser, [aldermoor])
    make.user(R.ADMINISTRATOR, birchley, email="bill@example.com")
    other = Browser(app.test_client())
    other.sign_in("bill@example.com")
    approval = approval_in(aldermoor)
    assert other.get(f"/admin/organisations/{approval.id}").status_code == 403
    assert "Brightside Care" not in page_text(other.get("/admin/organisations"))


def test_an_administrator_of_another_council_cannot_post_a_decision(browser, make, app, aldermoor, birchley):
    register(browser, [aldermoor])
    make.user(R.ADMINISTRATOR, birchley, email="bill@example.com")
    other = Browser(app.test_client())
    other.sign_in("bill@example.com")
    approval = approval_in(aldermoor)
    response = other.submit(f"/admin/organisations/{approval.id}", {"status": "approved", "reason": ""}, form_url="/")
    assert response.status_code == 403
    assert approval_in(aldermoor).status == "pending"


def test_a_decision_in_one_council_leaves_the_other_pending(browser, admin, aldermoor, birchley):
    register(browser, [aldermoor, birchley])
    decide(admin, approval_in(aldermoor), "approved")
    assert approval_in(birchley).status == "pending"


def test_the_provider_cannot_approve_themselves(browser, aldermoor):
    register(browser, [aldermoor])
    approval = approval_in(aldermoor)
    assert browser.get(f"/admin/organisations/{approval.id}").status_code == 403
    assert browser.get("/admin/organisations").status_code == 403
