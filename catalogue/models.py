"""The catalogue's listings: services, people (personal assistants and peer brokers) and free
community resources, with their photos and events, and the demand log. Organisations live in
``marketplace.providers`` and agreed prices in ``marketplace.pricing``."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.pricing.models import CouncilPrice
from marketplace.providers.models import OrganisationApproval
from marketplace.states import Stateful, StateMachine
from marketplace.taxonomy import PRICE_UNITS  # noqa: F401  (listings are priced in these units)
from marketplace.types import UTCDateTime

from .rating import rating_rank

DELIVERY_MODES = {"home": "At your home", "venue": "At a venue", "online": "Online"}
ACCESSIBILITY_FEATURES = {
    "step_free": "Step-free access", "accessible_toilet": "Accessible toilet", "hearing_loop": "Hearing loop",
    "bsl": "British Sign Language", "easy_read": "Easy read information", "quiet_space": "Quiet space",
    "parking": "Accessible parking", "assistance_dogs": "Assistance dogs welcome",
}
LANGUAGES = {
    "en": "English", "cy": "Welsh", "pl": "Polish", "ur": "Urdu", "pa": "Punjabi", "bn": "Bengali", "gu": "Gujarati",
    "ar": "Arabic", "so": "Somali", "ro": "Romanian", "zh": "Chinese", "bsl": "British Sign Language",
}
DAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}
LISTING_KINDS = {"service": "Service", "person": "Person (personal assistant or peer broker)", "community": "Community resource"}
LISTING_STATUSES = {"draft": "Draft", "submitted": "Suggested: waiting for moderation", "published": "Published",
                    "paused": "Paused", "archived": "Archived", "rejected": "Not published"}
# A provider's draft is published by the provider; a community suggestion ("submitted") by the
# council's moderator.
LISTING = StateMachine("listing", {
    "draft": {"published", "archived"},
    "submitted": {"published", "rejected"},
    "published": {"paused", "archived"},
    "paused": {"published", "archived"},
    "archived": set(),
    "rejected": set(),
}, initial=("draft", "submitted"), model="listings", labels=LISTING_STATUSES,
    tones={"draft": "grey", "submitted": "yellow", "published": "green", "paused": "yellow", "archived": "grey",
           "rejected": "red"},
    subject=lambda listing: (None, listing.council_id))
STALE_AFTER = timedelta(days=182)  # six months


class Listing(Stateful, db.Model):
    """A service, a person (PA or peer broker) or a free community resource in the catalogue."""

    __tablename__ = "listings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True, index=True)
    # Community resources suggested by the public belong to the council that moderates them.
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(20), default="service")
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40), index=True)
    outcomes: Mapped[list] = mapped_column(JSON, default=list)
    price_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None or 0 means free
    price_unit: Mapped[str] = mapped_column(String(20), default="hour")
    vat_rate_percent: Mapped[int] = mapped_column(Integer, default=0)  # most care is VAT exempt
    notice_hours: Mapped[int] = mapped_column(Integer, default=24)
    cancellation_charge_percent: Mapped[int] = mapped_column(Integer, default=100)  # charged inside the notice period
    delivery_modes: Mapped[list] = mapped_column(JSON, default=list)
    areas: Mapped[list] = mapped_column(JSON, default=list)  # postcode districts served
    venue_address: Mapped[str | None] = mapped_column(Text, nullable=True)
    days: Mapped[list] = mapped_column(JSON, default=list)
    times: Mapped[str | None] = mapped_column(String(200), nullable=True)  # e.g. "9am to 5pm"
    min_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    accessibility_features: Mapped[list] = mapped_column(JSON, default=list)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    how_to_join: Mapped[str | None] = mapped_column(Text, nullable=True)  # community resources
    contact: Mapped[str | None] = mapped_column(String(300), nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # see LISTING
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    suggested_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    suggested_by_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    last_confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    stale_reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)
    # A community entry imported from another directory's Open Referral UK feed: the feed (its base
    # URL or file), the service's id there, and a digest of what was imported, so that re-importing
    # updates the same entry, and only when something changed (``marketplace.openreferral.importer``).
    imported_from: Mapped[str | None] = mapped_column(String(300), nullable=True)
    imported_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    imported_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    __table_args__ = (UniqueConstraint("imported_from", "imported_id", name="uq_listings_imported_from_id"),)

    organisation = relationship("Organisation")
    council = relationship("Council")
    council_prices: Mapped[list["CouncilPrice"]] = relationship(back_populates="listing", order_by="CouncilPrice.id")
    person: Mapped["PersonProfile | None"] = relationship(back_populates="listing", uselist=False)
    events: Mapped[list["CommunityEvent"]] = relationship(back_populates="listing", order_by="CommunityEvent.starts_on")
    photos: Mapped[list["ListingPhoto"]] = relationship(back_populates="listing", order_by="ListingPhoto.id")
    rating: Mapped["RatingSummary | None"] = relationship(back_populates="listing", uselist=False, lazy="selectin")

    @property
    def is_free(self) -> bool:
        return not self.price_pence

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def provider_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return self.council.name if self.council is not None else ""

    @property
    def is_public(self) -> bool:
        """Published, and offered by an organisation some council has approved (or a council's own resource).

        The portal promises providers that people see their listings once a council approves them.
        """
        if self.status != "published":
            return False
        if self.organisation is None:
            return self.council_id is not None
        return bool(self.organisation.approved_council_ids())

    @classmethod
    def public_condition(cls):
        """``is_public`` in SQL, for checking many listings in one query without loading them."""
        approved = (select(OrganisationApproval.id)
                    .where(OrganisationApproval.organisation_id == cls.organisation_id,
                           OrganisationApproval.status == "approved").exists())
        return and_(cls.status == "published",
                    or_(and_(cls.organisation_id.is_(None), cls.council_id.is_not(None)), approved))

    def is_stale(self, at: datetime | None = None) -> bool:
        return (at or now()) - self.last_confirmed_at > STALE_AFTER

    def agreed_price_for(self, council_id: int | None) -> "CouncilPrice | None":
        if council_id is None:
            return None
        return next((p for p in self.council_prices if p.council_id == council_id and p.ended_at is None), None)


class RatingSummary(db.Model):
    """What buyers' published reviews of one listing add up to, kept by ``marketplace.ratings`` in the
    same transaction as the review it changed (so search and pages never count a hidden review).
    Derived data: ``flask ratings recount`` rebuilds every row from the reviews."""

    __tablename__ = "listing_ratings"
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)  # the sum of the scores
    distribution: Mapped[list] = mapped_column(JSON, default=lambda: [0, 0, 0, 0, 0])  # how many gave 1, 2, 3, 4, 5
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    listing: Mapped[Listing] = relationship(back_populates="rating")

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def rank(self) -> float:
        return rating_rank(self.count, self.total)


class PersonProfile(db.Model):
    """A personal assistant or peer broker listed as a person."""

    __tablename__ = "person_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), unique=True)
    role: Mapped[str] = mapped_column(String(30), default="personal_assistant")  # or peer_broker
    display_name: Mapped[str] = mapped_column(String(200))
    skills: Mapped[list] = mapped_column(JSON, default=list)
    dbs_checked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    references_available: Mapped[bool] = mapped_column(Boolean, default=False)
    lived_experience: Mapped[str | None] = mapped_column(Text, nullable=True)
    availability: Mapped[str | None] = mapped_column(String(300), nullable=True)

    listing: Mapped[Listing] = relationship(back_populates="person")


class CommunityEvent(db.Model):
    """When a community activity happens: once, or repeating weekly, fortnightly or monthly."""

    __tablename__ = "community_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    start_time: Mapped[str | None] = mapped_column(String(5), nullable=True)  # "10:30"
    end_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    repeats: Mapped[str] = mapped_column(String(12), default="none")  # none | weekly | fortnightly | monthly
    until: Mapped[date | None] = mapped_column(Date, nullable=True)

    listing: Mapped[Listing] = relationship(back_populates="events")

    def next_dates(self, after: date, count: int = 3) -> list[date]:
        """The next ``count`` dates on or after ``after``."""
        if self.repeats == "none":
            return [self.starts_on] if self.starts_on >= after else []
        dates, current, n = [], self.starts_on, 0
        while len(dates) < count and n < 1000:
            if self.until is not None and current > self.until:
                break
            if current >= after:
                dates.append(current)
            n += 1
            try:
                current = self._repeat(n)
            except (OverflowError, ValueError):  # past the last date there is (year 9999)
                break
        return dates

    def _repeat(self, n: int) -> date:
        if self.repeats == "weekly":
            return self.starts_on + timedelta(weeks=n)
        if self.repeats == "fortnightly":
            return self.starts_on + timedelta(weeks=2 * n)
        month = self.starts_on.month - 1 + n
        return date(self.starts_on.year + month // 12, month % 12 + 1, min(self.starts_on.day, 28))


class ListingPhoto(db.Model):
    """A checked image (PNG, JPEG or WebP, at most 2 MB), stored in the database so every web node has it."""

    __tablename__ = "listing_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(30))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    alt_text: Mapped[str] = mapped_column(String(300))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    listing: Mapped[Listing] = relationship(back_populates="photos")


class SearchLog(db.Model):
    """One search: where, what, with which filters, how many results, by which kind of person.
    Never who: commissioners' market-gap reports are built on this."""

    __tablename__ = "search_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), nullable=True, index=True)
    area: Mapped[str | None] = mapped_column(String(8), nullable=True)
    query: Mapped[str] = mapped_column(String(200), default="")
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    result_count: Mapped[int] = mapped_column(Integer)
    searcher_role: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)


