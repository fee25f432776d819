"""What a listing may say: its details are checked and tidied before they are saved."""
from __future__ import annotations

import pytest

from catalogue import listings
from catalogue.models import Listing
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.pricing.models import CouncilPrice

from ..helpers import page_text
from .support import listing_form


@pytest.fixture
def provider(make):
    council = make.council("aldermoor")
    organisation, admin = make.provider(council, name="Greenfingers Co-op")
    return council, organisation, admin


def _add(browser, organisation, **fields):
    return browser.submit(f"/provider/organisations/{organisation.id}/listings/new", listing_form(**fields))


def test_areas_are_read_as_postcode_districts_without_repeats(provider, browser):
    _council, organisation, admin = provider
    browser.sign_in(admin.email)

    _add(browser, organisation, areas="sk4 2ab, SK4; sk5\nSK12")

    assert db.session.scalars(db.select(Listing.areas)).one() == ["SK4", "SK5", "SK12"]


def test_area_that_is_not_a_postcode_is_refused_with_a_clear_message(provider, browser):
    _council, organisation, admin = provider
    browser.sign_in(admin.email)

    response = _add(browser, organisation, areas="SK4, Stockport")

    assert "'Stockport' is not a postcode district (like SK4)." in page_text(response)
    assert db.session.scalars(db.select(Listing)).all() == []


def test_price_beyond_a_million_pounds_is_refused_not_a_crash(provider, browser):
    _council, organisation, admin = provider
    browser.sign_in(admin.email)

    response = _add(browser, organisation, price="30000000")

    assert response.status_code == 200
    assert "The price must be £1,000,000 or less" in page_text(response)
    assert db.session.scalars(db.select(Listing)).all() == []


def test_every_problem_is_named_at_once(provider):
    _council, organisation, admin = provider

    with pytest.raises(DomainError) as raised:
        listings.create(admin, organisation, title=" ", category="unicorns", price_pence=-100, min_age=30, max_age=20,
                        vat_rate_percent=17)

    assert raised.value.message == ("Enter a title. Choose a category. The price cannot be negative. The minimum age "
                                    "must not be above the maximum age. VAT must be 0%, 5% or 20%.")


def test_unknown_choices_are_dropped(provider):
    _council, organisation, admin = provider

    made = listings.create(admin, organisation, title="Bramble clearing", category="gardening",
                           delivery_modes=["home", "teleport", "home"], languages=["en", "klingon"], days=["mon", "funday"])

    assert (made.delivery_modes, made.languages, made.days) == (["home"], ["en"], ["mon"])


def test_agreed_price_beyond_a_million_pounds_is_refused_not_a_crash(make, provider, browser):
    council, organisation, _admin = provider
    listing = make.listing(organisation, title="Bramble clearing")
    browser.sign_in(make.user("commissioner", council).email)

    response = browser.submit(f"/council/prices/{listing.id}", {"price": "30000000", "note": ""})

    assert response.status_code == 200
    assert "The agreed price must be £1,000,000 or less" in page_text(response)
    assert db.session.scalars(db.select(CouncilPrice)).all() == []
