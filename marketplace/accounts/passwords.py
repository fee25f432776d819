"""Password hashing with argon2id; cost comes from config so tests stay fast."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

MIN_LENGTH = 10


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"], parallelism=1)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


_DUMMY_HASHES: dict[tuple[int, int], str] = {}


def _dummy_hash() -> str:
    """A hash of nothing anyone knows, at the configured cost, made once per cost."""
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"])
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = _hasher().hash("no account: this only makes checking take the usual time")
    return _DUMMY_HASHES[key]


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches. Without a hash (no such account, or no password set
    yet) it still does a full argon2 check, so the time taken does not reveal which."""
    hasher = _hasher()
    try:
        if not password_hash:
            hasher.verify(_dummy_hash(), password or "")
            return False
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Plain-English reason a new password is not good enough, or None."""
    if len(password) < MIN_LENGTH:
        return f"Your password must be at least {MIN_LENGTH} characters long"
    if password.strip() == "" or len(set(password)) < 4:
        return "Choose a password that is harder to guess"
    return None
