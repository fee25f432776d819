"""Who may change listings, agree prices and see unpublished listings."""
from __future__ import annotations

import pytest

from catalogue import listings
from catalogue.models import Listing
from marketplace.errors import NotAllowed
from marketplace.extensions import db
from marketplace.pricing import service as pricing
from marketplace.pricing.models import CouncilPrice

from ..helpers import page_text
from .support import listing_form


@pytest.fixture
def market(make):
    """Greenfingers (admin and staff) and a rival provider, both approved in Aldermoor; one listing each state."""
    aldermoor = make.council("aldermoor")
    greenfingers, admin = make.provider(aldermoor, name="Greenfingers Co-op")
    staff = make.user("provider_staff", organisation=greenfingers)
    rival_org, rival = make.provider(aldermoor, name="Rival Gardens")
    published = make.listing(greenfingers, title="Bramble clearing", category="gardening", price_pence=1800, commit=False)
    draft = make.listing(greenfingers, title="Hedge cutting", category="gardening", status="draft", published_at=None,
                         commit=False)
    db.session.commit()
    return dict(aldermoor=aldermoor, greenfingers=greenfingers, admin=admin, staff=staff, rival_org=rival_org,
                rival=rival, published=published, draft=draft)


PORTAL_PAGES = ["/provider/listings/{id}/edit", "/provider/listings/{id}/preview", "/provider/listings/{id}/prices",
                "/provider/listings/{id}/archive"]
PORTAL_POSTS = ["/provider/listings/{id}/edit", "/provider/listings/{id}/status", "/provider/listings/{id}/archive",
                "/provider/listings/{id}/confirm", "/provider/listings/{id}/photos", "/provider/listings/{id}/events"]


def test_another_provider_gets_403_on_a_listings_portal_pages(market, browser):
    browser.sign_in(market["rival"].email)

    statuses = {url: browser.get(url.format(id=market["published"].id)).status_code for url in PORTAL_PAGES}

    assert statuses == {url: 403 for url in PORTAL_PAGES}


def test_another_provider_cannot_change_a_listing_through_the_portal(market, browser):
    browser.sign_in(market["rival"].email)
    listing = market["published"]

    statuses = {url: browser.submit(url.format(id=listing.id), listing_form(title="Hijacked", to="paused"),
                                    form_url="/provider").status_code for url in PORTAL_POSTS}

    assert statuses == {url: 403 for url in PORTAL_POSTS}
    db.session.expire_all()
    assert (listing.title, listing.status) == ("Bramble clearing", "published")


@pytest.mark.parametrize("change", [
    lambda who, listing: listings.update(who, listing, title="Hijacked"),
    lambda who, listing: listings.change_status(who, listing, "paused"),
    lambda who, listing: listings.confirm_up_to_date(who, listing),
    lambda who, listing: listings.add_photo(who, listing, b"not checked yet", "A garden"),
], ids=["update", "change_status", "confirm_up_to_date", "add_photo"])
def test_listing_service_refuses_another_provider(market, change):
    with pytest.raises(NotAllowed):
        change(market["rival"], market["published"])


def test_another_provider_cannot_add_listings_for_an_organisation(market):
    with pytest.raises(NotAllowed):
        listings.create(market["rival"], market["greenfingers"], title="Planted", category="gardening")


def test_signed_out_visitor_is_sent_to_sign_in_from_the_portal(market, client):
    response = client.get(f"/provider/listings/{market['published'].id}/edit")

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_provider_staff_can_edit_their_organisations_listings(market, browser):
    browser.sign_in(market["staff"].email)
    listing = market["published"]
    url = f"/provider/listings/{listing.id}/edit"

    assert browser.get(url).status_code == 200
    response = browser.submit(url, listing_form(title="Bramble and nettle clearing"), follow_redirects=True)

    assert "Your changes have been saved." in page_text(response)
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).title == "Bramble and nettle clearing"


def test_provider_staff_cannot_change_the_organisations_profile(market, browser):
    browser.sign_in(market["staff"].email)

    assert browser.get(f"/provider/organisations/{market['greenfingers'].id}/profile").status_code == 403


