"""Password hashing with argon2id (cost from config, so tests stay fast) and the password rules.

The rules follow the NCSC's guidance: a length of at least 12 characters, no composition rules
(no "one capital, one digit"), and a refusal of the passwords people most often choose: the 30,000
in ``marketplace/data/common_passwords.txt`` (zxcvbn's list, MIT licence), with the digits and
symbols people add to either end taken off first, so "password123456" counts as "password". A
password made of the person's own email address or name is refused too.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 256  # hashing a megabyte-long "password" would tie up a worker


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


@lru_cache
def common_passwords() -> frozenset[str]:
    text = resources.files("marketplace.data").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


# Runs people type without thinking: counting up or down, along the keyboard, the alphabet.
_RUNS = ("0123456789" * 4, "9876543210" * 4, "qwertyuiopasdfghjklzxcvbnm" * 2, "abcdefghijklmnopqrstuvwxyz" * 2,
         "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p" * 2)
_ENDS = re.compile(r"^[\W\d_]+|[\W\d_]+$")
GUESSABLE = "Choose a password that is harder to guess: three or four unusual words together work well"


def password_problem(password: str, *, email: str | None = None, name: str | None = None) -> str | None:
    """Plain-English reason a new password is not good enough, or None."""
    if len(password) < MIN_LENGTH:
        return f"Your password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Your password must be at most {MAX_LENGTH} characters long"
    lowered = password.lower()
    if password.strip() == "" or len(set(password)) < 4:
        return GUESSABLE
    core = _ENDS.sub("", lowered)
    if any(lowered in run for run in _RUNS):
        return GUESSABLE
    if lowered in common_passwords() or (len(core) >= 4 and core in common_passwords()):
        return "That password is one of the most used, so it is easy to guess. Three or four unusual words together work well"
    personal = {(email or "").lower(), (email or "").lower().split("@")[0], (name or "").lower(), (name or "").lower().replace(" ", "")}
    if lowered in personal or core in personal or any(len(p) >= 4 and p in lowered for p in personal if "@" in p):
        return "Your password must not be your email address or your name"
    return None
