"""Keeps every search index in step with the database through an append-only change record.

SQLAlchemy session events note which listings a flush touched (directly, or through their
organisation, its council approvals, agreed prices, person profile or events) and append a row
per listing or organisation to ``search_changes_log`` *in the same transaction*: a committed
change is never forgotten. Rows are not deleted when applied: each follower (every node's Whoosh
index, or the shared PostgreSQL documents when SEARCH_BACKEND=postgres) keeps its own position in
the record (``search.sequence``; gaps from concurrent transactions are handled there) and
catches up from it: after its own commits, before a request every SEARCH_SYNC_INTERVAL seconds
(so a change made through another node is found within seconds), and by ``flask catalogue sync``.

Applying takes the follower's writer lock, reads the rows past its position and the listings'
current state in a fresh session, writes them (or removes listings no longer public) and records
the new position, so two workers can never write an older state over a newer one, and applying a
row twice is harmless. Rows older than SEARCH_LOG_RETENTION_DAYS are pruned (``sync --prune``);
the highest pruned id is remembered, and a follower whose position is below it rebuilds, as does
one with no position at all (a new node's index, the PostgreSQL documents when first chosen, an
index made before the change record): the record only says what changed, not everything there is.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session, selectinload

from marketplace import clock
from marketplace.councils.models import Council
from marketplace.extensions import db
from marketplace.pricing.models import CouncilPrice
from marketplace.providers.models import Organisation, OrganisationApproval

from .models import CommunityEvent, Listing, PersonProfile, RatingSummary, SearchChange, SearchPosition
from .search import document_for, get_index, sequence
from .search.engine import IndexBusy

log = logging.getLogger(__name__)

_CHILD_TYPES = (CouncilPrice, PersonProfile, CommunityEvent, RatingSummary)
_NOTED = "catalogue_search_noted"
BATCH = 2000  # change rows applied in one index commit
AFTER_COMMIT_WAIT = 0.5  # seconds a request waits for the writer lock before leaving its change to later
REBUILD_LOOKBACK = 1000  # a rebuilt index re-reads this many change ids before its snapshot (see ``_snapshot``)
RETENTION_DAYS = 7
INLINE_REBUILD_MAX = 2000  # published listings a request may rebuild itself (a few seconds); more: in a thread
PRUNED = "pruned"  # the search_positions row holding the highest pruned change id


def current_index():
    """This node's search backend: its Whoosh index (the default), or the shared PostgreSQL documents."""
    if current_app.config.get("SEARCH_BACKEND", "whoosh") == "postgres":
        from .search.pg import postgres_index  # noqa: PLC0415  (the PostgreSQL backend is loaded only when chosen)
        return postgres_index(db.engine)
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


class _Behind(Exception):
    """The follower's position is older than the oldest change row kept: it must rebuild."""


def _pruned_upto(session) -> int:
    row = session.get(SearchPosition, PRUNED)
    return int(row.state.get("position", 0)) if row is not None else 0


def apply_batch(index) -> int:
    """Apply up to BATCH change rows past the index's position; the caller holds the writer lock.
    Returns how many rows were new to this index."""
    with Session(db.engine) as session:
        state = index.read_state()
        if state is None or state["position"] < _pruned_upto(session):
            raise _Behind()  # no position (a new node, a new backend, an index from before the record), or pruned past
        rows = session.execute(select(SearchChange.id, SearchChange.listing_id, SearchChange.organisation_id)
                               .where(SearchChange.id > state["position"]).order_by(SearchChange.id)
                               .limit(BATCH + len(state["above"]))).all()
        new = set(sequence.unapplied(state, [r.id for r in rows])[:BATCH])
        rows = [r for r in rows if r.id in new]
        _write(index, session, {r.listing_id for r in rows if r.listing_id is not None},
               {r.organisation_id for r in rows if r.organisation_id is not None})
        advanced = sequence.advance(state, new, time.time())
        if advanced != state:
            index.write_state(advanced)
        return len(rows)


def apply_pending(wait: float = 0.0) -> int | None:
    """Bring the index up to date with the change record. Returns the rows applied, or None when
    the index could not be written now (busy or failing); what was not applied is applied later."""
    index = current_index()
    applied = 0
    try:
        with index.writing(wait=wait):
            try:
                while True:
                    done = apply_batch(index)
                    applied += done
                    if done < BATCH:
                        return applied
            except _Behind:
                if has_request_context() and _published_count() > INLINE_REBUILD_MAX:
                    _rebuild_in_background(index)  # a page never waits for a long rebuild
                    return None
                log.warning("Search index is older than the change record kept; rebuilding it")
                return _rebuild(index, locked=True)
    except IndexBusy:
        log.info("Search index busy (a rebuild?); changes wait in the change record")
    except Exception:  # the database is the truth; the change record keeps what the index missed
        log.exception("Search index update failed; the change waits in the change record (flask catalogue sync retries)")
    return None


