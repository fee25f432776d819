"""A shared cache for work a page repeats for every visitor (facet counts, report figures), with
invalidation by namespace, and never a failure when the cache is away.

Redis (``REDIS_URL``) holds it for every worker and node; without Redis, each worker keeps its own in
memory (Flask-Caching's SimpleCache), which is right for one process and harmless for several, since
every entry is dropped by a change to what it was computed from. ``CACHE_TYPE`` overrides the choice.

Invalidation: every key lives in a namespace ("facets", "reports:<council id>") whose generation number
is part of the key; ``bump(namespace)`` moves the generation on, so every entry computed before the change
is unreachable at once, on every node, without scanning keys. Entries also expire (``CACHE_DEFAULT_TIMEOUT``).

When the cache cannot be reached (Redis stopped, a timeout), ``remember`` computes the value as if there
were no cache and logs once a minute: a cache must never be the reason a page fails.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from typing import Callable, TypeVar

from flask import current_app, has_app_context
from flask_caching import Cache

log = logging.getLogger(__name__)
cache = Cache()
T = TypeVar("T")
_quiet_until = 0.0  # the next time a cache failure is logged (per process)


def init_app(app, redis_options: dict | None = None) -> None:
    config = app.config
    if not config.get("CACHE_TYPE"):
        if config.get("REDIS_URL") and not config.get("TESTING"):
            config["CACHE_TYPE"] = "RedisCache"
            config.setdefault("CACHE_REDIS_URL", config["REDIS_URL"])
            config.setdefault("CACHE_OPTIONS", dict(redis_options or {}))
        else:
            config["CACHE_TYPE"] = "SimpleCache"
    config.setdefault("CACHE_DEFAULT_TIMEOUT", 300)
    config.setdefault("CACHE_KEY_PREFIX", "sm:")
    cache.init_app(app)


def _failed(error: Exception) -> None:
    global _quiet_until
    if time.monotonic() >= _quiet_until:
        log.warning("cache unreachable, computing without it: %s", error)
        _quiet_until = time.monotonic() + 60


def _generation(namespace: str) -> int:
    return int(cache.get(f"gen:{namespace}") or 0)


def key_for(namespace: str, *parts) -> str:
    """A key for ``parts`` in the namespace's current generation (parts are hashed: any JSON-able value)."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"{namespace}:{_generation(namespace)}:{digest}"


def remember(namespace: str, parts: tuple, compute: Callable[[], T], timeout: int | None = None) -> T:
    """The cached value for ``parts`` in ``namespace``, computing and storing it when missing (outside
    an app, as in a benchmark, there is no cache)."""
    if not has_app_context() or not current_app.config.get("CACHE_ENABLED", True):
        return compute()
    try:
        key = key_for(namespace, *parts)
        found = cache.get(key)
    except Exception as error:  # noqa: BLE001 -- any cache failure: work without it
        _failed(error)
        return compute()
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(key, value, timeout=timeout)
    except Exception as error:  # noqa: BLE001
        _failed(error)
    return value


def bump(namespace: str) -> None:
    """Forget everything cached in ``namespace`` (on every node sharing the cache)."""
    try:
        # A new, never-reused generation that does not expire: a counter that expired and restarted
        # could make old entries reachable again.
        cache.set(f"gen:{namespace}", time.time_ns(), timeout=0)
    except Exception as error:  # noqa: BLE001 -- entries still expire on their own
        _failed(error)


def clear() -> None:
    for kept in _kept:
        kept.clear()
    try:
        cache.clear()
    except Exception as error:  # noqa: BLE001
        _failed(error)


class Kept:
    """Values kept in this process, the newest ``size``, each for ``seconds``, in front of the shared
    cache's ``namespace`` (if given): for values under a key that says exactly what they were made
    from (a page of search results, by the state of the index), asked for so often that even a trip
    to Redis counts, yet worth sharing, so that one worker's work saves the others theirs."""

    def __init__(self, size: int, seconds: float, namespace: str | None = None):
        self.size, self.seconds, self.namespace = size, seconds, namespace
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        _kept.append(self)

    def remember(self, key, compute: Callable[[], T]) -> T:
        if not has_app_context() or not current_app.config.get("CACHE_ENABLED", True):
            return compute()
        now = time.monotonic()
        with self._lock:
            found = self._values.get(key)
            if found is not None and found[0] > now:
                self._values.move_to_end(key)
                return found[1]
        value = remember(self.namespace, key, compute, timeout=int(self.seconds)) if self.namespace else compute()
        with self._lock:
            self._values[key] = (now + self.seconds, value)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_kept: list[Kept] = []
