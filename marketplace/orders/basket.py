"""The basket: what one person is about to order for one holder."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import selectinload

from catalogue.models import Listing

from .. import clock
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..policy import can
from ..providers.models import Organisation
from .models import MOST_TIME_CHARACTERS, WEEKDAYS, BasketItem, to_centi


def require_can_order(actor, holder) -> None:
    if not can(actor, "holder.order", holder):
        raise NotAllowed("You cannot order for this person.")


def add_to_basket(actor, holder, listing, quantity, outcome_key: str | None, schedule: dict | None = None) -> BasketItem:
    """Put a published listing of an approved provider in the basket, once or on a weekly schedule.

    ``schedule`` says when (see models.Scheduled): {"days", "starts_on", "ends_on", "time"} for every
    week, {"once_on", "time"} for once. No date may be in the past: nothing is moved silently."""
    require_can_order(actor, holder)
    if not listing.is_published or listing.kind == "community" or listing.organisation is None:
        raise DomainError("This cannot be ordered.")
    if not listing.organisation.is_approved_in(holder.council_id):
        raise DomainError("This provider is not approved by your council.")
    centi = to_centi(quantity)
    if centi <= 0:
        raise DomainError("Enter how many you need, more than zero.")
    item = BasketItem(actor_id=actor.id, holder_id=holder.id, listing_id=listing.id, quantity_centi=centi,
                      outcome_key=outcome_key, schedule=_when(schedule))
    db.session.add(item)
    db.session.commit()
    return item


def _when(schedule: dict | None) -> dict | None:
    """The schedule checked and kept in its one shape, or DomainError saying what is wrong."""
    if schedule is None:
        return None
    time = (schedule.get("time") or "").strip()[:MOST_TIME_CHARACTERS] or None
    today = clock.today()
    if "days" not in schedule:
        once_on = _date(schedule.get("once_on"))
        if once_on is not None and once_on < today:
            raise DomainError(f"The date you want it ({once_on:%-d %B %Y}) has passed. Choose today or a later date.")
        return {"once_on": once_on.isoformat() if once_on else None, "time": time}
    days = [d for d in WEEKDAYS if d in set(schedule.get("days") or [])]
    if not days:
        raise DomainError("Choose at least one day of the week.")
    starts_on, ends_on = _date(schedule.get("starts_on")), _date(schedule.get("ends_on"))
    if starts_on is None:
        raise DomainError("Enter the date the support starts.")
    if starts_on < today:
        raise DomainError(f"The start date ({starts_on:%-d %B %Y}) has passed. Choose today or a later date.")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("The end date must be after the start date.")
    return {"days": days, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat() if ends_on else None, "time": time}


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise DomainError("Enter a real date, like 27 3 2027.") from None


def basket(actor, holder) -> list[BasketItem]:
    """What ``actor`` is about to order for ``holder``, with each line's listing, its organisation and the
    organisation's council approvals loaded in three more queries (checking a line reads them all),
    not three a line."""
    return db.session.scalars(db.select(BasketItem).filter_by(actor_id=actor.id, holder_id=holder.id)
                              .options(selectinload(BasketItem.listing).selectinload(Listing.organisation)
                                       .selectinload(Organisation.approvals))
                              .order_by(BasketItem.id)).all()


def remove_from_basket(actor, item: BasketItem) -> None:
    if item.actor_id != actor.id:
        raise NotAllowed("That is not in your basket.")
    db.session.delete(item)
    db.session.commit()
