"""The one clock. Services ask ``clock.now()``; tests move it with ``clock.frozen``.

Stored timestamps are UTC. Dates people see (statement months, due dates) are
Europe/London: use ``today()`` for them.
"""
from __future__ import annotations

import contextlib
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

_source: Callable[[], datetime] | None = None


def now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    if _source is not None:
        return _source()
    return datetime.now(timezone.utc)


def today() -> date:
    """Today's date in Europe/London."""
    return now().astimezone(LONDON).date()


def set_source(source: Callable[[], datetime] | None) -> None:
    global _source
    _source = source


@contextlib.contextmanager
def frozen(moment: datetime) -> Iterator["_FrozenClock"]:
    """Freeze the clock at ``moment`` (aware, or naive meaning UTC); ``.advance()`` moves it."""
    frozen_clock = _FrozenClock(moment)
    previous = _source
    set_source(frozen_clock)
    try:
        yield frozen_clock
    finally:
        set_source(previous)


class _FrozenClock:
    def __init__(self, moment: datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **kwargs) -> None:
        self.moment = self.moment + timedelta(**kwargs)
