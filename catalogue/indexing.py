"""Keeps the Whoosh index in step with the database through an outbox, so it always catches up.

SQLAlchemy session events note which listings a flush touched (directly, or through their
organisation, its council approvals, agreed prices, person profile or events) and write a row
per listing or organisation to ``search_outbox`` *in the same transaction*: a change that is
committed is never forgotten by the index. After the commit, ``apply_pending`` takes the index's
writer lock, reads the outbox and the listings' current state in a fresh session, writes them to
the index (or removes listings no longer public) and deletes the rows it applied.

What could not be applied (a rebuild holds the lock, the disk is full) stays in the outbox and
is applied by the next commit that touches a listing, by the next request after
``SEARCH_SYNC_INTERVAL`` seconds in any worker, or by ``flask catalogue sync``. Reading the
listings under the lock means two workers can never write an older state over a newer one.
"""
from __future__ import annotations

import logging
import time

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session, selectinload

from marketplace import clock
from marketplace.councils.models import Council
from marketplace.extensions import db
from marketplace.pricing.models import CouncilPrice
from marketplace.providers.models import Organisation, OrganisationApproval

from .models import CommunityEvent, Listing, PersonProfile, RatingSummary, SearchChange
from .search import document_for, get_index
from .search.engine import IndexBusy

log = logging.getLogger(__name__)

_CHILD_TYPES = (CouncilPrice, PersonProfile, CommunityEvent, RatingSummary)
_NOTED = "catalogue_search_noted"
BATCH = 2000  # outbox rows applied in one index commit
AFTER_COMMIT_WAIT = 0.5  # seconds a request waits for the writer lock before leaving its change to later


def current_index():
    return get_index(current_app.config["SEARCH_INDEX_DIR"])


def _councils(session):
    return session.scalars(select(Council).order_by(Council.id)).all()


def _load_listings(session, ids):
    return session.scalars(
        select(Listing).where(Listing.id.in_(ids)).options(
            selectinload(Listing.organisation).selectinload(Organisation.approvals),
            selectinload(Listing.council_prices), selectinload(Listing.person),
        )
    ).all()


def _write(index, session, listing_ids: set[int], organisation_ids: set[int]) -> None:
    """Write the current database state of these listings (and organisations' listings) to the index."""
    if organisation_ids:
        listing_ids |= set(session.scalars(select(Listing.id).where(Listing.organisation_id.in_(organisation_ids))))
    if not listing_ids:
        return
    councils = _councils(session)
    found = {listing.id: listing for listing in _load_listings(session, listing_ids)}
    upserts = [document_for(found[i], councils) for i in found if found[i].is_public]
    deletes = [str(i) for i in listing_ids if i not in found or not found[i].is_public]
    index.write([c.slug for c in councils], upserts, deletes)


def apply_batch(index) -> int:
    """Apply up to BATCH outbox rows; the caller holds the writer lock. Returns how many were applied."""
    with Session(db.engine) as session:
        rows = session.execute(select(SearchChange.id, SearchChange.listing_id, SearchChange.organisation_id)
                               .order_by(SearchChange.id).limit(BATCH)).all()
        if not rows:
            return 0
        _write(index, session, {r.listing_id for r in rows if r.listing_id is not None},
               {r.organisation_id for r in rows if r.organisation_id is not None})
        session.execute(delete(SearchChange).where(SearchChange.id.in_([r.id for r in rows])))
        session.commit()
        return len(rows)


def apply_pending(wait: float = 0.0) -> int | None:
    """Bring the index up to date with the outbox. Returns the rows applied, or None when the
    index could not be written now (busy or failing); what was not applied stays for later."""
    index = current_index()
    applied = 0
    try:
        with index.writing(wait=wait):
            while True:
                done = apply_batch(index)
                applied += done
                if done < BATCH:
                    return applied
    except IndexBusy:
        log.info("Search index busy (a rebuild?); changes wait in the outbox")
    except Exception:  # the database is the truth; the outbox keeps what the index missed
        log.exception("Search index update failed; the change waits in the outbox (flask catalogue sync retries)")
    return None


