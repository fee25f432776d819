"""The search index stays in step with the database after every commit, and can be rebuilt from it."""
from __future__ import annotations

import pytest

from catalogue import listings
from catalogue.indexing import current_index
from marketplace.extensions import db
from marketplace.pricing import service as pricing
from marketplace.providers.models import OrganisationApproval

from ..helpers import page_text
from .support import listing_form, result_titles


@pytest.fixture
def provider(make):
    council = make.council("aldermoor")
    return make.provider(council, name="Greenfingers Co-op")


@pytest.fixture
def published(provider):
    organisation, admin = provider
    made = listings.create(admin, organisation, title="Bramble clearing", summary="Overgrown gardens cleared.",
                           category="gardening", price_pence=1800, delivery_modes=["home"], areas=["SK4"])
    listings.change_status(admin, made, "published")
    return made


pytestmark = pytest.mark.usefixtures("search_backend")  # against each search backend


def _found(client, text, council="aldermoor"):
    return result_titles(client.get(f"/catalogue?q={text}&council={council}"))


def test_draft_is_not_in_the_index(provider, client):
    organisation, admin = provider

    made = listings.create(admin, organisation, title="Bramble clearing", summary="Cleared.", category="gardening",
                           delivery_modes=["home"], areas=["SK4"])

    assert made.id not in current_index().indexed_ids()
    assert _found(client, "bramble") == []


def test_publishing_puts_a_listing_in_the_index(published, client):
    assert current_index().indexed_ids() == {published.id}
    assert _found(client, "bramble") == ["Bramble clearing"]


def test_new_title_is_searchable_and_the_old_one_is_not(provider, published, browser, client):
    _organisation, admin = provider
    browser.sign_in(admin.email)

    response = browser.submit(f"/provider/listings/{published.id}/edit", listing_form(title="Hedge trimming"))

    assert response.status_code == 302
    assert _found(client, "hedge") == ["Hedge trimming"]
    assert _found(client, "bramble") == []


def test_pausing_removes_a_listing_from_search_and_publishing_brings_it_back(provider, published, client):
    _organisation, admin = provider

    listings.change_status(admin, published, "paused")
    assert _found(client, "bramble") == []
    assert current_index().indexed_ids() == set()

    listings.change_status(admin, published, "published")
    assert _found(client, "bramble") == ["Bramble clearing"]


def test_archiving_removes_a_listing_from_search(provider, published, client):
    _organisation, admin = provider

    listings.change_status(admin, published, "archived")

    assert _found(client, "bramble") == []


def test_deleting_a_listing_removes_it_from_search(make, provider, client):
    organisation, _admin = provider
    made = make.listing(organisation, title="Bramble clearing", category="gardening")
    assert _found(client, "bramble") == ["Bramble clearing"]

    db.session.delete(made)
    db.session.commit()

    assert _found(client, "bramble") == []
    assert current_index().indexed_ids() == set()


def test_index_changes_only_when_the_change_is_committed(make, provider, client):
    organisation, _admin = provider
    made = make.listing(organisation, title="Bramble clearing", status="draft", published_at=None)

    made.status = "published"
    db.session.flush()
    assert current_index().indexed_ids() == set()  # flushed, not committed
    db.session.rollback()
    assert current_index().indexed_ids() == set()
    assert _found(client, "bramble") == []

    made.status = "published"
    db.session.commit()
    assert _found(client, "bramble") == ["Bramble clearing"]


def test_renaming_the_organisation_updates_its_listings_in_the_index(provider, published, client):
    organisation, _admin = provider

    organisation.name = "Wildwood Gardeners"
    db.session.commit()

    assert _found(client, "wildwood") == ["Bramble clearing"]
    assert _found(client, "greenfingers") == []


def test_changing_a_persons_skills_updates_their_listing_in_the_index(make, client):
    from catalogue.models import PersonProfile

    council = make.council("aldermoor")
    organisation, assistant = make.provider(council, name="Amira Hussain", kind="personal_assistant",
                                            role="personal_assistant")
    made = make.listing(organisation, kind="person", title="Personal assistant: Amira", category="personal-assistant",
                        person=PersonProfile(display_name="Amira H.", skills=["cooking"]))

    listings.update(assistant, made, person={"skills": ["cooking", "knitting"]})

    assert _found(client, "knitting") == ["Personal assistant: Amira"]


def test_agreeing_a_price_updates_the_council_price_used_for_sorting(make, provider, client, sign_in_as, browser):
    organisation, _admin = provider
    council = make.council("aldermoor")
    dearer = make.listing(organisation, title="Bramble clearing", category="gardening", price_pence=1800)
    make.listing(organisation, title="Bramble cutting", category="gardening", price_pence=1700)
    sign_in_as("budget_holder", council)
    assert result_titles(browser.get("/catalogue?q=bramble&sort=price")) == ["Bramble cutting", "Bramble clearing"]

    pricing.set_council_price(make.user("commissioner", council), dearer, council, 1500)

    assert result_titles(browser.get("/catalogue?q=bramble&sort=price")) == ["Bramble clearing", "Bramble cutting"]


def test_council_added_after_the_index_was_made_gets_its_own_catalogue(make, provider, published, client):
    organisation, _admin = provider
    coldwater = make.council("coldwater")  # the index was made before Coldwater existed

    db.session.add(OrganisationApproval(organisation=organisation, council_id=coldwater.id, status="approved"))
    db.session.commit()

    assert _found(client, "bramble", council="coldwater") == ["Bramble clearing"]


# --- rebuilding ------------------------------------------------------------------------


@pytest.fixture
def mixed(make, provider):
    """Published, draft, paused and archived listings, and a published one from an unapproved provider."""
    organisation, _admin = provider
    made = {status: make.listing(organisation, title=f"Bramble {status}", status=status)
            for status in ("published", "draft", "paused", "archived")}
    stranger = make.organisation(name="Newco Gardens")
    made["unapproved"] = make.listing(stranger, title="Bramble unapproved")
    return made


def test_reindex_command_rebuilds_the_index_from_the_database_after_it_is_cleared(app, mixed, client):
    current_index().clear()
    assert _found(client, "bramble") == []

    result = app.test_cli_runner().invoke(args=["catalogue", "reindex"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Indexed 1 published listings in ")
    assert current_index().indexed_ids() == {mixed["published"].id}
    assert _found(client, "bramble") == ["Bramble published"]


def test_reindex_repairs_an_index_that_missed_a_change(app, mixed, client):
    listing = mixed["published"]
    db.session.info["skip_search_sync"] = True
    listing.title = "Hedge trimming"
    db.session.commit()
    db.session.info.pop("skip_search_sync")
    assert _found(client, "hedge") == []  # the index missed it

    app.test_cli_runner().invoke(args=["catalogue", "reindex"])

    assert _found(client, "hedge") == ["Hedge trimming"]
    assert _found(client, "bramble") == []


def test_reindex_matches_what_the_commit_hooks_wrote(app, mixed):
    before = current_index().indexed_ids()

    app.test_cli_runner().invoke(args=["catalogue", "reindex"])

    assert current_index().indexed_ids() == before == {mixed["published"].id}


def test_search_page_works_before_anything_is_indexed(make, client):
    make.council("aldermoor")
    current_index().clear()

    response = client.get("/catalogue?q=gardening&council=aldermoor")

    assert response.status_code == 200
    assert "0 results" in page_text(response)