def _published_count() -> int:
    with Session(db.engine) as session:
        return session.scalar(select(func.count(Listing.id)).where(Listing.status == "published")) or 0


def _rebuild_in_background(index) -> None:
    """Rebuild a node's index left behind the pruned change record in a thread of this worker (once
    at a time); until it is done the node searches its old index."""
    if getattr(index, "rebuilding", False):
        return
    index.rebuilding = True
    app = current_app._get_current_object()

    def run():
        try:
            with app.app_context():
                log.warning("Search index is older than the change record kept; rebuilding it")
                _rebuild(index, locked=False)
        except Exception:  # noqa: BLE001  (logged; the next catch-up tries again)
            log.exception("Search index rebuild failed")
        finally:
            index.rebuilding = False

    threading.Thread(target=run, name="search-rebuild", daemon=True).start()


def _rows(listing_ids, organisation_ids) -> list[dict]:
    """Change rows, all with the same keys (one executemany)."""
    noted_at = clock.now()
    return ([{"listing_id": i, "organisation_id": None, "noted_at": noted_at} for i in set(listing_ids) if i is not None]
            + [{"listing_id": None, "organisation_id": i, "noted_at": noted_at} for i in set(organisation_ids) if i is not None])


def pending_count() -> int:
    """Change rows this node's index has not applied yet."""
    state = current_index().read_state() or sequence.fresh()
    ids = db.session.scalars(select(SearchChange.id).where(SearchChange.id > state["position"])).all()
    return len(sequence.unapplied(state, ids))


def prune(days: int = RETENTION_DAYS) -> int:
    """Delete change rows older than ``days`` and remember the highest deleted id. Returns how many."""
    cutoff = clock.now() - timedelta(days=days)
    with Session(db.engine) as session:
        highest = session.scalar(select(func.max(SearchChange.id)).where(SearchChange.noted_at < cutoff))
        if highest is None:
            return 0
        deleted = session.execute(delete(SearchChange).where(SearchChange.id <= highest)).rowcount
        row = session.get(SearchPosition, PRUNED)
        if row is None:
            session.add(SearchPosition(name=PRUNED, state={"position": highest}))
        else:
            row.state = {"position": max(highest, int(row.state.get("position", 0)))}
        session.commit()
        return deleted


def _snapshot(session) -> dict:
    """A rebuild's position, read before it reads any listing: the last REBUILD_LOOKBACK ids
    (never below what was pruned) are re-read afterwards, in case a transaction that wrote one
    commits after the rebuild's read; the ids visible now count as applied."""
    highest = session.scalar(select(func.max(SearchChange.id))) or 0
    low = max(highest - REBUILD_LOOKBACK, _pruned_upto(session), 0)
    seen = session.scalars(select(SearchChange.id).where(SearchChange.id > low)).all()
    return sequence.advance(sequence.fresh(low, seen), [], time.time())


def rebuild() -> int:
    """Rebuild the index from the database while the site runs; returns the public listings indexed.

    The writer lock is held throughout, so changes committed meanwhile wait in the change record
    and are applied after the swap, still under the lock."""
    return _rebuild(current_index(), locked=False)


def _rebuild(index, locked: bool) -> int:
    with Session(db.engine) as session:
        councils = _councils(session)
        state = {}

        def documents():
            state["snapshot"] = _snapshot(session)
            ids = session.scalars(select(Listing.id).where(Listing.status == "published").order_by(Listing.id)).all()
            for start in range(0, len(ids), 1000):
                for listing in _load_listings(session, ids[start:start + 1000]):
                    if listing.is_public:
                        yield document_for(listing, councils)
                session.expunge_all()

        def catch_up():
            while apply_batch(index) == BATCH:
                pass

        return index.rebuild([c.slug for c in councils], documents(), then=catch_up,
                             state=lambda: state["snapshot"], locked=locked)


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
    """Before a request, at most every SEARCH_SYNC_INTERVAL seconds per worker: apply what other
    nodes (or an earlier failure) left in the change record. Never lets a failure reach the page."""
    interval = current_app.config.get("SEARCH_SYNC_INTERVAL", 3)
    if interval is None:  # switched off (the tests, unless a test is about this)
        return
    index = current_index()
    now = time.monotonic()
    if now - getattr(index, "last_catch_up", 0.0) < interval:
        return
    index.last_catch_up = now
    try:
        state = index.read_state() or sequence.fresh()
        highest = db.session.scalar(select(func.max(SearchChange.id)))
        caught_up = (highest or 0) <= state["position"] and not state["above"]
        if caught_up and _pruned_upto(db.session) <= state["position"]:
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
    """Append a change row for each listing or organisation this flush touched, in its transaction."""
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