class UnmetNeed(db.Model):
    """"Tell us what you need": a person describes support they could not find."""

    __tablename__ = "unmet_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), nullable=True, index=True)
    area: Mapped[str | None] = mapped_column(String(8), nullable=True)
    query: Mapped[str | None] = mapped_column(String(200), nullable=True)
    description: Mapped[str] = mapped_column(Text)
    searcher_role: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class SearchChange(db.Model):
    """The change record every search index follows: one row per listing or organisation a
    transaction touched, written in that transaction (see ``catalogue.indexing``). Append-only, so
    each node's index (and the shared PostgreSQL documents) catch up from their own position; old
    rows are pruned after a retention period. ``sqlite_autoincrement`` so an id is never reused
    after pruning (the position must only grow). No foreign keys: a row outlives its listing."""

    __tablename__ = "search_changes_log"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    noted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)


WORDS_SQL = "title_words || ' ' || tags_words"  # titles and tags: the words typos are corrected to (short, so fast)
TSV_SQL = " || ".join(f"setweight(to_tsvector('simple'::regconfig, {column}), '{weight}')"
                      for column, weight in (("title_words", "A"), ("tags_words", "B"), ("org_words", "C"),
                                             ("body_words", "D")))


class SearchDocument(db.Model):
    """A listing's search document for the PostgreSQL backend (SEARCH_BACKEND=postgres), kept from
    the change record: ``doc`` is the Whoosh document's values (lists for the many-valued fields),
    ``*_words`` the stemmed text by weight, ``words`` the title and tag words (generated, with a
    trigram index for typos) and ``tsv`` the generated tsvector with a GIN index. The GIN and trigram indexes and the
    tsvector exist on PostgreSQL only (the migration makes plain ones on SQLite, where this table is
    not used), so the models and the migrated schema match on both."""

    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),
        Index("ix_search_documents_doc", "doc", postgresql_using="gin"),
        Index("ix_search_documents_words_trgm", "words", postgresql_using="gin",
              postgresql_ops={"words": "gin_trgm_ops"}),
    )

    listing_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    doc: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    title_words: Mapped[str] = mapped_column(Text, default="")
    tags_words: Mapped[str] = mapped_column(Text, default="")
    org_words: Mapped[str] = mapped_column(Text, default="")
    body_words: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[str | None] = mapped_column(Text, Computed(WORDS_SQL, persisted=True), nullable=True)
    tsv: Mapped[str | None] = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), Computed(TSV_SQL, persisted=True),
                                            nullable=True)


class SearchPosition(db.Model):
    """Where a shared follower of the change record stands (the PostgreSQL documents): the highest
    sequence below which everything is applied, the ids applied above it, and since when a gap waits."""

    __tablename__ = "search_positions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[dict] = mapped_column(JSON)
