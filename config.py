"""Settings from environment variables, one class per environment.

`APP_ENV` picks the class: ``development`` (the default, safe for a laptop),
``production`` (refuses to start without a real SECRET_KEY) or ``testing``.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", ROOT / "instance"))

DEV_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"


def _list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _seconds(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
    # Every link in an email is built on this, never on the Host a request claims (a forged Host
    # would otherwise put a reset token into a link to someone else's site).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    # Requests for any other host are refused with a 400 (Flask checks request.host against these).
    TRUSTED_HOSTS = _list("TRUSTED_HOSTS", "127.0.0.1,localhost")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'supportmarket.db'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}  # engine_options() below adds the timeouts
    # A database that cannot be reached is given up on well inside gunicorn's 30 s worker timeout, and
    # the page answers 503 (marketplace/errors.py). PostgreSQL only, except the busy wait (SQLite's).
    DATABASE_CONNECT_TIMEOUT = _seconds("DATABASE_CONNECT_TIMEOUT", 5)  # per connection attempt (psycopg: at least 2)
    DATABASE_STATEMENT_TIMEOUT = _seconds("DATABASE_STATEMENT_TIMEOUT", 15)  # the server cancels longer statements; 0: none
    DATABASE_TCP_USER_TIMEOUT = _seconds("DATABASE_TCP_USER_TIMEOUT", 10)  # sent data left unacknowledged (a blackhole)
    DATABASE_KEEPALIVES_IDLE = _seconds("DATABASE_KEEPALIVES_IDLE", 5)  # silence before TCP probes (every 2 s, 3 times)
    DATABASE_BUSY_TIMEOUT = _seconds("DATABASE_BUSY_TIMEOUT", 5)  # SQLite: waiting for another writer's lock
    UNAVAILABLE_RETRY_AFTER = int(_seconds("UNAVAILABLE_RETRY_AFTER", 30))  # the 503's Retry-After, in seconds
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR") or str(INSTANCE_DIR / "search-index")
    SEARCH_SYNC_INTERVAL = int(os.environ.get("SEARCH_SYNC_INTERVAL", "3"))  # seconds between a worker's change-log checks
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")  # whoosh (an index per node) or postgres (shared)
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    # Redis is optional at run time: when it cannot be reached, Flask-Limiter counts in this worker's
    # memory instead, logs "Rate limit storage unreachable - falling back to in-memory storage", and
    # goes back to Redis once it answers (it asks again after 1, 2, 4 ... 32 seconds).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = _bool("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    REDIS_CONNECT_TIMEOUT = _seconds("REDIS_CONNECT_TIMEOUT", 1)  # redis-py would wait 5 s
    REDIS_SOCKET_TIMEOUT = _seconds("REDIS_SOCKET_TIMEOUT", 1)  # for an answer, once connected
    RATELIMIT_HEADERS_ENABLED = True
    # Said, not left to Flask-Limiter: its one Limiter takes an app's unset RATELIMIT_ENABLED from the
    # last app it served, so an app made with limits off (a test's) would turn them off for the next.
    RATELIMIT_ENABLED = True
    # Wrong passwords only (see marketplace/auth/throttle.py): per browser that has signed in to the
    # account before, else per email and network address; per email from browsers never used for it;
    # per network address across every account (a council office shares one).
    SIGNIN_RATE_LIMIT = os.environ.get("SIGNIN_RATE_LIMIT", "10 per 5 minutes")
    SIGNIN_ACCOUNT_LIMIT = os.environ.get("SIGNIN_ACCOUNT_LIMIT", "50 per hour")
    SIGNIN_ADDRESS_LIMIT = os.environ.get("SIGNIN_ADDRESS_LIMIT", "200 per 5 minutes")
    PASSWORD_CHECK_LIMIT = os.environ.get("PASSWORD_CHECK_LIMIT", "10 per hour")  # the current password on the account page
    # Anonymous forms and search, per network address (generous: a council office shares one).
    SEARCH_RATE_LIMIT = os.environ.get("SEARCH_RATE_LIMIT", "300 per minute")
    PUBLIC_FORM_RATE_LIMIT = os.environ.get("PUBLIC_FORM_RATE_LIMIT", "20 per hour")
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per 15 minutes")

    # Mail: "console" writes messages to the log (and keeps them in memory for the
    # developer outbox); "smtp" sends them through MAIL_SERVER.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Support Market <no-reply@support-market.local>")
    MAIL_RETRY_INTERVAL = int(os.environ.get("MAIL_RETRY_INTERVAL", "60"))  # seconds between a worker's checks for due email
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))  # then an email is given up, and logged

    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")  # e.g. a localstripe URL in tests

    PASSWORD_RESET_MAX_AGE_SECONDS = 60 * 60
    INVITATION_MAX_AGE_SECONDS = 14 * 24 * 60 * 60
    # argon2id cost; lowered in tests only.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    RECEIPT_MAX_BYTES = 5 * 1024 * 1024  # a receipt photo or PDF (marketplace.spending.uploads)
    PROXY_FIX = _bool("PROXY_FIX")
    # Running past one machine (marketplace/ops.py, docs/deployment.md): logs as text here, JSON lines in
    # production; /readyz gives each check this long; report queries may go to a read replica.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    READINESS_TIMEOUT = _seconds("READINESS_TIMEOUT", 2)
    REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL") or None  # None: the reports read the main database
    REPORTS_CACHE_SECONDS = int(_seconds("REPORTS_CACHE_SECONDS", 300))  # a report's figures, unless a change comes first


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = 63072000  # two years: browsers only ever use https here
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")  # one JSON object a line, for the log collector
    # In production the trusted hosts default to the public URL's own host.
    TRUSTED_HOSTS = _list("TRUSTED_HOSTS", urlsplit(os.environ.get("PUBLIC_BASE_URL", "")).hostname or "")

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that would be unsafe with real people's data and money."""
        problems = []
        key = os.environ.get("SECRET_KEY") or ""
        if key == DEV_SECRET_KEY or len(key) < 32 or len(set(key)) < 10:
            problems.append("SECRET_KEY must be a long random value (at least 32 characters), e.g. "
                            "python3 -c 'import secrets; print(secrets.token_hex(32))'")
        base = urlsplit(os.environ.get("PUBLIC_BASE_URL", ""))
        if base.scheme != "https" or not base.hostname or base.path not in ("", "/"):
            problems.append("PUBLIC_BASE_URL must be the site's https address, like https://market.example.org")
        if problems:
            raise RuntimeError("Support Market will not start in production: " + "; ".join(problems) + ".")


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    PUBLIC_BASE_URL = "http://localhost"
    TRUSTED_HOSTS = ["localhost", "127.0.0.1"]
    WTF_CSRF_ENABLED = True
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    RATELIMIT_STORAGE_URI = "memory://"
    SIGNIN_RATE_LIMIT = "5 per minute"
    SIGNIN_ACCOUNT_LIMIT = "8 per minute"
    SIGNIN_ADDRESS_LIMIT = "12 per minute"
    PASSWORD_CHECK_LIMIT = "3 per minute"
    SEARCH_RATE_LIMIT = "30 per minute"
    PUBLIC_FORM_RATE_LIMIT = "3 per minute"
    PASSWORD_RESET_RATE_LIMIT = "3 per minute"


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def engine_options(uri: str, config) -> dict:
    """SQLAlchemy's engine options for this database: the ones given (SQLALCHEMY_ENGINE_OPTIONS,
    which win) with pool_pre_ping (a connection the database dropped is replaced, so the app recovers
    without a restart) and the timeouts above, so no request waits for the database longer than
    gunicorn lets a worker live. PostgreSQL gets libpq's connect_timeout, tcp_user_timeout and
    keepalives, and a statement_timeout the server enforces; SQLite its busy timeout."""
    options = {"pool_pre_ping": True, **(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})}
    given = dict(options.get("connect_args") or {})
    if uri.startswith("postgresql"):
        defaults = {
            "connect_timeout": max(2, round(config["DATABASE_CONNECT_TIMEOUT"])),
            "tcp_user_timeout": round(config["DATABASE_TCP_USER_TIMEOUT"] * 1000),
            "keepalives": 1,
            "keepalives_idle": max(1, round(config["DATABASE_KEEPALIVES_IDLE"])),
            "keepalives_interval": 2,
            "keepalives_count": 3,
        }
        # Server settings ride in libpq's "options": ours first, then any in the URL (?options=...), then
        # any given, so theirs win. connect_args replace the URL's own, so the URL's are carried over here.
        server = f"-c statement_timeout={round(config['DATABASE_STATEMENT_TIMEOUT'] * 1000)}"
        in_url = make_url(uri).query.get("options")
        in_url = " ".join(in_url) if isinstance(in_url, tuple) else in_url
        options["connect_args"] = {**defaults, **given,
                                   "options": " ".join(filter(None, [server, in_url, given.get("options")]))}
    elif uri.startswith("sqlite"):
        options["connect_args"] = {"timeout": config["DATABASE_BUSY_TIMEOUT"], **given}
    return options


def redis_options(config) -> dict:
    """Keyword arguments for any Redis client the app makes (the rate limits' storage today): a
    Redis that is down or hung is given up on within about a second, without retrying, so the
    caller falls back at once instead of holding the request (redis-py would wait 5 s, and retry)."""
    return {"socket_connect_timeout": config["REDIS_CONNECT_TIMEOUT"], "socket_timeout": config["REDIS_SOCKET_TIMEOUT"],
            "retry": Retry(NoBackoff(), 0)}


def config_for(name: str | None = None) -> type[Config]:
    name = (name or os.environ.get("APP_ENV") or "development").lower()
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
    if hasattr(cls, "check"):
        cls.check()
    return cls
