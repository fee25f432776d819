"""Lists of orders for the pages that show them: a holder's orders, a provider's inbox, the
coordinator's queue and deliveries nobody has confirmed."""
from __future__ import annotations

from datetime import timedelta

from .. import clock
from ..extensions import db
from .models import Occurrence, Order

UNCONFIRMED_AFTER = timedelta(days=14)


def unconfirmed(holder_ids: list[int] | None = None, council_id: int | None = None) -> list[Occurrence]:
    """Deliveries recorded more than 14 days ago and still not confirmed: nothing is paid silently."""
    cutoff = clock.now() - UNCONFIRMED_AFTER
    query = (db.select(Occurrence).join(Order, Occurrence.order_id == Order.id)
             .where(Occurrence.status == "delivered", Occurrence.delivered_at < cutoff).order_by(Occurrence.delivered_at))
    if holder_ids is not None:
        query = query.where(Order.holder_id.in_(holder_ids or [-1]))
    if council_id is not None:
        query = query.where(Order.council_id == council_id)
    return db.session.scalars(query).all()


RECENT = timedelta(days=1)


def placed_recently(actor, holder) -> list[Order]:
    """Orders this person placed for this holder in the last day: shown beside an empty basket, so
    someone who saw an error after pressing "Place order" finds what was placed."""
    return db.session.scalars(db.select(Order).where(
        Order.holder_id == holder.id, Order.placed_by_id == actor.id, Order.placed_at >= clock.now() - RECENT)
        .order_by(Order.placed_at.desc(), Order.id.desc()).limit(10)).all()


def orders_for_holder(holder) -> list[Order]:
    return db.session.scalars(db.select(Order).filter_by(holder_id=holder.id).order_by(Order.created_at.desc(), Order.id.desc())).all()


def orders_for_organisations(organisations, statuses: tuple[str, ...] | None = None, limit: int | None = None) -> list[Order]:
    """Orders with these organisations (the caller has asked the policy which ones the person may see)."""
    query = db.select(Order).where(Order.organisation_id.in_([o.id for o in organisations] or [-1]))
    if statuses:
        query = query.where(Order.status.in_(statuses))
    query = query.order_by(Order.created_at.desc(), Order.id.desc())
    return db.session.scalars(query.limit(limit) if limit else query).all()


def awaiting_approval(council) -> list[Order]:
    return db.session.scalars(db.select(Order).filter_by(council_id=council.id, status="awaiting_approval")
                              .order_by(Order.created_at)).all()
