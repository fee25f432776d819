"""Giving representatives and brokers rights over a holder's account, ending them, and what they allow."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace import clock, mail, policy
from marketplace.accounts import roles as R
from marketplace.accounts.models import User
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.holders.models import Delegation, Holder

from .helpers import Browser, page_text


@pytest.fixture
def council(make):
    return make.council("aldermoor")


@pytest.fixture
def coordinator(make, council):
    return make.user(R.CARE_COORDINATOR, council, email="cath@example.com", name="Cath Coordinator")


@pytest.fixture
def holder(make, council):
    return make.holder(council, user=make.user(email="jo@example.com", name="Jo Holder"))


@pytest.fixture
def managed_holder(make, council):
    return make.holder(council, user=make.user(email="mo@example.com", name="Mo Managed"), managed_by_council=True)


@pytest.fixture
def rep(make):
    return make.user(email="pat@example.com", name="Pat Rep")


@pytest.fixture
def rep_browser(app):
    """The representative, in their own browser."""
    return Browser(app.test_client())


def fields(day: date | None) -> list[str]:
    """A date as the GOV.UK date input posts it: three fields called the same."""
    return [str(day.day), str(day.month), str(day.year)] if day else ["", "", ""]


def grant(browser, holder, email="pat@example.com", rights=("view",), *, kind="representative",
          start: date | None = None, end: date | None = None, form_url=None, **extra):
    return browser.submit(f"/holders/{holder.id}/delegations", {
        "kind": kind, "delegate_name": "", "delegate_email": email, "rights": list(rights),
        "starts_on": fields(start or clock.today()), "ends_on": fields(end), "consent_note": "", **extra,
    }, form_url=form_url)


def delegations_of(holder) -> list[Delegation]:
    db.session.expire_all()
    return db.session.scalars(db.select(Delegation).filter_by(holder_id=holder.id).order_by(Delegation.id)).all()


def edit(browser, holder, **changes):
    data = {"preferred_contact": "phone", "phone": "", "address": "", "postcode_district": "",
            "accessibility_needs": "", "about_me": "", **changes}
    return browser.submit(f"/holders/{holder.id}/edit", data, form_url=f"/holders/{holder.id}")


# --- granting ---------------------------------------------------------------------

def test_a_coordinator_gives_a_representative_rights(browser, coordinator, holder, rep, council):
    browser.sign_in("cath@example.com")
    response = grant(browser, holder, rights=["view", "order"])
    assert response.status_code == 302
    (delegation,) = delegations_of(holder)
    assert (delegation.delegate_id, delegation.kind, delegation.rights) == (rep.id, "representative", ["view", "order"])
    assert delegation.consent_recorded_by_id == coordinator.id
    assert delegation.is_active()
    assert db.session.get(User, rep.id).has_role(R.REPRESENTATIVE, council.id)


def test_the_dates_typed_in_are_the_dates_kept(browser, coordinator, holder, rep):
    browser.sign_in("cath@example.com")
    grant(browser, holder, start=date(2031, 12, 1), end=date(2032, 3, 31))
    (delegation,) = delegations_of(holder)
    assert (delegation.starts_on, delegation.ends_on) == (date(2031, 12, 1), date(2032, 3, 31))


def test_a_holder_gives_a_representative_rights_themselves(browser, holder, rep):
    browser.sign_in("jo@example.com")
    assert grant(browser, holder).status_code == 302
    (delegation,) = delegations_of(holder)
    assert delegation.consent_recorded_by_id == holder.user_id


def test_a_new_representative_is_invited_by_email(browser, coordinator, holder):
    browser.sign_in("cath@example.com")
    grant(browser, holder, email="newrep@example.com", delegate_name="Nia Rep")
    (message,) = mail.outbox()
    assert message.to == "newrep@example.com"
    assert "/invitation/" in message.body
    assert delegations_of(holder)[0].delegate.name == "Nia Rep"


def test_granting_is_recorded_with_actor_and_holder(browser, coordinator, holder, rep):
    browser.sign_in("cath@example.com")
    grant(browser, holder, rights=["view", "order"])
    (event,) = db.session.scalars(db.select(Event).filter_by(action="delegation.granted")).all()
    assert (event.actor_id, event.holder_id, event.council_id) == (coordinator.id, holder.id, holder.council_id)
    assert event.object_id == delegations_of(holder)[0].id
    assert event.detail == {"delegate": "pat@example.com", "kind": "representative", "rights": ["view", "order"]}


def test_an_end_date_before_the_start_is_refused(browser, coordinator, holder, rep):
    browser.sign_in("cath@example.com")
    response = grant(browser, holder, start=date(2031, 5, 2), end=date(2031, 5, 1))
    assert "The end date must be on or after the start date" in page_text(response)
    assert delegations_of(holder) == []


def test_a_start_date_that_is_not_a_date_is_refused(browser, coordinator, holder, rep):
    browser.sign_in("cath@example.com")
    response = grant(browser, holder, starts_on=["31", "2", "2031"])
    assert response.status_code == 200
    assert "Enter a real date, like 27 3 2027" in page_text(response)
    assert delegations_of(holder) == []


def test_a_grant_sent_without_the_date_fields_is_refused_with_a_message(browser, coordinator, holder, rep):
    """What a script or an old browser might send: no day, month and year inputs at all."""
    browser.sign_in("cath@example.com")
    response = browser.submit(f"/holders/{holder.id}/delegations",
                              {"kind": "representative", "delegate_email": "pat@example.com", "rights": ["view"]})
    assert response.status_code == 200
    assert "Enter the date this starts" in page_text(response)
    assert delegations_of(holder) == []


def test_a_broker_delegation_needs_a_broker_of_that_council(browser, coordinator, holder, rep):
    browser.sign_in("cath@example.com")
    response = grant(browser, holder, kind="broker")
    assert "There is no broker with that email address working in this council" in page_text(response)
    assert delegations_of(holder) == []


def test_a_broker_of_that_council_can_be_given_rights(browser, make, council, coordinator, holder):
    broker = make.user(R.BROKER, council, email="bea@example.com")
    browser.sign_in("cath@example.com")
    assert grant(browser, holder, "bea@example.com", ["view"], kind="broker").status_code == 302
    assert delegations_of(holder)[0].delegate_id == broker.id


def test_a_holder_cannot_be_their_own_representative(browser, holder):
    browser.sign_in("jo@example.com")
    response = grant(browser, holder, "jo@example.com")
    assert "A person cannot be their own representative" in page_text(response)
    assert delegations_of(holder) == []


def test_a_council_managed_holder_cannot_grant_rights_themselves(browser, managed_holder, rep):
    browser.sign_in("mo@example.com")
    assert "Let someone act for" not in page_text(browser.get(f"/holders/{managed_holder.id}/delegations"))
    response = grant(browser, managed_holder, form_url=f"/holders/{managed_holder.id}")
    assert response.status_code == 403
    assert delegations_of(managed_holder) == []


def test_a_coordinator_grants_rights_for_a_council_managed_holder(browser, coordinator, managed_holder, rep):
    browser.sign_in("cath@example.com")
    assert grant(browser, managed_holder).status_code == 302
    assert len(delegations_of(managed_holder)) == 1


def test_a_representative_cannot_grant_rights_to_someone_else(browser, make, holder, rep):
    make.delegation(holder, rep, ["manage"])
    browser.sign_in("pat@example.com")
    response = grant(browser, holder, "friend@example.com", form_url=f"/holders/{holder.id}")
    assert response.status_code == 403
    assert len(delegations_of(holder)) == 1


def test_a_coordinator_of_another_council_cannot_grant_rights(browser, make, holder, rep):
    make.user(R.CARE_COORDINATOR, make.council("birchley"), email="bill@example.com")
    browser.sign_in("bill@example.com")
    assert browser.get(f"/holders/{holder.id}/delegations").status_code == 403
    assert grant(browser, holder, form_url="/").status_code == 403
    assert delegations_of(holder) == []


# --- what rights allow -----------------------------------------------------------------

def test_a_representative_with_view_can_see_the_holders_page(rep_browser, make, holder, rep):
    make.delegation(holder, rep, ["view"])
    rep_browser.sign_in("pat@example.com")
    response = rep_browser.get(f"/holders/{holder.id}")
    assert response.status_code == 200
    assert "Jo Holder" in page_text(response)


def test_a_representative_with_view_cannot_order(make, holder, rep):
    make.delegation(holder, rep, ["view"])
    assert policy.can(rep, "holder.view", holder)
    assert not policy.can(rep, "holder.order", holder)


def test_a_representative_with_order_can_order(make, holder, rep):
    make.delegation(holder, rep, ["order"])
    assert policy.can(rep, "holder.order", holder)


def test_a_representative_with_view_cannot_change_the_holders_details(rep_browser, make, holder, rep):
    make.delegation(holder, rep, ["view"])
    rep_browser.sign_in("pat@example.com")
    assert rep_browser.get(f"/holders/{holder.id}/edit").status_code == 403
    assert edit(rep_browser, holder, about_me="Written by someone else").status_code == 403
    db.session.expire_all()
    assert db.session.get(Holder, holder.id).about_me is None


def test_a_representative_with_manage_can_change_the_holders_details(rep_browser, make, holder, rep):
    make.delegation(holder, rep, ["manage"])
    rep_browser.sign_in("pat@example.com")
    assert edit(rep_browser, holder, about_me="I like swimming").status_code == 302
    db.session.expire_all()
    assert db.session.get(Holder, holder.id).about_me == "I like swimming"


@pytest.mark.parametrize("starts, ends, status", [
    (timedelta(days=1), None, 403),                   # not started yet
    (timedelta(days=-30), timedelta(days=-1), 403),   # ended yesterday
    (timedelta(days=0), None, 200),                   # starts today
    (timedelta(days=-30), timedelta(days=0), 200),    # ends today
], ids=["starts-tomorrow", "ended-yesterday", "starts-today", "ends-today"])
def test_a_delegation_gives_access_only_between_its_dates(rep_browser, make, holder, rep, starts, ends, status):
    today = clock.today()
    make.delegation(holder, rep, ["manage"], starts_on=today + starts, ends_on=today + ends if ends is not None else None)
    rep_browser.sign_in("pat@example.com")
    assert rep_browser.get(f"/holders/{holder.id}").status_code == status


def test_a_representative_sees_nothing_of_another_holder(rep_browser, make, council, holder, rep):
    other = make.holder(council, name="Someone Else")
    make.delegation(holder, rep, ["manage"])
    rep_browser.sign_in("pat@example.com")
    assert rep_browser.get(f"/holders/{other.id}").status_code == 403


# --- ending ------------------------------------------------------------------------------

def test_the_revoke_page_asks_for_confirmation_and_changes_nothing(browser, make, coordinator, holder, rep):
    delegation = make.delegation(holder, rep, ["view"])
    browser.sign_in("cath@example.com")
    response = browser.get(f"/delegations/{delegation.id}/revoke")
    assert response.status_code == 200
    assert "End Pat Rep's rights?" in page_text(response)
    assert delegations_of(holder)[0].revoked_at is None


def test_confirming_ends_the_rights_and_the_representative_loses_access(browser, rep_browser, make, coordinator, holder, rep):
    delegation = make.delegation(holder, rep, ["view"])
    rep_browser.sign_in("pat@example.com")
    assert rep_browser.get(f"/holders/{holder.id}").status_code == 200
    browser.sign_in("cath@example.com")
    response = browser.submit(f"/delegations/{delegation.id}/revoke")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/holders/{holder.id}/delegations"
    (ended,) = delegations_of(holder)
    assert ended.revoked_at is not None and ended.revoked_by_id == coordinator.id
    assert rep_browser.get(f"/holders/{holder.id}").status_code == 403


def test_revoking_is_recorded_with_actor_and_holder(browser, make, coordinator, holder, rep):
    delegation = make.delegation(holder, rep, ["view"])
    browser.sign_in("cath@example.com")
    browser.submit(f"/delegations/{delegation.id}/revoke")
    (event,) = db.session.scalars(db.select(Event).filter_by(action="delegation.revoked")).all()
    assert (event.actor_id, event.holder_id, event.object_id) == (coordinator.id, holder.id, delegation.id)
    assert event.detail == {"delegate": "pat@example.com"}


def test_a_holder_ends_their_representatives_rights(browser, make, holder, rep):
    delegation = make.delegation(holder, rep, ["view"])
    browser.sign_in("jo@example.com")
    assert browser.submit(f"/delegations/{delegation.id}/revoke").status_code == 302
    assert delegations_of(holder)[0].revoked_by_id == holder.user_id


def test_a_representative_can_step_down(rep_browser, make, holder, rep):
    delegation = make.delegation(holder, rep, ["view"])
    rep_browser.sign_in("pat@example.com")
    response = rep_browser.submit(f"/delegations/{delegation.id}/revoke")
    assert response.headers["Location"] == "/"
    assert delegations_of(holder)[0].revoked_by_id == rep.id


def test_a_council_managed_holder_cannot_end_rights_themselves(browser, make, managed_holder, rep):
    delegation = make.delegation(managed_holder, rep, ["view"])
    browser.sign_in("mo@example.com")
    assert browser.get(f"/delegations/{delegation.id}/revoke").status_code == 403
    assert browser.submit(f"/delegations/{delegation.id}/revoke", form_url="/").status_code == 403
    assert delegations_of(managed_holder)[0].revoked_at is None


def test_one_representative_cannot_end_anothers_rights(rep_browser, make, holder, rep):
    other = make.delegation(holder, make.user(email="kim@example.com", name="Kim Rep"), ["view"])
    make.delegation(holder, rep, ["manage"])
    rep_browser.sign_in("pat@example.com")
    assert rep_browser.submit(f"/delegations/{other.id}/revoke", form_url="/").status_code == 403
    assert delegations_of(holder)[0].revoked_at is None


def test_ending_rights_twice_records_one_event(browser, make, coordinator, holder, rep):
    delegation = make.delegation(holder, rep, ["view"])
    browser.sign_in("cath@example.com")
    browser.submit(f"/delegations/{delegation.id}/revoke")
    browser.submit(f"/delegations/{delegation.id}/revoke", form_url="/")
    assert len(db.session.scalars(db.select(Event).filter_by(action="delegation.revoked")).all()) == 1


# --- brokers -----------------------------------------------------------------------------

def test_a_broker_sees_only_the_holders_delegated_to_them(browser, make, council):
    broker = make.user(R.BROKER, council, email="bea@example.com")
    mine = make.holder(council, name="Mine Holder")
    make.holder(council, name="Not Mine Holder")
    make.delegation(mine, broker, ["view", "order"], kind="broker")
    browser.sign_in("bea@example.com")
    text = page_text(browser.get("/caseload"))
    assert "Mine Holder" in text
    assert "Not Mine Holder" not in text


def test_a_broker_is_refused_holders_not_delegated_to_them(browser, make, council):
    broker = make.user(R.BROKER, council, email="bea@example.com")
    mine = make.holder(council, name="Mine Holder")
    other = make.holder(council, name="Not Mine Holder")
    make.delegation(mine, broker, ["view"], kind="broker")
    browser.sign_in("bea@example.com")
    assert browser.get(f"/holders/{mine.id}").status_code == 200
    assert browser.get(f"/holders/{other.id}").status_code == 403


def test_a_brokers_caseload_leaves_out_ended_delegations(browser, make, council):
    broker = make.user(R.BROKER, council, email="bea@example.com")
    ended = make.holder(council, name="Ended Holder")
    make.delegation(ended, broker, ["view"], kind="broker", ends_on=clock.today() - timedelta(days=1))
    browser.sign_in("bea@example.com")
    assert "Ended Holder" not in page_text(browser.get("/caseload"))
