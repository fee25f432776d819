"""The search index converges on the database whatever happens around it: a rebuild while
providers edit listings in other processes, a write that fails, a rebuild that fails, and
workers that hold a searcher on an index another process replaced."""
from __future__ import annotations

import errno
import multiprocessing
import os
import time

import pytest
from sqlalchemy import update

from catalogue import indexing, listings
from catalogue.models import Listing
from catalogue.search import CatalogueIndex
from catalogue.search.engine import GENERATION_PREFIX
from marketplace.extensions import db, limiter

from ..catalogue.support import result_titles
from ..helpers import page_text

WORKERS = 3
LISTINGS_PER_WORKER = 4
ROUNDS = 6


@pytest.fixture
def provider(make):
    council = make.council("aldermoor")
    return make.provider(council, name="Greenfingers Co-op")


def _found(client, text):
    return result_titles(client.get(f"/catalogue?q={text}&council=aldermoor"))


def _app_config(app) -> dict:
    """What a second process needs to run the same application on the same database and index."""
    keys = ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "SEARCH_INDEX_DIR", "SERVER_NAME",
            "PREFERRED_URL_SCHEME", "SEARCH_SYNC_INTERVAL")
    return {"TESTING": True, "PROPAGATE_TEST_ERRORS": False, **{k: app.config[k] for k in keys}}


