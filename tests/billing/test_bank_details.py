"""Providers record where they are paid: checked for shape, shown masked on their own page, every change
recorded (who, when) and told to the organisation's other admins, since changed bank details are a fraud."""
from __future__ import annotations

import pytest

from marketplace.accounts import roles as R
from marketplace.errors import DomainError, NotAllowed
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.providers import banking

from .. import factories
from .support import fresh, read


@pytest.fixture
def jo(market):
    """A provider that has not given its bank details yet."""
    return market(bank_details=False)


def url(organisation) -> str:
    return f"/provider/organisations/{organisation.id}/bank-details"


@pytest.mark.parametrize("typed, kept", [("20-00-00", "200000"), ("20 00 00", "200000"), (" 200000 ", "200000"),
                                         ("20–00–00", "200000")])
def test_a_sort_code_may_be_typed_with_spaces_or_dashes(typed, kept):
    assert banking.clean_sort_code(typed) == kept


@pytest.mark.parametrize("typed", ["", "20-00-0", "2000000", "20-00-0a", "２０００００", "12345678"])
def test_a_sort_code_must_be_six_digits(typed):
    with pytest.raises(DomainError):
        banking.clean_sort_code(typed)


@pytest.mark.parametrize("typed, ok", [("1234 5678", "12345678"), ("12-34-56-78", "12345678"), ("1234567", None),
                                       ("123456789", None), ("1234567O", None), ("", None)])
def test_an_account_number_must_be_eight_digits(typed, ok):
    if ok:
        assert banking.clean_account_number(typed) == ok
    else:
        with pytest.raises(DomainError):
            banking.clean_account_number(typed)


def test_the_provider_adds_bank_details_and_sees_them_masked(jo, signed_in):
    browser = signed_in(jo.provider_user)
    page = read(browser.get(url(jo.organisation)))
    assert "No bank details yet" in page and "common way to steal money" in page
    saved = browser.submit(url(jo.organisation), {"account_name": "Bright Care Ltd", "sort_code": "20 00 00",
                                                  "account_number": "1234-5678"})
    assert saved.status_code == 302
    details = fresh(jo.organisation).bank_details
    assert (details.account_name, details.sort_code, details.account_number, details.updated_by_id) == (
        "Bright Care Ltd", "200000", "12345678", jo.provider_user.id)
    page = read(browser.get(url(jo.organisation)))
    assert "Sort code 20-00-00, account ****5678" in page
    assert "12345678" not in page and "1234" not in page.replace("****5678", "")
    assert f"by {jo.provider_user.name}" in page


def test_bad_numbers_are_refused_on_the_form_with_what_to_do(jo, signed_in):
    browser = signed_in(jo.provider_user)
    response = browser.submit(url(jo.organisation), {"account_name": "Bright Care", "sort_code": "20-00",
                                                     "account_number": "123"})
    page = read(response)
    assert response.status_code == 200
    assert "Enter a sort code of 6 digits, like 20-00-00" in page and "Enter an account number of 8 digits" in page
    assert fresh(jo.organisation).bank_details is None
    too_long = browser.submit(url(jo.organisation), {"account_name": "x" * 71, "sort_code": "200000",
                                                     "account_number": "12345678"})
    assert too_long.status_code == 200 and "70 characters or fewer" in read(too_long)


def test_a_change_is_recorded_and_told_to_the_other_admins_not_to_staff(jo):
    other_admin = factories.user(R.PROVIDER_ADMIN, organisation=jo.organisation, name="Other Admin")
    staff = factories.user(R.PROVIDER_STAFF, organisation=jo.organisation)
    banking.set_bank_details(jo.provider_user, jo.organisation, account_name="Bright Care", sort_code="200000",
                             account_number="11112222")
    banking.set_bank_details(jo.provider_user, jo.organisation, account_name="Bright Care", sort_code="40-11-22",
                             account_number="33334444")
    events = db.session.scalars(db.select(Event).filter_by(action="organisation.bank_details_changed").order_by(Event.id)).all()
    assert [(e.actor_id, e.council_id, e.detail.get("before"), e.detail["after"]) for e in events] == [
        (jo.provider_user.id, jo.council.id, None, "Sort code 20-00-00, account ****2222"),
        (jo.provider_user.id, jo.council.id, "Sort code 20-00-00, account ****2222", "Sort code 40-11-22, account ****4444")]
    told = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
    assert [n.user_id for n in told] == [other_admin.id, other_admin.id]
    assert "from Sort code 20-00-00, account ****2222 to Sort code 40-11-22, account ****4444" in told[1].body
    assert "44443333" not in told[1].body and "33334444" not in told[1].body
    assert staff.id not in [n.user_id for n in told]


def test_saving_the_same_details_again_records_nothing(jo):
    for _ in range(2):
        banking.set_bank_details(jo.provider_user, jo.organisation, account_name="Bright Care", sort_code="200000",
                                 account_number="11112222")
    assert db.session.scalar(db.select(db.func.count(Event.id)).filter_by(action="organisation.bank_details_changed")) == 1


def test_staff_and_other_organisations_cannot_see_or_change_them(jo, signed_in, make):
    staff = factories.user(R.PROVIDER_STAFF, organisation=jo.organisation)
    other, other_admin = factories.provider(jo.council)
    assert signed_in(staff).get(url(jo.organisation)).status_code == 403
    assert signed_in(other_admin).get(url(jo.organisation)).status_code == 403
    with pytest.raises(NotAllowed):
        banking.set_bank_details(staff, jo.organisation, account_name="Thief", sort_code="200000", account_number="99998888")
