"""gunicorn settings for Support Market: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be changed from the environment without editing this file (docs/deployment.md).

- Workers: 2 x cores + 1 (gunicorn's own advice; 5 on a 2-core machine), or ``WEB_CONCURRENCY``. Each
  worker runs ``GUNICORN_THREADS`` threads (gthread, 1 by default: a worker's Whoosh searcher is shared
  by its requests, and Whoosh's readers are not safe across threads — the load test saw one search in a
  few hundred fail with zlib and unpickling errors at 2 threads; raise it only with SEARCH_BACKEND=postgres). Each worker has its own SQLAlchemy pool (5 connections, 10 overflow): workers x
  nodes x 15 must stay under PostgreSQL's max_connections (or put PgBouncer in front).
- Timeouts: a worker silent for 30 s is replaced (config.py keeps every database and Redis wait well
  inside that); on a restart or deploy, requests in flight get 30 s to finish. Keep-alive 75 s, longer
  than a load balancer's usual 60 s idle timeout, so the balancer closes idle connections first (the
  other way round gives it 502s on a connection gunicorn just closed).
- Not preloaded (``GUNICORN_PRELOAD=1`` turns it on): each worker builds its own app, so no database
  connection, Whoosh index or Redis client is ever shared across the fork. When preloaded, each worker
  disposes the engines it inherited (post_fork), as SQLAlchemy advises; the search index and the reports'
  engine are opened lazily, in the worker, either way.
- Logs: the app writes one access line per request itself (with the request id and the user's id:
  marketplace/ops.py), so gunicorn's own access log is off unless ``GUNICORN_ACCESS_LOG`` names a file
  or ``-``; gunicorn's error log uses the app's format (JSON in production).
"""
from __future__ import annotations

import multiprocessing
import os

import config as app_config

_env = (os.environ.get("APP_ENV") or "development").lower()
_log_format = app_config.CONFIGS.get(_env, app_config.Config).LOG_FORMAT

bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 75)
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 2000)  # a slow leak never grows for ever
max_requests_jitter = max_requests // 10  # so workers do not all restart at once
preload_app = os.environ.get("GUNICORN_PRELOAD", "").strip().lower() in {"1", "true", "yes", "on"}
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "support-market"
# gunicorn 23+'s control socket sits at one path per user ($HOME/.gunicorn): two servers on a machine would
# fight over it. Off unless GUNICORN_CONTROL_SOCKET names a path for this server.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "marketplace.ops.RequestIdFilter"}},
    "formatters": {"app": {"()": "marketplace.ops.JsonFormatter"} if _log_format == "json"
                   else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "app",
                            "filters": ["request_id"]}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
                # With a logging config gunicorn always writes access lines: silenced unless asked for.
                "gunicorn.access": {"level": "INFO" if accesslog else "WARNING", "handlers": ["stderr"], "propagate": False}},
}


def post_fork(server, worker):
    """When the app was loaded before the fork, drop the connections the parent opened (none are shared)."""
    if not preload_app:
        return
    from sqlalchemy.engine import Engine

    from marketplace.extensions import db
    from wsgi import app

    with app.app_context():
        for engine in list(db.engines.values()) + list(app.extensions.get("reports_engines", {}).values()):
            if isinstance(engine, Engine):
                engine.dispose(close=False)
