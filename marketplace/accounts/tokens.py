"""Signed, expiring, single-use links for password reset and invitations.

A token carries a fingerprint of the user's current password hash, so it stops
working the moment the password changes: a used link cannot be used again.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from .. import clock
from ..extensions import db
from .models import User

RESET = "password-reset"
INVITATION = "invitation"


class TokenError(Exception):
    """The link is broken, expired or already used. ``message`` says which, in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _ClockSigner(TimestampSigner):
    """Stamps and checks the age of links with the app's clock, so tests can move time.
    (The signer, not the serializer, is what reads the time when signing and checking.)"""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose, signer=_ClockSigner)


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "no-password").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"uid": user.id, "fp": _fingerprint(user)})


def read_token(token: str, purpose: str) -> User:
    """Return the user the token is for, or raise TokenError."""
    max_age = current_app.config[
        "PASSWORD_RESET_MAX_AGE_SECONDS" if purpose == RESET else "INVITATION_MAX_AGE_SECONDS"
    ]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError("This link has expired. Ask for a new one.") from None
    except BadSignature:
        raise TokenError("This link is not valid. Check you copied all of it, or ask for a new one.") from None
    user = db.session.get(User, data.get("uid"))
    if user is not None and not user.is_active_account:
        raise TokenError("This account has been closed. If you think that is wrong, contact your council.")
    if user is None or data.get("fp") != _fingerprint(user):
        raise TokenError("This link has already been used. Ask for a new one if you need it.")
    if purpose == INVITATION and user.password_hash:
        raise TokenError("This invitation has already been used. Sign in with your password.")
    return user
