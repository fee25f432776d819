"""Reading a council's event log: filtered by kind of event, by who did it and by date, newest first, paged."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..events.labels import KINDS
from ..events.models import Event
from ..extensions import db

PER_PAGE = 50


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def search(council, *, kind: str | None = None, person: str | None = None, since: date | None = None,
           until: date | None = None, page: int = 1):
    """One page of the council's events matching every filter given. ``person`` is part of a name or email."""
    query = db.select(Event).where(Event.council_id == council.id)
    if kind in KINDS:
        query = query.where(Event.action.like(f"{kind}.%"))
    if person:
        pattern = "%" + person.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Event.actor_id.in_(db.select(User.id).where(db.or_(
            db.func.lower(User.name).like(pattern, escape="\\"), db.func.lower(User.email).like(pattern, escape="\\")))))
    if since:
        query = query.where(Event.occurred_at >= _start_of(since))
    if until:
        query = query.where(Event.occurred_at < _start_of(until + timedelta(days=1)))
    query = query.options(selectinload(Event.actor), selectinload(Event.holder))
    return db.paginate(query.order_by(Event.occurred_at.desc(), Event.id.desc()), page=page, per_page=PER_PAGE,
                       max_per_page=PER_PAGE, error_out=False)
