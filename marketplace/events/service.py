"""Writing and reading the event log. Every state change in a service calls ``record``."""
from __future__ import annotations

from ..extensions import db
from .models import Event


def record(action: str, *, actor=None, holder=None, council_id: int | None = None, obj=None,
           object_type: str | None = None, object_id: int | None = None, **detail) -> Event:
    """Add an event row in the caller's transaction (the caller commits).

    ``actor`` is the signed-in user (None for the system), ``holder`` the person whose
    account or money it concerns, ``obj`` the thing changed.
    """
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id or obj.id
    if council_id is None and holder is not None:
        council_id = holder.council_id
    event = Event(
        action=action,
        actor_id=getattr(actor, "id", None),
        holder_id=getattr(holder, "id", None),
        council_id=council_id,
        object_type=object_type,
        object_id=object_id,
        detail={k: v for k, v in detail.items() if v is not None},
    )
    db.session.add(event)
    return event


def count_since(action: str, obj, since) -> int:
    """How many ``action`` events about ``obj`` there have been since ``since``."""
    return db.session.scalar(db.select(db.func.count(Event.id)).where(
        Event.action == action, Event.object_type == obj.__tablename__, Event.object_id == obj.id,
        Event.occurred_at >= since)) or 0


def for_holder(holder_id: int, limit: int = 100):
    return db.session.scalars(
        db.select(Event).filter_by(holder_id=holder_id).order_by(Event.occurred_at.desc(), Event.id.desc()).limit(limit)
    ).all()
