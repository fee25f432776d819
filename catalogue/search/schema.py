"""What the index holds: its schema (with a price field per council), and the document made for
each listing. ``document`` builds one from plain values, so the benchmark makes its documents
exactly as the application does; ``document_for`` reads them off a listing."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, TEXT, Schema

from marketplace import taxonomy

from ..rating import rating_rank
from .language import ANALYZER

FACET_FIELDS = ("category", "outcome", "delivery", "access", "langs", "days", "kind")


def build_schema(council_slugs: list[str]) -> Schema:
    schema = Schema(
        id=ID(stored=True, unique=True),
        digest=ID(stored=True),  # a fingerprint of the document, so a check can tell a stale entry
        kind=ID,
        title=TEXT(analyzer=ANALYZER, field_boost=3.0),
        org=TEXT(analyzer=ANALYZER, field_boost=1.5),
        tags=TEXT(analyzer=ANALYZER, field_boost=2.0),  # category and outcome names, skills
        body=TEXT(analyzer=ANALYZER),
        category=ID,
        outcome=KEYWORD(commas=True),
        areas=KEYWORD(commas=True),
        councils=KEYWORD(commas=True),
        delivery=KEYWORD(commas=True),
        access=KEYWORD(commas=True),
        langs=KEYWORD(commas=True),
        days=KEYWORD(commas=True),
        free=BOOLEAN,
        price_public=NUMERIC(bits=64, sortable=True, signed=False),
        rating=NUMERIC(bits=32, sortable=True, signed=False),  # the rating rank (models.rating_rank) times 100
        stars=NUMERIC(bits=32, sortable=True, signed=False),  # the average rating times 10 (0: not rated)
        published=NUMERIC(bits=64, sortable=True, signed=False),
    )
    for slug in council_slugs:
        schema.add(price_field(slug), NUMERIC(bits=64, sortable=True, signed=False))
    return schema


def price_field(council_slug: str | None) -> str:
    """The index field holding the price a viewer in this council pays."""
    return f"price_{re.sub(r'[^a-z0-9]', '_', council_slug)}" if council_slug else "price_public"



@dataclass
class IndexedListing:
    """What the index needs to know about one listing, as plain values."""

    id: int
    kind: str
    title: str
    organisation: str  # the provider's name ("" for a council's own community resource)
    category: str
    outcomes: list[str]
    summary: str
    description: str
    areas: list[str]
    councils: set[str]  # slugs of the councils whose catalogue shows it
    delivery: list[str] = field(default_factory=list)
    access: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    days: list[str] = field(default_factory=list)
    price_pence: int = 0
    agreed_pence: dict[str, int] = field(default_factory=dict)  # council slug -> its agreed rate
    rating_tenths: int = 0  # the average rating times ten (0: not rated)
    rating_rank: int = 300  # the rating rank times 100 (an unrated listing ranks at the prior, 3.00)
    published: int = 0  # when it was published, as a Unix timestamp
    skills: list[str] = field(default_factory=list)  # a person's skills
    person_name: str | None = None
    lived_experience: str | None = None


def document(item: IndexedListing, council_slugs: list[str]) -> dict:
    """The index document for ``item``. ``council_slugs``: every council, in a fixed order."""
    category = taxonomy.categories().get(item.category, {})
    outcome_words = [taxonomy.outcome_plain(code) for code in item.outcomes]
    body_parts = [item.summary or "", item.description or "", category.get("examples") or ""]
    if item.person_name is not None:
        body_parts += [item.person_name, item.lived_experience or ""]
    doc = {
        "id": str(item.id),
        "kind": item.kind,
        "title": item.title,
        "org": item.organisation,
        "tags": " ".join([category.get("name", ""), *outcome_words, *item.skills]),
        "body": "\n".join(body_parts),
        "category": item.category,
        "outcome": ",".join(item.outcomes),
        "areas": ",".join(item.areas),
        "councils": ",".join(slug for slug in council_slugs if slug in item.councils),
        "delivery": ",".join(item.delivery),
        "access": ",".join(item.access),
        "langs": ",".join(item.languages),
        "days": ",".join(item.days),
        "free": not item.price_pence,
        "price_public": item.price_pence or 0,
        "rating": item.rating_rank,
        "stars": item.rating_tenths,
        "published": item.published,
    }
    for slug in council_slugs:
        if slug in item.councils:
            doc[price_field(slug)] = item.agreed_pence.get(slug, item.price_pence or 0)
    doc["digest"] = fingerprint(doc)
    return doc


def fingerprint(doc: dict) -> str:
    """A short hash of everything in ``doc`` but itself: equal when the index holds what the database says."""
    content = repr(sorted((k, v) for k, v in doc.items() if k != "digest"))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:20]


def document_for(listing, councils) -> dict:
    """The index document for a published listing. ``councils``: every council, for its price fields."""
    organisation = listing.organisation
    approved = organisation.approved_council_ids() if organisation is not None else set()
    if listing.council_id is not None:
        approved = approved | {listing.council_id}
    person = listing.person
    rating = listing.rating
    agreed = {}
    for council in councils:
        rate = listing.agreed_price_for(council.id) if council.id in approved else None
        if rate is not None:
            agreed[council.slug] = rate.price_pence
    item = IndexedListing(
        id=listing.id, kind=listing.kind, title=listing.title,
        organisation=organisation.name if organisation is not None else "", category=listing.category,
        outcomes=list(listing.outcomes), summary=listing.summary or "", description=listing.description or "",
        areas=list(listing.areas), councils={c.slug for c in councils if c.id in approved},
        delivery=list(listing.delivery_modes), access=list(listing.accessibility_features), languages=list(listing.languages),
        days=list(listing.days), price_pence=listing.price_pence or 0, agreed_pence=agreed,
        rating_tenths=int(round((rating.average or 0) * 10)) if rating else 0,
        rating_rank=int(round((rating.rank if rating else rating_rank(0, 0)) * 100)),
        published=int((listing.published_at or listing.created_at).timestamp()),
        skills=list(person.skills) if person is not None else [],
        person_name=person.display_name if person is not None else None,
        lived_experience=person.lived_experience if person is not None else None)
    return document(item, [c.slug for c in councils])
