"""Telling people things: a notification in the product, and an email through the mail backend."""
from __future__ import annotations

from .. import clock, links, mail
from ..extensions import db
from .models import Notification


def notify(user, title: str, body: str, link: str | None = None, *, email: bool = True) -> Notification:
    """Add a notification (the caller commits) and email it when the person has an email address."""
    note = Notification(user_id=user.id, title=title, body=body, link=link)
    db.session.add(note)
    if email and user.email:
        url = links.external(link) if link else ""
        mail.send(user.email, title, f"{body}\n\n{url}".strip())
    return note


def notify_all(users, title: str, body: str, link: str | None = None) -> None:
    seen = set()
    for user in users:
        if user is not None and user.id not in seen:
            seen.add(user.id)
            notify(user, title, body, link)


def unread_count(user) -> int:
    return db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(user_id=user.id, read_at=None)) or 0


def for_user(user, limit: int = 50) -> list[Notification]:
    return db.session.scalars(db.select(Notification).filter_by(user_id=user.id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)).all()


def mark_all_read(user) -> int:
    rows = db.session.scalars(db.select(Notification).filter_by(user_id=user.id, read_at=None)).all()
    for row in rows:
        row.read_at = clock.now()
    db.session.commit()
    return len(rows)
