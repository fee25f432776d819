"""Tell us once: the holder shares their "about me", access needs and how they like to be contacted with
the provider of one order, and takes it back when they choose.

Nothing is shared by default. A sharing covers one order and that order's provider only: the same
provider sees nothing on the holder's other orders unless it is shared there too.

Decision: the provider's people are told (a notification) when it is shared, so they know to read it
before the first visit. They are not told when it is withdrawn: they simply stop seeing it. Telling them
would invite a "why?" conversation the holder did not ask for, and withdrawing is the holder's right
without explanation.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..clock import now
from ..errors import DomainError
from ..events import service as events
from ..extensions import db
from ..notifications.service import notify_all
from ..policy import can, require, who_may
from .sharing_models import Sharing


@dataclass(frozen=True)
class Panel:
    """What the order page shows about sharing, for the person looking at it."""

    current: Sharing | None
    may_share: bool
    may_read: bool


def current_for(order) -> Sharing | None:
    return db.session.scalar(db.select(Sharing).where(
        Sharing.order_id == order.id, Sharing.organisation_id == order.organisation_id,
        Sharing.withdrawn_at.is_(None)).order_by(Sharing.id.desc()).limit(1))


def panel_for(user, order) -> Panel:
    return Panel(current=current_for(order), may_share=can(user, "about_me.share", order),
                 may_read=can(user, "about_me.read", order))


def share(user, order) -> Sharing:
    """Share the holder's about me with this order's provider (once: sharing again changes nothing)."""
    require(user, "about_me.share", order)
    existing = current_for(order)
    if existing is not None:
        return existing
    holder = order.holder
    if not (holder.about_me or holder.accessibility_needs):
        raise DomainError("There is nothing to share yet. Write something about yourself on your page first.")
    sharing = Sharing(order_id=order.id, holder_id=holder.id, organisation_id=order.organisation_id,
                      shared_by_id=user.id, shared_at=now())
    db.session.add(sharing)
    db.session.flush()
    events.record("holder.about_me_shared", actor=user, holder=holder, obj=order, organisation=order.organisation.name)
    notify_all(who_may("order.provide", order), f"{holder.name} shared their 'about me' with you",
               f"Read it on order {order.id} before you next support them. It is for this order only.",
               f"/orders/{order.id}")
    db.session.commit()
    return sharing


def withdraw(user, sharing: Sharing) -> None:
    """Stop sharing: the provider loses sight of it at once. The row stays as the record of who had it."""
    require(user, "about_me.share", sharing.order)
    if sharing.withdrawn_at is not None:
        return
    sharing.withdrawn_at = now()
    sharing.withdrawn_by_id = user.id
    events.record("holder.about_me_withdrawn", actor=user, holder=sharing.holder, obj=sharing.order,
                  organisation=sharing.organisation.name)
    db.session.commit()


def for_holder(holder) -> tuple[list[Sharing], list[Sharing]]:
    """(who has it now, who had it before), newest first."""
    rows = db.session.scalars(db.select(Sharing).where(Sharing.holder_id == holder.id)
                              .order_by(Sharing.shared_at.desc(), Sharing.id.desc())).all()
    return [s for s in rows if s.withdrawn_at is None], [s for s in rows if s.withdrawn_at is not None]
