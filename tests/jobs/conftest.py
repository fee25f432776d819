"""Jobs fixtures: Aldermoor with five budgets running through October 2026, the clock on 2 November,
and the real Redis (a queue of this run's own, emptied afterwards; skipped when no Redis answers,
except in CI, where it must)."""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone

import pytest
import redis
from rq import Queue

from marketplace import clock

REAL_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
AFTER_OCTOBER = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def _real_redis() -> redis.Redis:
    """The Redis at TEST_REDIS_URL; skipped when none answers, except in CI, where it must (as tests/faults)."""
    client = redis.Redis.from_url(REAL_REDIS, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs with a Redis at {REAL_REDIS}, and it does not answer: {error}")
        pytest.skip(f"no Redis answers at {REAL_REDIS} ({error}); set TEST_REDIS_URL, or CI=true to make this a failure")
    return client


@pytest.fixture
def no_redis(app, monkeypatch):
    """The embedded default: no Redis configured, so jobs run inline."""
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", None)
    monkeypatch.setitem(app.config, "REDIS_URL", None)


@pytest.fixture
def queue(app, monkeypatch):
    """The app's job queue on the real Redis, under a name of this test's own; retries without waiting."""
    client = _real_redis()
    name = f"test-jobs-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", REAL_REDIS)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", name)
    monkeypatch.setitem(app.config, "JOBS_RETRY_INTERVALS", [0, 0, 0])
    work = Queue(name, connection=client)
    yield work
    for registry in (work.failed_job_registry, work.finished_job_registry, work.scheduled_job_registry):
        for job_id in registry.get_job_ids():
            client.delete(f"rq:job:{job_id}", f"rq:results:{job_id}", f"rq:executions:{job_id}")
    work.delete(delete_jobs=True)
    for key in client.scan_iter(f"rq:*{name}*"):
        client.delete(key)


@pytest.fixture
def october(make):
    """Five budgets in Aldermoor, October over; returns (council, budgets, finance officer, administrator)."""
    council = make.council()
    finance = make.user("finance_officer", council)
    admin = make.user("administrator", council)
    budgets = [make.budget(make.holder(council), set_up_by=finance) for _ in range(5)]
    with clock.frozen(AFTER_OCTOBER):
        yield council, budgets, finance, admin
