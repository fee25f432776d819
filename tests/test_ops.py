"""Running past one machine (issue 18): /healthz answers without the database, /readyz says 200 or 503
naming what failed (quickly, against a database and a Redis that refuse connections), every request has
an id that reaches its log records and the response, the access line keeps personal data out, and
gunicorn starts with gunicorn.conf.py and serves the probes."""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import event

from marketplace import ops
from marketplace.extensions import db

from .conftest import make_app
from .factories import PASSWORD
from .faults.proxy import free_port
from .faults.test_redis_optional import REAL_REDIS, _real_redis
from .helpers import Browser

ROOT = Path(__file__).resolve().parents[1]


def _queries(app) -> list[str]:
    found = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: found.append(args[2]))
    return found


def test_healthz_answers_without_asking_the_database(database, tmp_path):
    """Not even through the hooks that look at the database now and then (here: on every request)."""
    node = make_app(database, tmp_path, SEARCH_SYNC_INTERVAL=0, MAIL_RETRY_INTERVAL=0)
    queries = _queries(node)
    client = node.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert ops.REQUEST_ID.match(response.headers["X-Request-ID"])
    assert queries == []
    client.get("/pages/accessibility")
    assert queries != []  # the same hooks on a page: the count above is real


def test_healthz_answers_with_the_database_gone(database, tmp_path):
    gone = make_app(database, tmp_path, SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none",
                    SEARCH_SYNC_INTERVAL=0, MAIL_RETRY_INTERVAL=0)  # the hooks that look at the database now and then: every time
    assert gone.test_client().get("/healthz").status_code == 200


def test_readyz_says_the_database_answers(app, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok"}}


def test_readyz_is_503_quickly_naming_a_database_that_cannot_be_reached(database, tmp_path):
    gone = make_app(database, tmp_path, SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    started = time.monotonic()
    response = gone.test_client().get("/readyz")
    assert time.monotonic() - started < 2.5
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["checks"]["database"].startswith("failed")


def test_readyz_is_503_naming_redis_when_it_is_down(database, tmp_path):
    node = make_app(database, tmp_path, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    started = time.monotonic()
    response = node.test_client().get("/readyz")
    assert time.monotonic() - started < 2.5
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "redis": "failed: ConnectionError"}


def test_readyz_checks_the_real_redis_when_it_is_set(database, tmp_path):
    _real_redis()
    node = make_app(database, tmp_path, REDIS_URL=REAL_REDIS)
    response = node.test_client().get("/readyz")
    assert response.status_code == 200 and response.json["checks"] == {"database": "ok", "redis": "ok"}


def test_probes_are_never_rate_limited(app, database, tmp_path):
    """A tight search limit read from this app's own settings (RATELIMIT_DEFAULT would be kept by the one
    Limiter every app in the test process shares, and would limit every later test's app)."""
    # RATELIMIT_ENABLED given: the shared Limiter keeps the last app's setting as its default, and the
    # routes and hostile-input tests make theirs with limits off.
    node = make_app(database, tmp_path, SEARCH_RATE_LIMIT="2 per minute", RATELIMIT_ENABLED=True)
    client = node.test_client()
    assert [client.get(path).status_code for path in ["/healthz", "/readyz"] * 3] == [200] * 6
    assert [client.get("/catalogue?q=garden").status_code for _ in range(3)] == [200, 200, 429]  # the limit is real


def test_a_well_formed_request_id_is_kept_and_anything_else_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a:2"}).headers["X-Request-ID"] == "lb-7f3a:2"
    for given in ["", "x" * 129, "a b", "<script>", "id\u00e9"]:
        kept = client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"]
        assert kept != given and ops.REQUEST_ID.match(kept) and len(kept) == 32


def test_the_access_line_has_the_request_id_and_the_user_but_no_query_or_email(app, make, caplog):
    user = make.user(email="sam.private@example.com")
    browser = Browser(app.test_client())
    assert browser.submit("/sign-in", {"email": "sam.private@example.com", "password": PASSWORD}).status_code == 302
    caplog.handler.addFilter(ops.RequestIdFilter())
    caplog.set_level(logging.INFO, logger="marketplace.access")
    caplog.clear()  # the sign-in's own lines
    response = browser.get("/pages/accessibility?postcode=AB1+2CD&name=Sam", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 200
    lines = [r for r in caplog.records if r.name == "marketplace.access"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.method, line.path, line.status, line.user_id, line.request_id) == ("GET", "/pages/accessibility", 200,
                                                                                      str(user.id), "req-123")
    assert line.duration_ms >= 0
    written = ops.JsonFormatter().format(line)
    assert json.loads(written)["request_id"] == "req-123"
    assert "AB1" not in written and "Sam" not in written and "sam.private" not in written


def test_every_log_record_of_a_request_carries_its_id(database, tmp_path, caplog):
    app = make_app(database, tmp_path)

    @app.get("/_ops_test_logs")
    def _logs():
        logging.getLogger("marketplace.somewhere").warning("something worth knowing")
        return "ok"
    caplog.handler.addFilter(ops.RequestIdFilter())
    app.test_client().get("/_ops_test_logs", headers={"X-Request-ID": "abc.def"})
    found = [r for r in caplog.records if r.getMessage() == "something worth knowing"]
    assert [r.request_id for r in found] == ["abc.def"]
    outside = logging.LogRecord("x", logging.INFO, __file__, 1, "outside a request", (), None)
    ops.RequestIdFilter().filter(outside)
    assert json.loads(ops.JsonFormatter().format(outside))["request_id"] == "-"


def test_production_logs_json_and_the_others_text():
    import config

    assert config.ProductionConfig.LOG_FORMAT == os.environ.get("LOG_FORMAT", "json")
    assert config.DevelopmentConfig.LOG_FORMAT == config.TestingConfig.LOG_FORMAT == os.environ.get("LOG_FORMAT", "text")


def _get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status, json.loads(response.read())


def test_gunicorn_serves_the_probes_with_the_repositorys_settings(tmp_path):
    """One preloaded worker (the post_fork hook runs): /healthz answers, then a TERM stops it cleanly."""
    port = free_port()
    env = {**os.environ, "APP_ENV": "development", "PORT": str(port), "WEB_CONCURRENCY": "1", "GUNICORN_PRELOAD": "1",
           "LOG_FORMAT": "json", "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}", "INSTANCE_DIR": str(tmp_path)}
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, answer = time.monotonic() + 30, None  # importing the app takes ~2 s; more on a busy machine
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                answer = _get(f"http://127.0.0.1:{port}/healthz")
            except OSError:
                time.sleep(0.1)
        assert answer == (200, {"status": "ok"})
        assert _get(f"http://127.0.0.1:{port}/readyz")[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=15)[0].decode()
    assert server.returncode == 0, output
    first = output.splitlines()[0]
    assert json.loads(first)["logger"] == "gunicorn.error"  # gunicorn's own log in the app's JSON format
