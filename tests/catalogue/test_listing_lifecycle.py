"""A listing's life: draft, published, paused, published again, archived; and what publishing needs."""
from __future__ import annotations

import pytest

from catalogue import listings
from catalogue.models import Listing
from marketplace.errors import DomainError, InvalidTransition
from marketplace.events.models import Event
from marketplace.extensions import db

from ..helpers import page_text
from .support import listing_form


@pytest.fixture
def provider(make):
    council = make.council("aldermoor")
    return make.provider(council, name="Greenfingers Co-op")


def _draft(provider, **fields):
    organisation, admin = provider
    data = {"title": "Bramble clearing", "summary": "Overgrown gardens cleared.", "category": "gardening",
            "price_pence": 1800, "delivery_modes": ["home"], "areas": ["SK4"]}
    data.update(fields)
    return listings.create(admin, organisation, **data)


def test_new_listing_starts_as_a_draft(provider):
    made = _draft(provider)

    assert made.status == "draft"
    assert made.published_at is None


def test_listing_goes_from_draft_to_published_to_paused_to_published_to_archived(provider):
    _organisation, admin = provider
    made = _draft(provider)

    listings.change_status(admin, made, "published")
    first_published = made.published_at
    assert made.status == "published" and first_published is not None
    listings.change_status(admin, made, "paused")
    assert made.status == "paused"
    listings.change_status(admin, made, "published")
    assert made.status == "published"
    assert made.published_at == first_published  # republishing keeps the first publication date
    listings.change_status(admin, made, "archived")

    assert db.session.get(Listing, made.id).status == "archived"
    actions = db.session.scalars(db.select(Event.action).filter_by(object_type="listings", object_id=made.id)
                                 .order_by(Event.id)).all()
    assert actions == ["listing.draft", "listing.published", "listing.paused", "listing.published", "listing.archived"]


def test_a_paused_listing_can_be_archived_without_publishing_it_again(provider):
    _organisation, admin = provider
    made = _draft(provider)
    listings.change_status(admin, made, "published")
    listings.change_status(admin, made, "paused")
    listings.change_status(admin, made, "archived")
    assert db.session.get(Listing, made.id).status == "archived"


@pytest.mark.parametrize("path, illegal", [
    ((), "paused"),
    ((), "draft"),
    (("published",), "published"),
    (("published",), "draft"),
    (("published", "archived"), "published"),
    (("published", "archived"), "paused"),
    (("published", "paused"), "paused"),
])
def test_illegal_status_change_raises_invalid_transition_and_changes_nothing(provider, path, illegal):
    _organisation, admin = provider
    made = _draft(provider)
    for step in path:
        listings.change_status(admin, made, step)
    before = made.status

    with pytest.raises(InvalidTransition) as raised:
        listings.change_status(admin, made, illegal)

    assert raised.value.message == f"This listing is {before} and cannot be made {illegal}."
    db.session.rollback()
    assert db.session.get(Listing, made.id).status == before


@pytest.mark.parametrize("fields, problem", [
    ({"summary": ""}, "add a short summary"),
    ({"areas": []}, "say which areas you serve (or that it is online)"),
    ({"delivery_modes": []}, "say where it happens (at home, at a venue or online)"),
])
def test_publishing_needs_a_summary_areas_and_where_it_happens(provider, fields, problem):
    _organisation, admin = provider
    made = _draft(provider, **fields)

    with pytest.raises(DomainError) as raised:
        listings.change_status(admin, made, "published")

    assert raised.value.message == f"Before publishing, {problem}."
    db.session.rollback()
    assert db.session.get(Listing, made.id).status == "draft"


def test_publishing_names_every_missing_detail_at_once(provider):
    _organisation, admin = provider
    made = _draft(provider, summary="", areas=[], delivery_modes=[])

    with pytest.raises(DomainError) as raised:
        listings.change_status(admin, made, "published")

    assert raised.value.message == ("Before publishing, add a short summary, say which areas you serve (or that it is "
                                    "online), say where it happens (at home, at a venue or online).")


def test_online_listing_can_be_published_without_areas(provider):
    _organisation, admin = provider
    made = _draft(provider, areas=[], delivery_modes=["online"])

    listings.change_status(admin, made, "published")

    assert made.status == "published"


def test_provider_takes_a_listing_through_its_whole_life_in_the_portal(provider, browser):
    organisation, admin = provider
    browser.sign_in(admin.email)

    response = browser.submit(f"/provider/organisations/{organisation.id}/listings/new", listing_form())
    assert response.status_code == 302
    made = db.session.scalars(db.select(Listing).filter_by(title="Bramble clearing")).one()
    preview = f"/provider/listings/{made.id}/preview"
    assert response.headers["Location"].endswith(preview)
    assert "Saved as a draft. Check the preview, then publish it." in page_text(browser.get(preview))

    steps = [("published", "Published: people can now find it."), ("paused", "Paused: it is hidden until you publish it again."),
             ("published", "Published: people can now find it.")]
    for to, message in steps:
        response = browser.submit(f"/provider/listings/{made.id}/status", {"to": to}, form_url=preview, follow_redirects=True)
        assert message in page_text(response)
        db.session.expire_all()
        assert db.session.get(Listing, made.id).status == to

    archive = f"/provider/listings/{made.id}/archive"
    response = browser.submit(archive, follow_redirects=True)
    assert "'Bramble clearing' has been archived." in page_text(response)
    db.session.expire_all()
    assert db.session.get(Listing, made.id).status == "archived"


def test_portal_explains_an_illegal_status_change(provider, browser):
    organisation, admin = provider
    made = _draft(provider)
    browser.sign_in(admin.email)
    preview = f"/provider/listings/{made.id}/preview"

    response = browser.submit(f"/provider/listings/{made.id}/status", {"to": "paused"}, form_url=preview,
                              follow_redirects=True)

    assert response.status_code == 200
    assert "This listing is draft and cannot be made paused." in page_text(response)
    db.session.expire_all()
    assert db.session.get(Listing, made.id).status == "draft"


def test_portal_explains_that_an_archived_listing_cannot_be_archived_again(provider, browser):
    _organisation, admin = provider
    made = _draft(provider)
    listings.change_status(admin, made, "archived")
    browser.sign_in(admin.email)
    archive = f"/provider/listings/{made.id}/archive"

    response = browser.submit(archive, follow_redirects=True)

    assert "This listing is archived and cannot be made archived." in page_text(response)


def test_portal_says_what_is_missing_before_a_listing_can_be_published(provider, browser):
    _organisation, admin = provider
    made = _draft(provider, areas=[])
    browser.sign_in(admin.email)
    preview = f"/provider/listings/{made.id}/preview"

    response = browser.submit(f"/provider/listings/{made.id}/status", {"to": "published"}, form_url=preview,
                              follow_redirects=True)

    assert "Before publishing, say which areas you serve (or that it is online)." in page_text(response)
    db.session.expire_all()
    assert db.session.get(Listing, made.id).status == "draft"


def test_preview_offers_only_the_moves_the_listing_can_make(provider, browser):
    _organisation, admin = provider
    made = _draft(provider)
    browser.sign_in(admin.email)
    preview = f"/provider/listings/{made.id}/preview"

    draft_page = page_text(browser.get(preview))
    listings.change_status(admin, made, "published")
    published_page = page_text(browser.get(preview))

    assert "This listing is draft. People cannot see it yet." in draft_page
    assert "Publish" in draft_page and "Pause" not in draft_page
    assert "This listing is published. People can find it." in published_page
    assert "Pause" in published_page and "Publish " not in published_page.replace("published", "")
