"""Issue 11, a dead Redis: with REDIS_URL set and Redis down (a closed port) or hung (a port that
accepts and never answers), people still sign in and reset their password, wrong passwords still
count (in this worker's memory), the fallback is logged, and Redis is used again once it answers.
Against the real Redis, the limits are kept there.

The TestingConfig limits apply: 5 wrong passwords a minute per email and address, 3 reset requests
a minute per address.
"""
from __future__ import annotations

import logging
import os
import time
import uuid

import pytest
import redis

from marketplace import mail

from ..conftest import make_app
from ..factories import PASSWORD
from ..helpers import Browser, page_text
from .proxy import Proxy, free_port

REAL_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
FALLBACK = "Rate limit storage unreachable - falling back to in-memory storage"
WRONG = "not my password"


def _app(database, tmp_path, redis_url: str, key_prefix: str = "test"):
    """The app as production runs it with REDIS_URL set (TestingConfig itself keeps limits in memory)."""
    return make_app(database, tmp_path, RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=key_prefix)


def _sign_in(browser, email, password):
    return browser.submit("/sign-in", {"email": email, "password": password}, environ_base={"REMOTE_ADDR": "198.51.100.7"})


def _real_redis() -> redis.Redis:
    """The Redis at TEST_REDIS_URL; skipped when none answers, except in CI, where it must."""
    client = redis.Redis.from_url(REAL_REDIS, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs with a Redis at {REAL_REDIS}, and it does not answer: {error}")
        pytest.skip(f"no Redis answers at {REAL_REDIS} ({error}); set TEST_REDIS_URL, or CI=true to make this a failure")
    return client


def test_a_person_signs_in_with_redis_down_and_the_fallback_is_logged(app, database, make, tmp_path, caplog):
    market = _app(database, tmp_path, f"redis://127.0.0.1:{free_port()}/0")
    make.user(email="sam@example.com")
    browser = Browser(market.test_client())
    started = time.monotonic()
    response = _sign_in(browser, "sam@example.com", PASSWORD)
    elapsed = time.monotonic() - started
    assert response.status_code == 302, page_text(response)[:300]
    assert elapsed < 2, f"a sign-in with Redis refusing connections took {elapsed:.2f}s"
    assert FALLBACK in caplog.text
    assert browser.get("/account").status_code == 200


def test_wrong_passwords_still_count_with_redis_down(app, database, make, tmp_path):
    market = _app(database, tmp_path, f"redis://127.0.0.1:{free_port()}/0")
    make.user(email="sam@example.com")
    browser = Browser(market.test_client())
    for _ in range(5):
        assert _sign_in(browser, "sam@example.com", WRONG).status_code == 401
    assert _sign_in(browser, "sam@example.com", PASSWORD).status_code == 429


def test_a_password_reset_can_be_asked_for_with_redis_down_and_is_still_limited(app, database, make, tmp_path):
    market = _app(database, tmp_path, f"redis://127.0.0.1:{free_port()}/0")
    make.user(email="sam@example.com")
    browser = Browser(market.test_client())
    response = browser.submit("/forgot-password", {"email": "sam@example.com"})
    assert response.status_code == 200 and "Check your email" in page_text(response)
    with market.app_context():
        assert len(mail.outbox()) == 1
    for _ in range(2):
        assert browser.submit("/forgot-password", {"email": "kim@example.com"}).status_code == 200
    assert browser.submit("/forgot-password", {"email": "kim@example.com"}).status_code == 429


def test_a_hung_redis_is_given_up_on_within_about_a_second(app, database, make, tmp_path, caplog):
    """A Redis that accepts connections and never answers (redis-py alone would wait 5 s, then fail the page)."""
    hung = Proxy("127.0.0.1", free_port())
    hung.cut("hang")
    try:
        market = _app(database, tmp_path, f"redis://127.0.0.1:{hung.port}/0")
        make.user(email="sam@example.com")
        browser = Browser(market.test_client())
        started = time.monotonic()
        response = _sign_in(browser, "sam@example.com", PASSWORD)
        first = time.monotonic() - started
        assert response.status_code == 302
        assert FALLBACK in caplog.text
        # One second for the attempt that fails, one for the limiter's immediate check whether Redis is back.
        assert first < 3.5, f"the first sign-in with Redis hung took {first:.2f}s"
        started = time.monotonic()
        assert _sign_in(Browser(market.test_client()), "sam@example.com", PASSWORD).status_code == 302
        assert time.monotonic() - started < 1, "later requests do not wait for Redis"
    finally:
        hung.close()


def test_limits_are_kept_in_redis_when_it_answers(app, database, make, tmp_path, caplog):
    client = _real_redis()
    prefix = f"test-{uuid.uuid4().hex[:12]}"  # this test's keys alone, whoever else uses this Redis
    market = _app(database, tmp_path, REAL_REDIS, prefix)
    make.user(email="sam@example.com")
    browser = Browser(market.test_client())
    try:
        for _ in range(5):
            assert _sign_in(browser, "sam@example.com", WRONG).status_code == 401
        assert _sign_in(browser, "sam@example.com", PASSWORD).status_code == 429
        counts = {key.decode(): int(client.get(key)) for key in client.scan_iter(f"*{prefix}*")}
        assert len(counts) == 3 and set(counts.values()) == {5}, counts  # per email and address, per email, per address
        assert FALLBACK not in caplog.text
    finally:
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


def test_limits_go_back_to_redis_when_it_answers_again(app, database, make, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="flask-limiter")
    client = _real_redis()
    where = client.connection_pool.connection_kwargs
    proxy = Proxy(where["host"], where["port"])
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    try:
        market = _app(database, tmp_path, f"redis://127.0.0.1:{proxy.port}/{where['db']}", prefix)
        make.user(email="sam@example.com")
        browser = Browser(market.test_client())
        proxy.cut("refuse")
        assert _sign_in(browser, "sam@example.com", WRONG).status_code == 401
        assert FALLBACK in caplog.text and not list(client.scan_iter(f"*{prefix}*"))

        proxy.restore()
        deadline = time.monotonic() + 40  # the limiter asks again after 1, 2, 4 ... 32 seconds
        while "Rate limit storage recovered" not in caplog.text and time.monotonic() < deadline:
            assert market.test_client().get("/pages/accessibility").status_code == 200
            time.sleep(0.2)
        assert "Rate limit storage recovered" in caplog.text
        assert _sign_in(browser, "sam@example.com", WRONG).status_code == 401
        assert list(client.scan_iter(f"*{prefix}*")), "the wrong password was counted in Redis again"
    finally:
        proxy.close()
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
