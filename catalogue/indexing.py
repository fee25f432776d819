"""Keeps the Whoosh index in step with the database, after every commit.

SQLAlchemy session events note which listings a flush touched (directly, or through
their organisation, its council approvals, agreed prices, person profile or events);
after the commit succeeds, those listings are re-read in a fresh session and written to
the index (or removed when no longer public: published, and offered by an approved
organisation or a council). A rollback forgets them.
"""
from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from marketplace.councils.models import Council
from marketplace.extensions import db
from marketplace.pricing.models import CouncilPrice
from marketplace.providers.models import Organisation, OrganisationApproval

from .models import CommunityEvent, Listing, PersonProfile
from .search import document_for, get_index

_PENDING_LISTINGS = "catalogue_pending_listings"
_PENDING_ORGANISATIONS = "catalogue_pending_organisations"
_CHILD_TYPES = (CouncilPrice, PersonProfile, CommunityEvent)


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


def sync_listings(listing_ids, organisation_ids=()) -> None:
    """Write the current database state of these listings (and organisations' listings) to the index."""
    listing_ids, organisation_ids = set(listing_ids), set(organisation_ids)
    if not listing_ids and not organisation_ids:
        return
    with Session(db.engine) as session:
        if organisation_ids:
            listing_ids |= set(session.scalars(select(Listing.id).where(Listing.organisation_id.in_(organisation_ids))))
        councils = _councils(session)
        found = {listing.id: listing for listing in _load_listings(session, listing_ids)} if listing_ids else {}
        upserts = [document_for(found[i], councils) for i in found if found[i].is_public]
        deletes = [str(i) for i in listing_ids if i not in found or not found[i].is_public]
        current_index().write([c.slug for c in councils], upserts, deletes)


def rebuild() -> int:
    """Rebuild the index from the database; returns the number of public listings indexed (see Listing.is_public)."""
    with Session(db.engine) as session:
        councils = _councils(session)
        ids = session.scalars(select(Listing.id).where(Listing.status == "published").order_by(Listing.id)).all()

        def documents():
            for start in range(0, len(ids), 1000):
                for listing in _load_listings(session, ids[start:start + 1000]):
                    if listing.is_public:
                        yield document_for(listing, councils)
                session.expunge_all()

        return current_index().rebuild([c.slug for c in councils], documents())


@event.listens_for(Session, "after_flush")
def _note_changes(session, _flush_context):
    listings = session.info.setdefault(_PENDING_LISTINGS, set())
    organisations = session.info.setdefault(_PENDING_ORGANISATIONS, set())
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Listing):
            listings.add(obj.id)
        elif isinstance(obj, _CHILD_TYPES):
            listings.add(obj.listing_id)
        elif isinstance(obj, Organisation):
            organisations.add(obj.id)
        elif isinstance(obj, OrganisationApproval):
            organisations.add(obj.organisation_id)


@event.listens_for(Session, "after_commit")
def _sync_after_commit(session):
    listings = session.info.pop(_PENDING_LISTINGS, set())
    organisations = session.info.pop(_PENDING_ORGANISATIONS, set())
    if (listings or organisations) and has_app_context() and not session.info.get("skip_search_sync"):
        try:
            sync_listings({i for i in listings if i is not None}, {i for i in organisations if i is not None})
        except Exception:  # the database is the truth; a later reindex repairs the index
            current_app.logger.exception("Search index update failed; run 'flask catalogue reindex'")


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_PENDING_LISTINGS, None)
    session.info.pop(_PENDING_ORGANISATIONS, None)
