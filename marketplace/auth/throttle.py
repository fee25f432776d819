"""How often a password may be tried, in a way an attacker cannot turn against the account's owner.

Only wrong passwords count (a busy council office signing in at 9am from one address is never
limited by its successes). The browser someone has signed in from before carries a signed
"trusted device" cookie (OWASP's device cookies): its attempts are counted for that browser alone,
so a stranger's wrong guesses at an email address never lock its owner out of their own browser.
Attempts from other browsers are counted per email address and network address, and per email
address across all of them (past that, the owner resets their password, which signs them in).
Each network address has a far higher limit for wrong passwords across all accounts.
"""
from __future__ import annotations

import secrets

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer

from ..accounts.service import find_by_email

DEVICE_COOKIE = "trusted_device"
DEVICE_COOKIE_DAYS = 365


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="trusted-device")


def _email() -> str:
    return (request.form.get("email") or "").strip().lower()[:320]


def trusted_device() -> str | None:
    """This browser's device id if it has signed in before to the account being tried, else None."""
    if "trusted_device" not in g:
        g.trusted_device = None
        try:
            device = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
        except BadSignature:
            device = None
        if isinstance(device, dict) and device.get("user"):
            user = find_by_email(_email()) if _email() else None
            if user is not None and user.id == device["user"]:
                g.trusted_device = str(device.get("device"))
    return g.trusted_device


def remember_device(response, user) -> None:
    """Mark this browser as one the person signs in from (a fresh id each time)."""
    value = _serializer().dumps({"user": user.id, "device": secrets.token_urlsafe(12)})
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_COOKIE_DAYS * 24 * 3600, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), path="/sign-in")


def failed(response) -> bool:
    """Only a wrong password counts towards a limit."""
    return response.status_code == 401


def attempt_key() -> str:
    """A trusted browser's attempts count for it alone; others per email and network address."""
    device = trusted_device()
    return f"device:{device}" if device else f"account-address:{_email()}|{get_remote_address()}"


def account_key() -> str:
    return f"account:{_email()}"


def address_key() -> str:
    return f"address:{get_remote_address()}"


def attempt_limit() -> str:
    return current_app.config["SIGNIN_RATE_LIMIT"]


def account_limit() -> str:
    return current_app.config["SIGNIN_ACCOUNT_LIMIT"]


def address_limit() -> str:
    return current_app.config["SIGNIN_ADDRESS_LIMIT"]


def user_key() -> str:
    """The signed-in person: someone with their session can guess their password only so often."""
    from flask_login import current_user

    return f"user:{current_user.get_id()}"


def password_check_limit() -> str:
    return current_app.config["PASSWORD_CHECK_LIMIT"]
