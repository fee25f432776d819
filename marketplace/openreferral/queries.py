"""What the feed may show, and the filters its parameters ask for, as database queries.

The feed is public: it reads only what anyone may see on the catalogue's own pages, so it asks no
policy rule. A listing is in the feed exactly when ``Listing.is_public`` holds (published, and
offered by an organisation some council approves, or a council's own community resource); an
organisation when it offers at least one such listing; a council when it lists at least one
community resource of its own. Suggestions waiting for moderation, drafts, paused and archived
listings, and everything of an organisation no council approves (pending, rejected or suspended
everywhere) stay out. Councils' agreed rates are never read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy.orm import selectinload

from catalogue.models import Listing
from marketplace.councils.models import Council
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.providers.models import Organisation, OrganisationApproval

from . import ids, terms


def _approved(organisation_id_column):
    return (db.select(OrganisationApproval.id)
            .where(OrganisationApproval.organisation_id == organisation_id_column,
                   OrganisationApproval.status == "approved").exists())


def is_public():
    """``Listing.is_public`` as a condition the database checks."""
    return db.and_(Listing.status == "published",
                   db.or_(db.and_(Listing.organisation_id.is_(None), Listing.council_id.is_not(None)),
                          _approved(Listing.organisation_id)))


def _json_has(column, value: str):
    """The JSON list in ``column`` holds the string ``value`` (written by json.dumps, so "value" in quotes)."""
    return db.cast(column, db.Text).contains(f'"{value}"', autoescape=True)


def _has_words(words: list[str], *columns):
    """Every word appears, in any letter case, in one of ``columns``."""
    return db.and_(*(db.or_(*(db.func.lower(db.func.coalesce(c, "")).contains(w, autoescape=True) for c in columns))
                     for w in words))


@dataclass
class Filters:
    """The filters of a services or service_at_locations request, combined with AND."""

    words: list[str] = field(default_factory=list)
    taxonomy_id: str | None = None
    taxonomy_term_id: str | None = None
    organization_id: str | None = None
    modified_after: datetime | None = None
    district: str | None = None
    at_a_venue: bool = False


def _conditions(filters: Filters) -> list:
    found = [is_public()]
    if filters.at_a_venue:
        found.append(db.func.length(db.func.trim(db.func.coalesce(Listing.venue_address, ""))) > 0)
    if filters.words:
        by_provider = db.select(Organisation.id).where(_has_words(filters.words, Organisation.name))
        found.append(db.or_(_has_words(filters.words, Listing.title, Listing.summary, Listing.description),
                            Listing.organisation_id.in_(by_provider)))
    if filters.taxonomy_id is not None:
        found.append(_in_taxonomy(terms.taxonomy_name(filters.taxonomy_id)))
    if filters.taxonomy_term_id is not None:
        found.append(_has_term(terms.term_key(filters.taxonomy_term_id)))
    if filters.organization_id is not None:
        found.append(_offered_by(filters.organization_id))
    if filters.modified_after is not None:
        found.append(Listing.updated_at >= filters.modified_after)
    if filters.district is not None:
        found.append(db.or_(_json_has(Listing.areas, filters.district), _json_has(Listing.delivery_modes, "online")))
    return found


def _in_taxonomy(name: str | None):
    if name == terms.CATEGORIES:
        return Listing.category.in_(list(terms.categories()))
    if name == terms.OUTCOMES:
        return db.or_(*(_json_has(Listing.outcomes, code) for code in terms.outcomes()))
    return db.false()


def _has_term(key: tuple[str, str] | None):
    if key is None:
        return db.false()
    taxonomy_name, code = key
    if taxonomy_name == terms.CATEGORIES:
        return Listing.category == code
    return _json_has(Listing.outcomes, code)


def _offered_by(value: str):
    organisation_id = ids.key_for(ids.ORGANIZATION, value, _organisation_ids)
    if organisation_id is not None:
        return Listing.organisation_id == int(organisation_id)
    council_id = ids.key_for(ids.COUNCIL, value, _council_ids)
    if council_id is not None:
        return db.and_(Listing.organisation_id.is_(None), Listing.council_id == int(council_id))
    return db.false()


def _organisation_ids():
    return db.session.scalars(db.select(Organisation.id))


def _council_ids():
    return db.session.scalars(db.select(Council.id))


def _listing_ids():
    return db.session.scalars(db.select(Listing.id))


def _with_relations(query):
    return query.options(selectinload(Listing.organisation), selectinload(Listing.council), selectinload(Listing.person))


def listings_page(filters: Filters, page: int, per_page: int) -> tuple[int, list[Listing]]:
    """(how many listings match, the listings of this page), in the order of their ids."""
    conditions = _conditions(filters)
    total = db.session.scalar(db.select(db.func.count(Listing.id)).where(*conditions)) or 0
    rows = db.session.scalars(_with_relations(db.select(Listing).where(*conditions)).order_by(Listing.id)
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return total, rows


def public_listing(value: str, kind: str = ids.SERVICE, at_a_venue: bool = False) -> Listing | None:
    """The public listing whose ``kind`` UUID is ``value``, or None."""
    listing_id = ids.key_for(kind, value, _listing_ids)
    if listing_id is None:
        return None
    conditions = _conditions(Filters(at_a_venue=at_a_venue))
    return db.session.scalar(_with_relations(db.select(Listing).where(Listing.id == int(listing_id), *conditions)))


def listings_of(organisations: list[Organisation], councils: list[Council]) -> dict[tuple[str, int], list[Listing]]:
    """The public listings of these organisations and councils: (ids.ORGANIZATION or ids.COUNCIL, id) -> listings."""
    found: dict[tuple[str, int], list[Listing]] = {}
    owners = []
    if organisations:
        owners.append(Listing.organisation_id.in_([o.id for o in organisations]))
    if councils:
        owners.append(db.and_(Listing.organisation_id.is_(None), Listing.council_id.in_([c.id for c in councils])))
    if not owners:
        return found
    rows = db.session.scalars(_with_relations(db.select(Listing).where(is_public(), db.or_(*owners))).order_by(Listing.id))
    for listing in rows:
        key = (ids.ORGANIZATION, listing.organisation_id) if listing.organisation_id else (ids.COUNCIL, listing.council_id)
        found.setdefault(key, []).append(listing)
    return found


# --- organisations and councils ------------------------------------------------------


def _offering_organisations(words: list[str]):
    query = db.select(Organisation).where(Organisation.id.in_(db.select(Listing.organisation_id).where(is_public())))
    if words:
        query = query.where(_has_words(words, Organisation.name, Organisation.summary, Organisation.description))
    return query


def _offering_councils(words: list[str]):
    owned = db.select(Listing.council_id).where(is_public(), Listing.organisation_id.is_(None))
    query = db.select(Council).where(Council.id.in_(owned))
    if words:
        query = query.where(_has_words(words, Council.name))
    return query


def organisations_page(words: list[str], page: int, per_page: int) -> tuple[int, list[Council | Organisation]]:
    """(how many match, this page): councils listing their own community resources first, then
    organisations, each in the order of their ids."""
    councils, organisations = _offering_councils(words), _offering_organisations(words)
    council_count = db.session.scalar(db.select(db.func.count()).select_from(councils.subquery())) or 0
    organisation_count = db.session.scalar(db.select(db.func.count()).select_from(organisations.subquery())) or 0
    start, rows = (page - 1) * per_page, []
    if start < council_count:
        rows += db.session.scalars(councils.order_by(Council.id).offset(start).limit(per_page)).all()
    if len(rows) < per_page:
        rows += db.session.scalars(organisations.order_by(Organisation.id).offset(max(start - council_count, 0))
                                   .limit(per_page - len(rows))).all()
    return council_count + organisation_count, rows


def organisation(value: str) -> Council | Organisation | None:
    """The organisation or council in the feed whose UUID is ``value``, or None."""
    organisation_id = ids.key_for(ids.ORGANIZATION, value, _organisation_ids)
    if organisation_id is not None:
        return db.session.scalar(_offering_organisations([]).where(Organisation.id == int(organisation_id)))
    council_id = ids.key_for(ids.COUNCIL, value, _council_ids)
    if council_id is not None:
        return db.session.scalar(_offering_councils([]).where(Council.id == int(council_id)))
    return None


# --- when things last changed (for Last-Modified) ---------------------------------------


def _newest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _organisations_changed(organisation_id: int | None = None) -> datetime | None:
    """The last time an organisation's profile or a council's decision on it changed (all of them when None)."""
    approvals = [db.func.max(OrganisationApproval.created_at), db.func.max(OrganisationApproval.decided_at)]
    approval_query = db.select(*approvals)
    profile_query = db.select(db.func.max(Event.occurred_at)).where(Event.action == "organisation.profile_changed",
                                                                    Event.object_type == "organisations")
    if organisation_id is not None:
        approval_query = approval_query.where(OrganisationApproval.organisation_id == organisation_id)
        profile_query = profile_query.where(Event.object_id == organisation_id)
    created, decided = db.session.execute(approval_query).one()
    return _newest(_aware(created), _aware(decided), _aware(db.session.scalar(profile_query)))


def _aware(moment):
    """A MAX() over a UTCDateTime column comes back as the database's own value: make it aware UTC."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def catalogue_changed() -> datetime | None:
    """The newest change that could alter any list in the feed: a listing written (published,
    changed, paused or withdrawn), an organisation's profile, or a council's decision on one. A
    list's own newest record would not do: taking a record out of a list does not make the records
    left behind any newer."""
    return _newest(_aware(db.session.scalar(db.select(db.func.max(Listing.updated_at)))), _organisations_changed())


def listing_changed(listing: Listing) -> datetime | None:
    """The newest change to what a service record shows: the listing, and its organisation."""
    return _newest(listing.updated_at, _organisations_changed(listing.organisation_id) if listing.organisation_id else None)


def organisation_changed(owner: Council | Organisation) -> datetime | None:
    """The newest change to what an organization record shows: its profile, the councils'
    decisions on it and every listing it has (published or taken down)."""
    if isinstance(owner, Council):
        newest = db.session.scalar(db.select(db.func.max(Listing.updated_at))
                                   .where(Listing.organisation_id.is_(None), Listing.council_id == owner.id))
        return _aware(newest)
    newest = db.session.scalar(db.select(db.func.max(Listing.updated_at)).where(Listing.organisation_id == owner.id))
    return _newest(_aware(newest), owner.created_at, _organisations_changed(owner.id))
