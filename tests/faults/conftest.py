"""Fault fixtures: apps built against a Redis or a database that is down, hung or cut, and the
rate limiter put back as the shared test app had it afterwards.

Flask-Limiter's ``limiter`` is one object for the process: binding it to another app gives it that
app's storage (Redis at a dead port, say) and a "storage is dead" flag that no later app resets, so
each test here leaves it exactly as it found it.
"""
from __future__ import annotations

import pytest

from marketplace.extensions import limiter


@pytest.fixture(autouse=True)
def _limiter_as_it_was():
    saved = dict(limiter.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)
