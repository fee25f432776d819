"""Listing rules: creating and editing, moving a listing through ``LISTING`` (models.py),
photos and stale-listing reminders. Prices and their history are ``marketplace.pricing``'s."""
from __future__ import annotations

import io
from datetime import datetime

from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace import clock, mail, taxonomy
from marketplace.errors import DomainError, NotAllowed
from marketplace.events import service as events
from marketplace.extensions import db
from marketplace.money import format_pence
from marketplace.policy import can
from marketplace.pricing.service import MAX_PRICE_PENCE, alert_councils_of_rise, record_price
from marketplace.providers.models import Organisation, OrganisationApproval
from marketplace.taxonomy import PRICE_UNITS

from .models import (
    ACCESSIBILITY_FEATURES,
    DAYS,
    DELIVERY_MODES,
    LANGUAGES,
    LISTING,
    LISTING_KINDS,
    STALE_AFTER,
    Listing,
    ListingPhoto,
    PersonProfile,
)

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
    listing = Listing(organisation=organisation, kind=kind, last_confirmed_at=clock.now(), **data)
    db.session.add(listing)
    LISTING.start(listing, "draft", actor=actor)
    if person is not None:
        listing.person = PersonProfile(**person)
    record_price(listing, None, None, listing.price_pence, actor)
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
        record_price(listing, None, old_price, data["price_pence"], actor)
        if (data["price_pence"] or 0) > (old_price or 0):
            alert_councils_of_rise(listing, old_price, data["price_pence"])
    events.record("listing.updated", actor=actor, obj=listing, fields=changed)
    db.session.commit()
    return listing


def priced_in(council, text: str = ""):
    """A query for the paid, published listings of organisations the council approves, by provider and
    title, optionally matching ``text``: the council's price list, to paginate."""
    query = (db.select(Listing).join(Organisation, Listing.organisation_id == Organisation.id)
             .join(OrganisationApproval, OrganisationApproval.organisation_id == Organisation.id)
             .where(OrganisationApproval.council_id == council.id, OrganisationApproval.status == "approved",
                    Listing.status == "published", Listing.price_pence > 0)
             .order_by(Organisation.name, Listing.title))
    if text:
        like = f"%{text.lower()}%"
        query = query.where(db.or_(db.func.lower(Listing.title).like(like), db.func.lower(Organisation.name).like(like)))
    return query


def change_status(actor, listing: Listing, to: str, reason: str | None = None) -> Listing:
    """Move a listing through ``LISTING``; raises InvalidTransition for an illegal move."""
    LISTING.check(listing, to)
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
    listing.status_reason = (reason or "").strip() or None
    LISTING.move(listing, to, actor=actor, reason=listing.status_reason)
    if moderating and listing.suggested_by_email:
        outcome = "has been published" if to == "published" else "has not been published"
        mail.send(listing.suggested_by_email, f"Your suggestion '{listing.title}' {outcome}",
                  f"Thank you for suggesting '{listing.title}'. It {outcome}."
                  + (f"\n\nThe reason: {listing.status_reason}" if listing.status_reason else ""))
    db.session.commit()
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


# --- photos ------------------------------------------------------------------------

MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_PHOTOS = 6
_IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def add_photo(actor, listing: Listing, data: bytes, alt_text: str) -> ListingPhoto:
    """Store a photo after checking it really is a PNG, JPEG or WebP image of a sensible size."""
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
    data, width, height = _without_metadata(data, kind)
    photo = ListingPhoto(listing=listing, content_type=_IMAGE_TYPES[kind], data=data, alt_text=alt_text.strip(),
                         width=width, height=height)
    db.session.add(photo)
    events.record("listing.photo_added", actor=actor, obj=listing)
    db.session.commit()
    return photo


def _without_metadata(data: bytes, kind: str) -> tuple[bytes, int, int]:
    """The image drawn afresh with none of what the camera wrote beside it (GPS position, time,
    device, comments), turned the way the camera said it was held. Returns (bytes, width, height)."""
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        if kind == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        out = io.BytesIO()
        upright.save(out, kind, **({"quality": 90} if kind in ("JPEG", "WEBP") else {}))
        return out.getvalue(), upright.width, upright.height


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
