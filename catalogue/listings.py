"""Listing rules: creating and editing, the status machine, prices and their history,
council agreed rates with price-rise alerts, photos and stale-listing reminders."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from marketplace import clock, mail
from marketplace.accounts import roles as R
from marketplace.errors import DomainError, InvalidTransition, NotAllowed
from marketplace.events import service as events
from marketplace.extensions import db
from marketplace.money import format_pence
from marketplace.policy import can

from . import taxonomy
from .models import (ACCESSIBILITY_FEATURES, DAYS, DELIVERY_MODES, LANGUAGES, LISTING_KINDS, PRICE_UNITS, STALE_AFTER,
                     CouncilPrice, Listing, ListingPhoto, PersonProfile, PriceAlert, PriceChange)

# The listing status machine. "submitted" is a community suggestion waiting for moderation.
TRANSITIONS = {
    "draft": {"published", "archived"},
    "submitted": {"published", "rejected"},
    "published": {"paused", "archived"},
    "paused": {"published", "archived"},
    "archived": set(),
    "rejected": set(),
}

# The most a listing or an agreed rate may cost: £1,000,000. Anything larger is a typing slip, and would
# not fit the database's integer column.
MAX_PRICE_PENCE = 100_000_000

EDITABLE = ("title", "summary", "description", "category", "outcomes", "price_pence", "price_unit", "vat_rate_percent",
            "notice_hours", "cancellation_charge_percent", "delivery_modes", "areas", "venue_address", "days", "times",
            "min_age", "max_age", "accessibility_features", "languages", "how_to_join", "contact")


def clean_fields(fields: dict) -> dict:
    """Check and tidy listing fields; raises DomainError naming every problem at once."""
    problems = []
    data = {k: v for k, v in fields.items() if k in EDITABLE}
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            problems.append("Enter a title")
    if "category" in data and data["category"] not in taxonomy.categories():
        problems.append("Choose a category")
    if "outcomes" in data:
        bad = [o for o in data["outcomes"] if o not in taxonomy.outcomes()]
        if bad:
            problems.append("Choose outcomes from the list")
    if "price_unit" in data and data["price_unit"] not in PRICE_UNITS:
        problems.append("Choose what the price is for")
    if data.get("price_pence") is not None and data["price_pence"] < 0:
        problems.append("The price cannot be negative")
    elif data.get("price_pence") is not None and data["price_pence"] > MAX_PRICE_PENCE:
        problems.append(f"The price must be at most {format_pence(MAX_PRICE_PENCE)}")
    for name, allowed in (("delivery_modes", DELIVERY_MODES), ("accessibility_features", ACCESSIBILITY_FEATURES),
                          ("languages", LANGUAGES), ("days", DAYS)):
        if name in data:
            data[name] = [v for v in dict.fromkeys(data[name] or []) if v in allowed]
    if "areas" in data:
        areas = []
        for text in data["areas"] or []:
            district = taxonomy.normalise_district(text)
            if district is None:
                problems.append(f"'{text}' is not a postcode district (like SK4)")
            elif district not in areas:
                areas.append(district)
        data["areas"] = areas
    if data.get("min_age") is not None and data.get("max_age") is not None and data["min_age"] > data["max_age"]:
        problems.append("The minimum age must not be above the maximum age")
    if data.get("vat_rate_percent") not in (None, 0, 5, 20):
        problems.append("VAT must be 0%, 5% or 20%")
    if problems:
        raise DomainError(". ".join(problems) + ".")
    return data


def create(actor, organisation, *, kind: str = "service", person: dict | None = None, **fields) -> Listing:
    """A provider adds a listing (a draft until published)."""
    if not can(actor, "organisation.manage_listings", organisation):
        raise NotAllowed("You cannot add listings for this organisation.")
    if kind not in LISTING_KINDS:
        raise DomainError("Choose what kind of listing this is.")
    data = clean_fields(fields)
    listing = Listing(organisation=organisation, kind=kind, status="draft", last_confirmed_at=clock.now(), **data)
    db.session.add(listing)
    db.session.flush()
    if person is not None:
        listing.person = PersonProfile(**person)
    _record_price(listing, None, None, listing.price_pence, actor)
    events.record("listing.created", actor=actor, obj=listing)
    db.session.commit()
    return listing


def update(actor, listing: Listing, *, person: dict | None = None, **fields) -> Listing:
    """Edit a listing. Saving also confirms it is up to date. A price rise alerts councils with an agreed rate."""
    if not can(actor, "listing.manage", listing):
        raise NotAllowed("You cannot change this listing.")
    data = clean_fields(fields)
    old_price = listing.price_pence
    changed = [k for k, v in data.items() if getattr(listing, k) != v]
    for key, value in data.items():
        setattr(listing, key, value)
    if person is not None:
        if listing.person is None:
            listing.person = PersonProfile(**person)
        else:
            for key, value in person.items():
                setattr(listing.person, key, value)
    listing.last_confirmed_at = clock.now()
    listing.stale_reminder_sent_at = None
    if "price_pence" in data and data["price_pence"] != old_price:
        _record_price(listing, None, old_price, data["price_pence"], actor)
        if (data["price_pence"] or 0) > (old_price or 0):
            _alert_councils_of_rise(listing, old_price, data["price_pence"])
    events.record("listing.updated", actor=actor, obj=listing, fields=changed)
    db.session.commit()
    return listing


def change_status(actor, listing: Listing, to: str, reason: str | None = None) -> Listing:
    """Move a listing through its status machine; raises InvalidTransition for an illegal move."""
    if to not in TRANSITIONS.get(listing.status, set()):
        raise InvalidTransition("listing", listing.status, to)
    moderating = listing.status == "submitted"
    action = "community.moderate" if moderating else "listing.manage"
    if not can(actor, action, listing):
        raise NotAllowed("You cannot change this listing.")
    if to == "published":
        _check_publishable(listing)
        listing.published_at = listing.published_at or clock.now()
        listing.last_confirmed_at = clock.now()
    if to == "rejected" and not (reason or "").strip():
        raise DomainError("Give a reason the person who suggested it can read.")
    previous = listing.status
    listing.status = to
    listing.status_reason = (reason or "").strip() or None
    events.record(f"listing.{to}", actor=actor, obj=listing, council_id=listing.council_id, previous=previous,
                  reason=listing.status_reason)
    db.session.commit()
    if moderating and listing.suggested_by_email:
        outcome = "has been published" if to == "published" else "has not been published"
        mail.send(listing.suggested_by_email, f"Your suggestion '{listing.title}' {outcome}",
                  f"Thank you for suggesting '{listing.title}'. It {outcome}."
                  + (f"\n\nThe reason: {listing.status_reason}" if listing.status_reason else ""))
    return listing


def _check_publishable(listing: Listing) -> None:
    problems = []
    if not listing.summary:
        problems.append("add a short summary")
    if not listing.areas and "online" not in listing.delivery_modes:
        problems.append("say which areas you serve (or that it is online)")
    if not listing.delivery_modes:
        problems.append("say where it happens (at home, at a venue or online)")
    if listing.kind == "community" and not listing.how_to_join:
        problems.append("say how to join")
    if problems:
        raise DomainError("Before publishing, " + ", ".join(problems) + ".")


def confirm_up_to_date(actor, listing: Listing) -> Listing:
    if not can(actor, "listing.manage", listing):
        raise NotAllowed("You cannot change this listing.")
    listing.last_confirmed_at = clock.now()
    listing.stale_reminder_sent_at = None
    events.record("listing.confirmed", actor=actor, obj=listing)
    db.session.commit()
    return listing


# --- prices --------------------------------------------------------------------

@dataclass(frozen=True)
class Price:
    """The price a viewer would pay, and where it comes from."""

    pence: int | None
    unit: str
    source: str  # "public" | "council"
    council_name: str | None = None

    @property
    def is_free(self) -> bool:
        return not self.pence

    @property
    def text(self) -> str:
        if self.is_free:
            return "Free"
        return f"{format_pence(self.pence)} {PRICE_UNITS.get(self.unit, self.unit)}"

    @property
    def source_text(self) -> str:
        if self.source == "council":
            return f"{self.council_name}'s agreed rate for people it funds"
        return "Public price"


def price_for(listing: Listing, council=None) -> Price:
    """The price for a viewer funded by ``council`` (its agreed rate if any), else the public price."""
    agreed = listing.agreed_price_for(council.id) if council is not None else None
    if agreed is not None:
        return Price(agreed.price_pence, listing.price_unit, "council", council.name)
    return Price(listing.price_pence, listing.price_unit, "public")


def _record_price(listing, council_id, old, new, actor) -> None:
    db.session.add(PriceChange(listing_id=listing.id, council_id=council_id, old_pence=old, new_pence=new,
                               unit=listing.price_unit, changed_by_id=getattr(actor, "id", None)))


def set_council_price(actor, listing: Listing, council, price_pence: int, note: str | None = None) -> CouncilPrice:
    """A council agrees a rate for a listing; it replaces any earlier agreed rate."""
    if not can(actor, "council.agree_prices", council):
        raise NotAllowed("You cannot agree prices for this council.")
    if price_pence is None or price_pence < 0:
        raise DomainError("Enter the agreed price.")
    if price_pence > MAX_PRICE_PENCE:
        raise DomainError(f"The agreed price must be at most {format_pence(MAX_PRICE_PENCE)}.")
    current = listing.agreed_price_for(council.id)
    if current is not None:
        current.ended_at = clock.now()
    agreed = CouncilPrice(listing=listing, council_id=council.id, price_pence=price_pence, agreed_by=actor, note=note)
    db.session.add(agreed)
    _record_price(listing, council.id, current.price_pence if current else None, price_pence, actor)
    events.record("price.agreed", actor=actor, council_id=council.id, obj=listing, price_pence=price_pence)
    db.session.commit()
    return agreed


def end_council_price(actor, listing: Listing, council) -> None:
    if not can(actor, "council.agree_prices", council):
        raise NotAllowed("You cannot agree prices for this council.")
    current = listing.agreed_price_for(council.id)
    if current is None:
        raise DomainError("There is no agreed rate to end.")
    current.ended_at = clock.now()
    _record_price(listing, council.id, current.price_pence, None, actor)
    events.record("price.agreement_ended", actor=actor, council_id=council.id, obj=listing)
    db.session.commit()


def _alert_councils_of_rise(listing: Listing, old: int | None, new: int) -> None:
    from marketplace.accounts.models import RoleGrant

    for agreed in [p for p in listing.council_prices if p.ended_at is None]:
        db.session.add(PriceAlert(council_id=agreed.council_id, listing_id=listing.id, agreed_pence=agreed.price_pence,
                                  old_public_pence=old, new_public_pence=new))
        events.record("price.rise_alert", council_id=agreed.council_id, obj=listing, old=old, new=new)
        staff = db.session.scalars(db.select(RoleGrant).where(
            RoleGrant.council_id == agreed.council_id,
            RoleGrant.role.in_((R.COMMISSIONER, R.FINANCE_OFFICER, R.ADMINISTRATOR)))).all()
        for email in sorted({g.user.email for g in staff}):
            mail.send(email, f"Price rise: {listing.title}",
                      f"{listing.provider_name} has raised the public price of '{listing.title}' from "
                      f"{format_pence(old or 0)} to {format_pence(new)} {PRICE_UNITS.get(listing.price_unit, '')}.\n"
                      f"Your council's agreed rate is {format_pence(agreed.price_pence)}. Review it in Support Market.")


def price_history(listing: Listing) -> list[PriceChange]:
    return db.session.scalars(db.select(PriceChange).filter_by(listing_id=listing.id)
                              .order_by(PriceChange.changed_at.desc(), PriceChange.id.desc())).all()


def open_alerts(council) -> list[PriceAlert]:
    return db.session.scalars(db.select(PriceAlert).filter_by(council_id=council.id, acknowledged_at=None)
                              .order_by(PriceAlert.created_at.desc())).all()


def acknowledge_alert(actor, alert: PriceAlert) -> None:
    if not can(actor, "council.agree_prices", alert.council):
        raise NotAllowed("You cannot handle this council's price alerts.")
    alert.acknowledged_at = clock.now()
    alert.acknowledged_by_id = actor.id
    events.record("price.alert_acknowledged", actor=actor, council_id=alert.council_id, obj=alert.listing)
    db.session.commit()


# --- photos ------------------------------------------------------------------------

MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_PHOTOS = 6
_IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def add_photo(actor, listing: Listing, data: bytes, alt_text: str) -> ListingPhoto:
    """Store a photo after checking it really is a PNG, JPEG or WebP image of a sensible size."""
    from PIL import Image, UnidentifiedImageError

    if not can(actor, "listing.manage", listing):
        raise NotAllowed("You cannot change this listing.")
    if not (alt_text or "").strip():
        raise DomainError("Describe the photo for people who cannot see it.")
    if len(data) > MAX_PHOTO_BYTES:
        raise DomainError("The photo must be smaller than 2 MB.")
    if len(listing.photos) >= MAX_PHOTOS:
        raise DomainError(f"A listing can have at most {MAX_PHOTOS} photos.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind, width, height = image.format, image.width, image.height
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise DomainError("The file must be a photo in JPG, PNG or WebP format.") from None
    if kind not in _IMAGE_TYPES:
        raise DomainError("The file must be a photo in JPG, PNG or WebP format.")
    if width > 6000 or height > 6000:
        raise DomainError("The photo must be at most 6000 pixels wide and high.")
    photo = ListingPhoto(listing=listing, content_type=_IMAGE_TYPES[kind], data=data, alt_text=alt_text.strip(),
                         width=width, height=height)
    db.session.add(photo)
    events.record("listing.photo_added", actor=actor, obj=listing)
    db.session.commit()
    return photo


def remove_photo(actor, photo: ListingPhoto) -> None:
    if not can(actor, "listing.manage", photo.listing):
        raise NotAllowed("You cannot change this listing.")
    events.record("listing.photo_removed", actor=actor, obj=photo.listing)
    db.session.delete(photo)
    db.session.commit()


# --- stale listings ------------------------------------------------------------------

REMIND_EVERY = STALE_AFTER / 6  # about a month between reminders


def remind_stale(at: datetime | None = None) -> int:
    """Email providers whose published listings were last confirmed over six months ago.

    Idempotent: a listing is reminded at most once a month, however often this runs.
    Returns the number of listings reminded.
    """
    at = at or clock.now()
    cutoff = at - STALE_AFTER
    candidates = db.session.scalars(db.select(Listing).where(
        Listing.status == "published", Listing.last_confirmed_at < cutoff)).all()
    reminded = 0
    for listing in candidates:
        if listing.stale_reminder_sent_at is not None and at - listing.stale_reminder_sent_at < REMIND_EVERY:
            continue
        to = listing.organisation.email if listing.organisation else listing.suggested_by_email
        if to:
            mail.send(to, f"Is '{listing.title}' still right?",
                      f"'{listing.title}' was last confirmed on {listing.last_confirmed_at:%d %B %Y}. People now see it "
                      "marked as possibly out of date. Sign in to Support Market and confirm it, or change it.")
        listing.stale_reminder_sent_at = at
        events.record("listing.stale_reminder", obj=listing)
        reminded += 1
    db.session.commit()
    return reminded
