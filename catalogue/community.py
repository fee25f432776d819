"""The community catalogue: free groups, activities and events, suggested by anyone and
published after a council administrator moderates them."""
from __future__ import annotations

from datetime import date

from marketplace import clock
from marketplace.errors import DomainError, NotAllowed
from marketplace.events import service as events
from marketplace.extensions import db
from marketplace.policy import can

from .listings import clean_fields
from .models import LISTING, CommunityEvent, Listing

REPEATS = {"none": "Once", "weekly": "Every week", "fortnightly": "Every two weeks", "monthly": "Every month"}
EVENT_YEARS_AHEAD = 5  # a community date further ahead than this is a typing slip, not a plan


def suggest(council, *, suggested_by_name: str, suggested_by_email: str | None, actor=None,
            event: dict | None = None, **fields) -> Listing:
    """Anyone (signed in or not) suggests a free community resource; it waits for moderation."""
    data = clean_fields({"category": "community-activities", **fields})
    if not data.get("title"):
        raise DomainError("Enter the name of the group or activity.")
    if not (data.get("how_to_join") or "").strip():
        raise DomainError("Say how people can join.")
    listing = Listing(kind="community", council_id=council.id, price_pence=None,
                      price_unit="session", suggested_by_name=(suggested_by_name or "").strip() or None,
                      suggested_by_email=(suggested_by_email or "").strip().lower() or None,
                      last_confirmed_at=clock.now(), **data)
    if not listing.delivery_modes:
        listing.delivery_modes = ["venue"]
    db.session.add(listing)
    LISTING.start(listing, "submitted", actor=actor)
    if event:
        add_event(None, listing, **event, _commit=False)
    db.session.commit()
    return listing


def add_event(actor, listing: Listing, *, starts_on: date, start_time: str | None = None, end_time: str | None = None,
              repeats: str = "none", until: date | None = None, _commit: bool = True) -> CommunityEvent:
    if actor is not None and not can(actor, "listing.manage", listing):
        raise NotAllowed("You cannot change this listing.")
    if repeats not in REPEATS:
        raise DomainError("Choose how often it happens.")
    if until is not None and until < starts_on:
        raise DomainError("The last date must be after the first date.")
    furthest = clock.today().replace(year=clock.today().year + EVENT_YEARS_AHEAD, day=min(clock.today().day, 28))
    if starts_on > furthest or (until is not None and until > furthest):
        raise DomainError(f"Enter dates in the next {EVENT_YEARS_AHEAD} years.")
    made = CommunityEvent(listing=listing, starts_on=starts_on, start_time=start_time or None, end_time=end_time or None,
                          repeats=repeats, until=until)
    db.session.add(made)
    if _commit:
        events.record("community.event_added", actor=actor, obj=listing)
        db.session.commit()
    return made


def next_dates(listing: Listing, count: int = 3) -> list[tuple[date, CommunityEvent]]:
    """The next ``count`` dates across all of the listing's events, soonest first."""
    today = clock.today()
    found = [(d, e) for e in listing.events for d in e.next_dates(today, count)]
    return sorted(found, key=lambda pair: pair[0])[:count]


def awaiting_moderation(council) -> list[Listing]:
    return db.session.scalars(db.select(Listing).filter_by(council_id=council.id, status="submitted")
                              .order_by(Listing.created_at)).all()