def _other_process(target, *args):
    """Run ``target(*args)`` in a fresh interpreter (as another gunicorn worker would be); return its result."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(target, args)


def _provider_at_work(config: dict, listing_ids: list[int], admin_id: int, rounds: int) -> dict:
    """Another worker: pause, rename and republish its listings, and search after each change."""
    from catalogue import listings as listing_service
    from catalogue.models import Listing as ListingModel
    from marketplace.accounts.models import User
    from marketplace.app import create_app
    from marketplace.extensions import db as worker_db

    app = create_app(config, env="testing")
    statuses, errors = [], []
    client = app.test_client()
    with app.app_context():
        admin = worker_db.session.get(User, admin_id)
        for n in range(rounds):
            for listing_id in listing_ids:
                listing = worker_db.session.get(ListingModel, listing_id)
                try:
                    listing_service.change_status(admin, listing, "paused")
                    listing.title = f"Bramble {listing_id} round {n}"
                    worker_db.session.commit()
                    listing_service.change_status(admin, listing, "published")
                except Exception as error:  # noqa: BLE001  (reported to the test, which fails on it)
                    worker_db.session.rollback()
                    errors.append(repr(error))
                statuses.append(client.get("/catalogue?q=bramble&council=aldermoor").status_code)
        worker_db.session.remove()
        worker_db.engine.dispose()
    return {"statuses": statuses, "errors": errors}


def _rebuild_elsewhere(config: dict) -> int:
    """``flask catalogue reindex`` run by another process."""
    from marketplace.app import create_app

    app = create_app(config, env="testing")
    with app.app_context():
        count = indexing.rebuild()
        from marketplace.extensions import db as other_db
        other_db.engine.dispose()
    return count


def test_a_rebuild_while_providers_change_listings_in_other_processes_ends_with_the_index_equal_to_the_database(
        app, make, provider, client):
    organisation, admin = provider
    ids = [make.listing(organisation, title=f"Bramble {n}").id for n in range(WORKERS * LISTINGS_PER_WORKER)]
    admin_id, config = admin.id, _app_config(app)
    db.session.remove()
    db.engine.dispose()

    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        work = [pool.apply_async(_provider_at_work, (config, ids[w::WORKERS], admin_id, ROUNDS)) for w in range(WORKERS)]
        rebuilds, search_statuses = 0, []
        while not all(w.ready() for w in work):
            indexing.rebuild()
            rebuilds += 1
            search_statuses.append(client.get("/catalogue?q=bramble&council=aldermoor").status_code)
        results = [w.get(timeout=300) for w in work]

    statuses = [s for r in results for s in r["statuses"]] + search_statuses
    assert [e for r in results for e in r["errors"]] == []
    assert rebuilds >= 2, "the rebuilds must overlap the changes"
    assert len(statuses) == WORKERS * LISTINGS_PER_WORKER // WORKERS * ROUNDS * WORKERS + len(search_statuses)
    assert {s for s in statuses if s >= 500} == set()
    app.config["SEARCH_SYNC_INTERVAL"] = 0  # the next request in any worker catches up with what waited
    try:
        assert client.get("/").status_code == 200
    finally:
        app.config["SEARCH_SYNC_INTERVAL"] = None
    assert indexing.differences() == {"missing": [], "extra": [], "stale": []}
    assert indexing.pending_count() == 0
    limiter.reset()  # this test searched more than a person may in a minute
    assert sorted(_found(client, "bramble")) == sorted(f"Bramble {i} round {ROUNDS - 1}" for i in ids)


def test_a_failed_index_write_waits_in_the_outbox_the_provider_is_told_and_a_later_request_catches_up(
        app, provider, browser, client, monkeypatch):
    organisation, admin = provider
    made = listings.create(admin, organisation, title="Bramble clearing", summary="Overgrown gardens cleared.",
                           category="gardening", price_pence=1800, delivery_modes=["home"], areas=["SK4"])

    def disk_full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(CatalogueIndex, "write", disk_full)
    browser.sign_in(admin.email)
    response = browser.submit(f"/provider/listings/{made.id}/status", {"to": "published"},
                              form_url=f"/provider/listings/{made.id}/preview")
    page = browser.client.get(response.headers["Location"])

    assert "It will show in search results within a few minutes" in page_text(page)
    assert "people can now find it" not in page_text(page)
    assert indexing.pending_count() >= 1
    assert _found(client, "bramble") == []
    assert indexing.differences()["missing"] == [made.id]

    monkeypatch.undo()  # the disk has room again
    app.config["SEARCH_SYNC_INTERVAL"] = 0
    try:
        client.get("/")
    finally:
        app.config["SEARCH_SYNC_INTERVAL"] = None

    assert indexing.pending_count() == 0
    assert _found(client, "bramble") == ["Bramble clearing"]


def test_sync_command_applies_what_waits_and_check_reports_the_difference_then_none(app, provider, client, monkeypatch):
    organisation, admin = provider
    made = listings.create(admin, organisation, title="Bramble clearing", summary="Cleared.", category="gardening",
                           delivery_modes=["home"], areas=["SK4"])
    monkeypatch.setattr(CatalogueIndex, "write", lambda *a, **k: (_ for _ in ()).throw(PermissionError("read-only")))
    listings.change_status(admin, made, "published")
    monkeypatch.undo()
    runner = app.test_cli_runner()

    check = runner.invoke(args=["catalogue", "reindex", "--check"])
    assert check.exit_code == 1, check.output
    assert f"1 public listings missing from the index: {made.id}" in check.output
    assert "1 changes waiting in the change record" in check.output

    sync = runner.invoke(args=["catalogue", "sync"])
    assert sync.exit_code == 0, sync.output
    assert "Applied 1 of 1 waiting changes" in sync.output

    check = runner.invoke(args=["catalogue", "reindex", "--check"])
    assert check.exit_code == 0, check.output
    assert "The index matches the database." in check.output
    assert _found(client, "bramble") == ["Bramble clearing"]


def test_check_finds_an_entry_that_no_longer_matches_the_database(app, make, provider):
    organisation, _admin = provider
    listing = make.listing(organisation, title="Bramble clearing")
    db.session.execute(update(Listing).where(Listing.id == listing.id).values(title="Hedge trimming"))  # no outbox row
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["catalogue", "reindex", "--check"])

    assert result.exit_code == 1
    assert f"1 index entries that no longer match the database: {listing.id}" in result.output


def test_a_rebuild_that_fails_leaves_the_live_index_as_it_was_and_no_files_behind(app, make, provider, client):
    organisation, _admin = provider
    make.listing(organisation, title="Bramble clearing")
    index = indexing.current_index()
    live = index.live_directory()

    def failing_documents():
        yield from ()
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        index.rebuild(["aldermoor"], failing_documents())

    assert index.live_directory() == live
    assert [n for n in os.listdir(index.directory) if n.startswith(GENERATION_PREFIX)] == [os.path.basename(live)]
    assert _found(client, "bramble") == ["Bramble clearing"]


def test_a_worker_notices_an_index_rebuilt_by_another_process(app, make, provider, client):
    organisation, _admin = provider
    listing = make.listing(organisation, title="Bramble clearing")
    assert _found(client, "bramble") == ["Bramble clearing"]  # this worker now holds a searcher
    db.session.execute(update(Listing).where(Listing.id == listing.id).values(title="Hedge trimming"))
    db.session.commit()

    assert _other_process(_rebuild_elsewhere, _app_config(app)) == 1

    assert _found(client, "hedge") == ["Hedge trimming"]
    assert _found(client, "bramble") == []


def test_a_searcher_whose_files_vanished_reopens_the_index_instead_of_failing(app, make, provider, client):
    organisation, _admin = provider
    listing = make.listing(organisation, title="Bramble clearing")
    assert _found(client, "bramble") == ["Bramble clearing"]
    held = indexing.current_index().searcher()
    db.session.execute(update(Listing).where(Listing.id == listing.id).values(title="Hedge trimming"))
    db.session.commit()

    for _ in range(2):  # the second rebuild removes the generation this worker's searcher reads
        _other_process(_rebuild_elsewhere, _app_config(app))
    assert not os.path.exists(held._ix.storage.folder)
    held.close()  # and its files were closed under it

    response = client.get("/catalogue?q=hedge&council=aldermoor")

    assert response.status_code == 200
    assert result_titles(response) == ["Hedge trimming"]


def test_an_index_update_made_during_a_rebuild_is_applied_after_it(app, make, provider, client):
    organisation, admin = provider
    listing = make.listing(organisation, title="Bramble clearing")
    index = indexing.current_index()
    started = time.monotonic()

    def documents_while_a_provider_edits():
        listing.title = "Hedge trimming"  # committed while the rebuild holds the writer lock
        db.session.commit()
        assert indexing.pending_count() == 1  # it waits, it is not lost
        yield from ()

    index.rebuild(["aldermoor"], documents_while_a_provider_edits(), state=index.read_state(),
                  then=lambda: indexing.apply_batch(index))

    assert time.monotonic() - started < 10
    assert indexing.pending_count() == 0
    assert _found(client, "hedge") == ["Hedge trimming"]


def test_an_index_that_cannot_be_read_even_after_reopening_answers_503_with_retry_after(app, make, provider, client,
                                                                                       monkeypatch):
    organisation, _admin = provider
    make.listing(organisation, title="Bramble clearing")

    def unreadable(_self):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(CatalogueIndex, "searcher", unreadable)
    response = client.get("/catalogue?q=bramble&council=aldermoor")

    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "Searching is not working for a moment" in page_text(response)
