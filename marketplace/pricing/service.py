"""Pricing rules: the price a viewer pays (a council's agreed rate for the people it funds,
else the public price), agreeing and ending council rates, the history of every price, and
alerts when a provider raises a price a council agreed.

Listings are passed in and read by their attributes (``price_pence``, ``price_unit``,
``council_prices``), so this module never imports the catalogue.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import clock, mail
from ..accounts import roles as R
from ..accounts.models import RoleGrant
from ..errors import DomainError, NotAllowed
from ..events import service as events
from ..extensions import db
from ..money import MOST_PENCE, format_pence
from ..policy import can
from ..taxonomy import PRICE_UNITS
from .models import CouncilPrice, PriceAlert, PriceChange

# The most a listing or an agreed rate may cost: £1,000,000. Anything larger is a typing slip, and would
# not fit the database's integer column.
MAX_PRICE_PENCE = MOST_PENCE


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


def price_for(listing, council=None) -> Price:
    """The price for a viewer funded by ``council`` (its agreed rate if any), else the public price."""
    return _priced(listing, listing.agreed_price_for(council.id) if council is not None else None, council)


def prices_for(listings, council=None) -> dict[int, Price]:
    """``price_for`` of many listings at once, by listing id: the council's current agreed rates for all
    of them in one query (none when ``council`` is None), so a page of results or suggestions does not
    load each listing's rates one by one. The same rate wins as in ``Listing.agreed_price_for``: the
    earliest current one."""
    listings = list(listings)
    agreed: dict[int, CouncilPrice] = {}
    if council is not None and listings:
        rates = db.session.scalars(db.select(CouncilPrice).where(
            CouncilPrice.council_id == council.id, CouncilPrice.ended_at.is_(None),
            CouncilPrice.listing_id.in_({listing.id for listing in listings})).order_by(CouncilPrice.id))
        for rate in rates:
            agreed.setdefault(rate.listing_id, rate)
    return {listing.id: _priced(listing, agreed.get(listing.id), council) for listing in listings}


def _priced(listing, agreed: CouncilPrice | None, council) -> Price:
    """The agreed rate when there is one (``council`` agreed it), else the listing's public price."""
    if agreed is not None:
        return Price(agreed.price_pence, listing.price_unit, "council", council.name)
    return Price(listing.price_pence, listing.price_unit, "public")


def record_price(listing, council_id, old, new, actor) -> None:
    db.session.add(PriceChange(listing_id=listing.id, council_id=council_id, old_pence=old, new_pence=new,
                               unit=listing.price_unit, changed_by_id=getattr(actor, "id", None)))


def set_council_price(actor, listing, council, price_pence: int, note: str | None = None) -> CouncilPrice:
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
    record_price(listing, council.id, current.price_pence if current else None, price_pence, actor)
    events.record("price.agreed", actor=actor, council_id=council.id, obj=listing, price_pence=price_pence)
    db.session.commit()
    return agreed


def end_council_price(actor, listing, council) -> None:
    if not can(actor, "council.agree_prices", council):
        raise NotAllowed("You cannot agree prices for this council.")
    current = listing.agreed_price_for(council.id)
    if current is None:
        raise DomainError("There is no agreed rate to end.")
    current.ended_at = clock.now()
    record_price(listing, council.id, current.price_pence, None, actor)
    events.record("price.agreement_ended", actor=actor, council_id=council.id, obj=listing)
    db.session.commit()


def alert_councils_of_rise(listing, old: int | None, new: int) -> None:
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


def price_history(listing) -> list[PriceChange]:
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
