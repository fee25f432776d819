"""Running the app among others: health and readiness for a load balancer, a request id on every log
line, JSON logs in production, and one access line per request.

- ``/healthz``: the process answers (200, no database, no Redis). For liveness: a failing database
  must never make a load balancer or supervisor restart healthy workers.
- ``/readyz``: the database answers ``SELECT 1`` and, when ``REDIS_URL`` is set, Redis answers PING,
  each within ``READINESS_TIMEOUT`` seconds: 200 with each check's result, else 503 naming the one that
  failed. Never a 500, never personal data. A separate reports database (``REPORTS_DATABASE_URL``) is
  checked and reported too but does not make the node unready: every node shares it and only the
  commissioners' reports need it, so taking every node out for it would stop the whole service.
- Both answer from the first ``before_request`` hook, before the rate limits and the hooks that may
  touch the database now and then (the search outbox catch-up, the email retry): a probe costs no
  query, no Redis call, and is never limited. They are GETs, exempt from CSRF.

Request ids: a well-formed ``X-Request-ID`` from the load balancer (1 to 128 letters, digits and
``._:-``; it only labels log lines, so trusting it costs nothing) is kept, else one is generated; it is
returned in the response's ``X-Request-ID`` and put on every log record of the request by
``RequestIdFilter``. The access line carries the method, the path without its query string (queries
hold postcodes and names), the status, the duration, the request id and the signed-in user's id, never
an email or a name. Probes that pass are logged at DEBUG, so a health check every few seconds does not
drown the log.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
import uuid
from datetime import datetime, timezone

import redis
from flask import Blueprint, Flask, current_app, g, has_request_context, jsonify, request
from sqlalchemy import text

from .extensions import csrf, db, limiter

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
PROBES = {"ops.healthz", "ops.readyz"}
access_log = logging.getLogger("marketplace.access")
# Engines /readyz reports on without failing for (name -> a function giving the engine, or None when not
# configured). Areas register theirs: the reports' replica (marketplace/reports/reading.py).
INFORMATIONAL: dict = {}
bp = Blueprint("ops", __name__)

# LogRecord's own attributes: anything else on a record came in through ``extra=`` and goes into the JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (``-`` outside a request). Attached to handlers,
    so records from every logger (the app's, SQLAlchemy's, gunicorn's) get it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, and any ``extra=`` fields.
    The standard library only: a log line must never need another package to be written."""

    def format(self, record: logging.LogRecord) -> str:
        data = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                "request_id": getattr(record, "request_id", "-")}
        data.update({key: value for key, value in vars(record).items() if key not in _STANDARD and not key.startswith("_")})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def formatter(kind: str) -> logging.Formatter:
    return JsonFormatter() if kind == "json" else logging.Formatter(TEXT_FORMAT)


def configure_logging(handlers, kind: str) -> None:
    """Give these handlers the request id filter and the format ``kind`` ("json" or "text")."""
    for handler in handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
        handler.setFormatter(formatter(kind))


def _request_id() -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if REQUEST_ID.match(given) else uuid.uuid4().hex


def _start() -> object | None:
    """The first hook of every request: its id and start time; a probe is answered here and now."""
    g.request_id = _request_id()
    g.request_started = time.perf_counter()
    if request.endpoint in PROBES:
        return current_app.view_functions[request.endpoint]()
    return None


def _finish(response):
    response.headers["X-Request-ID"] = g.get("request_id", "-")
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    user = g.get("_login_user")  # only if something loaded the person already: logging never costs a query
    fields = {"method": request.method, "path": request.path, "status": response.status_code, "duration_ms": duration,
              "user_id": user.get_id() if user is not None and getattr(user, "is_authenticated", False) else None}
    level = logging.DEBUG if request.endpoint in PROBES and response.status_code == 200 else logging.INFO
    access_log.log(level, "%s %s %s %sms", request.method, request.path, response.status_code, duration, extra=fields)
    return response


def _within(seconds: float, check) -> str:
    """"ok", or why not: ``check`` runs in a daemon thread so a hung connection cannot hold the probe
    longer than ``seconds`` (the thread itself ends at the engine's own timeouts)."""
    outcome = ["timed out"]

    def run():
        try:
            check()
            outcome[0] = "ok"
        except Exception as error:  # noqa: BLE001 -- any failure is "not ready", never a 500
            outcome[0] = f"failed: {type(error).__name__}"
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    return outcome[0]


def _select_one(engine):
    def check():
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    return check


def _ping(url: str, seconds: float):
    def check():
        client = redis.Redis.from_url(url, socket_connect_timeout=seconds, socket_timeout=seconds)
        try:
            client.ping()
        finally:
            client.close()
    return check


@bp.get("/healthz")
def healthz():
    """The process answers; nothing else is asked."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Ready for traffic: 200 when the database (and Redis, when configured) answer; 503 naming the failure."""
    seconds = float(current_app.config.get("READINESS_TIMEOUT", 2))
    checks = {"database": _within(seconds, _select_one(db.engine))}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _within(seconds, _ping(current_app.config["REDIS_URL"], seconds))
    ready = all(result == "ok" for result in checks.values())
    for name, engine in INFORMATIONAL.items():
        found = engine()
        if found is not None:
            checks[name] = _within(seconds, _select_one(found))
    response = jsonify({"status": "ok" if ready else "unavailable", "checks": checks})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """The probes, and the request id and access line around every request (first in, last out)."""
    limiter.exempt(bp)
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    # after_request hooks run last-registered first: first in the list, this one runs last and sees the final response.
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
    if not app.testing:
        kind = app.config.get("LOG_FORMAT") or "text"
        root = logging.getLogger()
        if not root.handlers:
            root.addHandler(logging.StreamHandler(sys.stderr))
        root.setLevel(logging.INFO)
        # Plain stream handlers only (basicConfig's, gunicorn's logconfig's, ours): a test runner's own
        # capturing handlers keep their format. gunicorn's error log writes through its own handlers.
        for name in ("", "gunicorn.error"):
            configure_logging([h for h in logging.getLogger(name).handlers if type(h) is logging.StreamHandler], kind)
