"""The shared cache: a value is computed once until its namespace is bumped; against the real Redis a
bump on one app (node) is seen by another; with Redis down or hung, pages compute without it, quickly."""
from __future__ import annotations

import time
import uuid

from marketplace import caching

from .conftest import make_app
from .faults.proxy import free_port
from .faults.test_redis_optional import REAL_REDIS, _real_redis


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return {"count": len(calls)}
    return calls, compute


def test_a_value_is_computed_once_until_its_namespace_is_bumped(ctx):
    calls, compute = _counter()
    assert caching.remember("facets", ("aldermoor", "gardening"), compute) == {"count": 1}
    assert caching.remember("facets", ("aldermoor", "gardening"), compute) == {"count": 1}
    assert caching.remember("facets", ("birchley", "gardening"), compute) == {"count": 2}  # other parts, other entry
    caching.bump("reports")  # another namespace: nothing here changes
    assert caching.remember("facets", ("aldermoor", "gardening"), compute) == {"count": 1}
    caching.bump("facets")
    assert caching.remember("facets", ("aldermoor", "gardening"), compute) == {"count": 3}
    assert len(calls) == 3


def test_two_nodes_sharing_redis_see_each_others_bumps(database, tmp_path):
    _real_redis()
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    nodes = [make_app(database, tmp_path / str(n), CACHE_TYPE="RedisCache", CACHE_REDIS_URL=REAL_REDIS,
                      CACHE_KEY_PREFIX=prefix) for n in range(2)]
    calls, compute = _counter()
    with nodes[0].app_context():
        assert caching.remember("reports:1", ("spend",), compute) == {"count": 1}
    with nodes[1].app_context():
        assert caching.remember("reports:1", ("spend",), compute) == {"count": 1}  # the other node's entry
        caching.bump("reports:1")
    with nodes[0].app_context():
        assert caching.remember("reports:1", ("spend",), compute) == {"count": 2}
        caching.clear()


def test_with_redis_down_values_are_computed_without_it_and_quickly(database, tmp_path, caplog):
    node = make_app(database, tmp_path, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
                    CACHE_OPTIONS={"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
    calls, compute = _counter()
    caching._quiet_until = 0.0  # the warning is logged once a minute per process: let this test see it
    with node.app_context():
        started = time.monotonic()
        assert caching.remember("facets", ("x",), compute) == {"count": 1}
        caching.bump("facets")
        assert caching.remember("facets", ("x",), compute) == {"count": 2}
        assert time.monotonic() - started < 3
    assert "cache unreachable" in caplog.text
