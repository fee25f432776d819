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


def inside_path(link: str | None) -> str | None:
    """``link`` when it is a path inside the product ("/orders/7"), else None: never another site
    ("//evil.example", "https://...") and never a backslash trick browsers read as one."""
    if not link or not link.startswith("/") or link.startswith("//") or "\\" in link or any(ord(c) < 32 for c in link):
        return None
    return link


def open_note(user, note_id: int) -> Notification | None:
    """The person opens one of their notifications: it is marked read (once) and returned. Somebody
    else's notification, or one that does not exist, is None."""
    note = db.session.get(Notification, note_id)
    if note is None or note.user_id != user.id:
        return None
    if note.read_at is None:
        note.read_at = clock.now()
        db.session.commit()
    return note