def _rows(listing_ids, organisation_ids) -> list[dict]:
    """Outbox rows, all with the same keys (one executemany)."""
    noted_at = clock.now()
    return ([{"listing_id": i, "organisation_id": None, "noted_at": noted_at} for i in set(listing_ids) if i is not None]
            + [{"listing_id": None, "organisation_id": i, "noted_at": noted_at} for i in set(organisation_ids) if i is not None])


def pending_count() -> int:
    return db.session.scalar(select(db.func.count(SearchChange.id))) or 0


def rebuild() -> int:
    """Rebuild the index from the database while the site runs; returns the public listings indexed.

    The writer lock is held throughout, so changes committed meanwhile wait in the outbox. Outbox
    rows already committed when the rebuild starts are part of what it reads, and are deleted;
    those committed later are applied after the swap, still under the lock.
    """
    index = current_index()
    with Session(db.engine) as session:
        councils = _councils(session)
        state = {}

        def documents():
            state["seen"] = session.scalars(select(SearchChange.id)).all()
            ids = session.scalars(select(Listing.id).where(Listing.status == "published").order_by(Listing.id)).all()
            for start in range(0, len(ids), 1000):
                for listing in _load_listings(session, ids[start:start + 1000]):
                    if listing.is_public:
                        yield document_for(listing, councils)
                session.expunge_all()

        def catch_up():
            seen = state.get("seen", [])
            for start in range(0, len(seen), 1000):
                session.execute(delete(SearchChange).where(SearchChange.id.in_(seen[start:start + 1000])))
            session.commit()
            while apply_batch(index) == BATCH:
                pass

        return index.rebuild([c.slug for c in councils], documents(), then=catch_up)


def differences() -> dict[str, list[int]]:
    """How the index and the database differ, changing nothing: public listings missing from the
    index, listings in the index that are not public, and entries that no longer match the database."""
    index = current_index()
    stored = index.stored()
    with Session(db.engine) as session:
        councils = _councils(session)
        ids = session.scalars(select(Listing.id).where(Listing.status == "published").order_by(Listing.id)).all()
        expected: dict[int, str] = {}
        for start in range(0, len(ids), 1000):
            for listing in _load_listings(session, ids[start:start + 1000]):
                if listing.is_public:
                    expected[listing.id] = document_for(listing, councils)["digest"]
            session.expunge_all()
    return {
        "missing": sorted(set(expected) - set(stored)),
        "extra": sorted(set(stored) - set(expected)),
        "stale": sorted(i for i in expected if i in stored and stored[i].get("digest") != expected[i]),
    }


def catch_up_now_and_then() -> None:
    """Before a request, at most every SEARCH_SYNC_INTERVAL seconds per worker: apply what an
    earlier failure left in the outbox. Never lets a failure reach the page."""
    interval = current_app.config.get("SEARCH_SYNC_INTERVAL", 30)
    if interval is None:  # switched off (the tests, unless a test is about this)
        return
    index = current_index()
    now = time.monotonic()
    if now - getattr(index, "last_catch_up", 0.0) < interval:
        return
    index.last_catch_up = now
    try:
        if db.session.scalar(select(SearchChange.id).limit(1)) is None:
            return
    except Exception:  # noqa: BLE001  (no database now: the request will say so itself)
        db.session.rollback()
        return
    apply_pending(wait=0)


def last_change_searchable() -> bool:
    """False when a change this request committed could not reach the search index yet."""
    return not (has_request_context() and g.get("search_change_waiting"))


@event.listens_for(Session, "after_flush")
def _note_changes(session, _flush_context):
    """Write an outbox row for each listing or organisation this flush touched, in its transaction."""
    listings, organisations = set(), set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Listing):
            listings.add(obj.id)
        elif isinstance(obj, _CHILD_TYPES):
            listings.add(obj.listing_id)
        elif isinstance(obj, Organisation):
            organisations.add(obj.id)
        elif isinstance(obj, OrganisationApproval):
            organisations.add(obj.organisation_id)
    rows = _rows(listings, organisations)
    if rows:
        session.connection().execute(insert(SearchChange), rows)
        session.info[_NOTED] = True


@event.listens_for(Session, "after_commit")
def _apply_after_commit(session):
    if session.info.pop(_NOTED, False) and has_app_context() and not session.info.get("skip_search_sync"):
        if apply_pending(wait=AFTER_COMMIT_WAIT) is None and has_request_context():
            g.search_change_waiting = True


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_NOTED, None)