def test_provider_portal_lists_only_the_providers_own_listings(market, browser):
    browser.sign_in(market["rival"].email)

    text = page_text(browser.get("/provider"))

    assert "Rival Gardens" in text and "Bramble clearing" not in text


# --- agreed prices -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["commissioner", "finance_officer", "administrator"])
def test_council_commissioners_finance_and_administrators_can_agree_prices(make, market, browser, role):
    browser.sign_in(make.user(role, market["aldermoor"]).email)
    listing = market["published"]
    url = f"/council/prices/{listing.id}"

    response = browser.submit(url, {"price": "15.00", "note": "Framework rate"}, follow_redirects=True)

    assert "Agreed price saved for Bramble clearing." in page_text(response)
    agreed = db.session.scalars(db.select(CouncilPrice)).one()
    assert (agreed.listing_id, agreed.council_id, agreed.price_pence, agreed.note) == (
        listing.id, market["aldermoor"].id, 1500, "Framework rate")


@pytest.mark.parametrize("role", ["care_coordinator", "team_manager", "budget_holder", "broker"])
def test_other_council_roles_cannot_agree_prices(make, market, browser, role):
    person = make.user(role, market["aldermoor"])
    browser.sign_in(person.email)
    listing = market["published"]

    assert browser.get(f"/council/prices/{listing.id}").status_code == 403
    assert browser.submit(f"/council/prices/{listing.id}", {"price": "1.00"}, form_url="/").status_code == 403
    with pytest.raises(NotAllowed):
        pricing.set_council_price(person, listing, market["aldermoor"], 100)
    assert db.session.scalars(db.select(CouncilPrice)).all() == []


def test_provider_cannot_agree_its_own_price(market, browser):
    browser.sign_in(market["admin"].email)

    assert browser.get(f"/council/prices/{market['published'].id}").status_code == 403
    with pytest.raises(NotAllowed):
        pricing.set_council_price(market["admin"], market["published"], market["aldermoor"], 100)


def test_commissioner_of_another_council_cannot_agree_this_councils_price(make, market):
    outsider = make.user("commissioner", make.council("birchley"))

    with pytest.raises(NotAllowed):
        pricing.set_council_price(outsider, market["published"], market["aldermoor"], 100)


def test_council_can_only_agree_prices_with_providers_it_approved(make, market, browser):
    birchley = make.council("birchley")
    browser.sign_in(make.user("commissioner", birchley).email)

    assert browser.get(f"/council/prices/{market['published'].id}").status_code == 404


# --- unpublished listings -------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "paused", "archived"])
def test_anonymous_visitor_cannot_see_an_unpublished_listing(make, market, client, status):
    listing = make.listing(market["greenfingers"], title="Secret garden", status=status)

    assert client.get(f"/catalogue/listings/{listing.id}").status_code == 404


def test_anonymous_visitor_can_see_a_published_listing(market, client):
    response = client.get(f"/catalogue/listings/{market['published'].id}")

    assert response.status_code == 200
    assert "Bramble clearing" in page_text(response)


def test_provider_can_see_its_own_draft(market, browser):
    browser.sign_in(market["staff"].email)

    assert browser.get(f"/catalogue/listings/{market['draft'].id}").status_code == 200


def test_another_provider_cannot_see_a_draft(market, browser):
    browser.sign_in(market["rival"].email)

    assert browser.get(f"/catalogue/listings/{market['draft'].id}").status_code == 404


def test_council_administrator_can_see_a_draft_of_a_provider_in_its_area(make, market, browser):
    browser.sign_in(make.user("administrator", market["aldermoor"]).email)

    assert browser.get(f"/catalogue/listings/{market['draft'].id}").status_code == 200


def test_photo_of_a_draft_listing_is_not_served_to_the_public(market, client):
    from catalogue.models import ListingPhoto

    photo = ListingPhoto(listing=market["draft"], content_type="image/png", data=b"\x89PNG", alt_text="A hedge",
                         width=1, height=1)
    db.session.add(photo)
    db.session.commit()

    assert client.get(f"/catalogue/photos/{photo.id}").status_code == 404
