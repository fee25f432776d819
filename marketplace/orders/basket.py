"""The basket: what one person is about to order for one holder."""
from __future__ import annotations

from sqlalchemy.orm import selectinload

from catalogue.models import Listing

from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..policy import can
from ..providers.models import Organisation
from .models import WEEKDAYS, BasketItem, to_centi


def require_can_order(actor, holder) -> None:
    if not can(actor, "holder.order", holder):
        raise NotAllowed("You cannot order for this person.")


def add_to_basket(actor, holder, listing, quantity, outcome_key: str | None, schedule: dict | None = None) -> BasketItem:
    """Put a published listing of an approved provider in the basket, once or on a weekly schedule."""
    require_can_order(actor, holder)
    if not listing.is_published or listing.kind == "community" or listing.organisation is None:
        raise DomainError("This cannot be ordered.")
    if not listing.organisation.is_approved_in(holder.council_id):
        raise DomainError("This provider is not approved by your council.")
    centi = to_centi(quantity)
    if centi <= 0:
        raise DomainError("Enter how many you need, more than zero.")
    if schedule is not None:
        days = [d for d in schedule.get("days", []) if d in WEEKDAYS]
        if not days:
            raise DomainError("Choose at least one day of the week.")
        schedule = {"days": days, "starts_on": schedule["starts_on"], "ends_on": schedule.get("ends_on")}
        if schedule["ends_on"] and schedule["ends_on"] < schedule["starts_on"]:
            raise DomainError("The end date must be after the start date.")
    item = BasketItem(actor_id=actor.id, holder_id=holder.id, listing_id=listing.id, quantity_centi=centi,
                      outcome_key=outcome_key, schedule=schedule)
    db.session.add(item)
    db.session.commit()
    return item


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
