"""Sign-in sessions that can be ended: one row per signed-in browser, named by a random token kept
in the session cookie. Sign-out ends the browser's row; a password change ends every other one; a
password reset ends them all. ``web``'s user loader refuses a session whose row has ended."""
from __future__ import annotations

import hashlib
import secrets

from flask import session
from flask_login import login_user

from .. import clock
from ..extensions import db
from .models import SignInSession, User

SESSION_KEY = "sid"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def begin(user: User) -> None:
    """Start a fresh session for ``user`` in this browser (the caller signs them in and commits).
    Whatever the browser held before is cleared, so a session planted before sign-in is useless."""
    session.clear()
    token = secrets.token_urlsafe(32)
    db.session.add(SignInSession(user_id=user.id, token_hash=_hash(token)))
    session[SESSION_KEY] = token


def sign_in(user: User) -> None:
    """Sign ``user`` in to this browser with a new session, and commit."""
    begin(user)
    login_user(user)
    db.session.commit()


def is_live(user_id: int) -> bool:
    """Does this browser's session token belong to ``user_id`` and still stand?"""
    token = session.get(SESSION_KEY)
    if not token or not isinstance(token, str):
        return False
    return db.session.scalar(db.select(SignInSession.id).filter_by(
        user_id=user_id, token_hash=_hash(token), ended_at=None)) is not None


def end_this() -> None:
    """Sign-out: end this browser's session (the caller commits)."""
    token = session.get(SESSION_KEY)
    if isinstance(token, str):
        db.session.execute(db.update(SignInSession).where(SignInSession.token_hash == _hash(token),
                                                          SignInSession.ended_at.is_(None)).values(ended_at=clock.now()))
    session.clear()


def end_others(user: User, keep_this: bool = True) -> int:
    """End every session of ``user`` but this browser's (or all of them); returns how many ended."""
    query = db.update(SignInSession).where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
    token = session.get(SESSION_KEY) if keep_this else None
    if isinstance(token, str):
        query = query.where(SignInSession.token_hash != _hash(token))
    return db.session.execute(query.values(ended_at=clock.now())).rowcount
