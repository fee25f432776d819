"""An organisation's admin keeps its public profile up to date."""
from __future__ import annotations

import pytest

from marketplace.errors import DomainError, NotAllowed
from marketplace.providers.service import update_profile
from tests.helpers import page_text


def test_the_admin_saves_the_profile_with_tidy_areas(make, browser):
    council = make.council("aldermoor")
    organisation, admin = make.provider(council, name="Greenfingers")
    browser.sign_in(admin.email)
    response = browser.submit(f"/provider/organisations/{organisation.id}/profile",
                              {"name": " Greenfingers Ltd ", "summary": "Gardens", "areas_served": "sk4, SK5 2AB, sk4",
                               "languages": ["en", "pl"]})
    assert response.status_code == 302
    profile = page_text(browser.get(f"/catalogue/organisations/{organisation.id}"))
    assert "Greenfingers Ltd" in profile and "SK4, SK5" in profile and "Polish" in profile


def test_areas_that_are_not_postcode_districts_are_refused_and_nothing_changes(make, browser):
    council = make.council("aldermoor")
    organisation, admin = make.provider(council, name="Greenfingers")
    browser.sign_in(admin.email)
    response = browser.submit(f"/provider/organisations/{organisation.id}/profile",
                              {"name": "Renamed", "areas_served": "SK4, Stockport"})
    assert "Enter areas as the first part of postcodes" in page_text(response)
    with pytest.raises(DomainError):
        update_profile(admin, organisation, name="Renamed", areas_served=["nowhere"], languages=[])
    assert organisation.name == "Greenfingers"


def test_staff_cannot_change_the_profile_through_the_service(make):
    council = make.council("aldermoor")
    organisation, _admin = make.provider(council, name="Greenfingers")
    _, staff = make.provider(council, role="provider_staff")
    from marketplace.accounts import service as accounts
    from marketplace.extensions import db

    accounts.grant_role(staff, "provider_staff", organisation=organisation)
    db.session.commit()
    with pytest.raises(NotAllowed):
        update_profile(staff, organisation, name="Taken over", areas_served=[], languages=[])
