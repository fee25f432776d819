"""Issue 11, the database going away: a page that cannot reach the database answers 503 with
Retry-After and a page that itself needs no database, for anyone signed in or not, wherever the
failure happens (a view, Flask-Login loading the person, a context processor, a before_request or
after_request hook, an error page); connect and statement timeouts keep a worker from waiting on a
database for longer than gunicorn lets it live; and the app recovers when the database is back,
without a restart.

The PostgreSQL tests put a small TCP proxy (tests/faults/proxy.py) between the app and the test
database, and cut it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import make_url, text

from marketplace.app import create_app
from marketplace.errors import database_unavailable
from marketplace.extensions import db

from ..conftest import TEST_DATABASE_URL, is_postgres, make_app
from ..factories import PASSWORD
from ..helpers import Browser, page_text
from .proxy import Proxy

ROOT = Path(__file__).resolve().parents[2]
SORRY = "Sorry, the service is unavailable Try again in a few minutes."
NOT_SAVED = "What you sent on the last page may not have been saved."
postgres_only = pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://...")


def _unopenable(tmp_path, **overrides):
    """An app whose SQLite file is in a directory that does not exist: every query fails."""
    missing = types.SimpleNamespace(url=f"sqlite:///{tmp_path / 'no-such-directory' / 'market.db'}", engine_options={})
    return make_app(missing, tmp_path, **overrides)


def _signed_in_client(app):
    """A browser whose session says someone is signed in: Flask-Login will ask the database who."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["sid"] = "a-sign-in-session-token"
    return client


def _assert_unavailable_page(response):
    assert response.status_code == 503, page_text(response)[:300]
    # 30 s; on a rate-limited page Flask-Limiter keeps the later of that and the limit's reset, in
    # whole seconds from now (so 30 s can come out as 29)
    assert int(response.headers["Retry-After"]) >= 29
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/html"
    text_ = page_text(response)
    assert text_.startswith("Sorry, the service is unavailable – Support Market")
    assert SORRY in text_ and "Support Market" in text_
    assert "govuk-frontend.min.css" in response.get_data(as_text=True)


def test_a_database_that_cannot_be_opened_gives_503_and_a_page_that_renders(tmp_path, caplog):
    app = _unopenable(tmp_path)
    anonymous, signed_in = app.test_client(), _signed_in_client(app)
    _assert_unavailable_page(anonymous.get("/catalogue?q=garden"))  # the view's own query
    for url in ("/", "/account", "/pages/accessibility", "/no-such-page"):
        # Flask-Login's user_loader: in login_required, in the home page, in the council context
        # processor of a page that needs nothing else, and in the 404 page.
        response = signed_in.get(url)
        _assert_unavailable_page(response)
        assert response.headers["Retry-After"] == "30"
        assert NOT_SAVED not in page_text(response)
    assert "Database unavailable: 503 for GET /no-such-page (OperationalError: unable to open database file)" in caplog.text
    assert anonymous.get("/pages/accessibility").status_code == 200  # a page that needs no database still works


def test_a_form_sent_while_the_database_is_down_says_it_may_not_have_been_saved(tmp_path):
    app = _unopenable(tmp_path)
    browser = Browser(app.test_client())
    response = browser.submit("/sign-in", {"email": "sam@example.com", "password": PASSWORD})  # in the limiter's before_request
    _assert_unavailable_page(response)
    assert NOT_SAVED in page_text(response)


def test_a_json_request_gets_the_one_error_shape_with_503(tmp_path):
    response = _signed_in_client(_unopenable(tmp_path)).get("/", headers={"Accept": "application/json"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.get_json() == {"error": {"status": 503, "message": "Sorry, the service is unavailable. Try again in a few minutes."}}


def test_as_production_runs_no_handler_turns_it_into_a_500(tmp_path):
    """Errors not propagated (TESTING off), including one raised by an after_request hook, which
    Flask hands to the 500 handler."""
    app = create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'no-such-directory' / 'market.db'}",
                      "SEARCH_INDEX_DIR": str(tmp_path / "index"), "SERVER_NAME": "localhost"}, env="testing")

    @app.after_request
    def _asks_the_database(response):
        db.session.execute(text("SELECT 1"))
        return response

    assert not app.testing
    for client, url in ((app.test_client(), "/pages/accessibility"), (_signed_in_client(app), "/"), (_signed_in_client(app), "/no-such-page")):
        _assert_unavailable_page(client.get(url))


def test_an_error_that_is_not_about_reaching_the_database_is_still_a_500(tmp_path):
    app = _unopenable(tmp_path, PROPAGATE_TEST_ERRORS=False)

    @app.get("/broken")
    def _broken():
        db.session.execute(text("SELECT * FROM no_such_table"))

    (tmp_path / "no-such-directory").mkdir()
    response = app.test_client().get("/broken")
    assert response.status_code == 500 and "Retry-After" not in response.headers


# PostgreSQL, through a proxy the test cuts.

@pytest.fixture
def proxied(app, database, tmp_path):
    """(an app whose database connection runs through a proxy, the proxy), on the test run's
    migrated schema. The connect timeout is psycopg's least, 2 s, to keep the test short."""
    target = make_url(TEST_DATABASE_URL)
    proxy = Proxy(target.host or "127.0.0.1", target.port or 5432)
    through = types.SimpleNamespace(url=target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
                                    engine_options=database.engine_options)
    market = make_app(through, tmp_path, DATABASE_CONNECT_TIMEOUT=2)
    yield market, proxy
    proxy.close()
    with market.app_context():
        db.engine.dispose()


def _pages(market, make):
    make.user(email="sam@example.com")
    person = Browser(market.test_client())
    person.sign_in("sam@example.com", PASSWORD)
    anonymous = market.test_client()
    return [(anonymous, "/catalogue?q=garden"), (person.client, "/"), (person.client, "/account"),
            (person.client, "/pages/accessibility")]


@postgres_only
def test_a_cut_database_gives_503_and_the_app_recovers_without_a_restart(proxied, make, caplog):
    market, proxy = proxied
    pages = _pages(market, make)
    for client, url in pages:
        assert client.get(url).status_code == 200, url

    proxy.cut("refuse")
    for client, url in pages:
        started = time.monotonic()
        _assert_unavailable_page(client.get(url))
        assert time.monotonic() - started < 2, f"{url}: a refused connection is a 503 at once"
    assert "Database unavailable: 503 for GET /account" in caplog.text

    proxy.restore()
    for client, url in pages:
        assert client.get(url).status_code == 200, url


def _within(seconds: float, request):
    """The request's response, failing (not hanging the run) if it takes longer than ``seconds``."""
    answer = []
    worker = threading.Thread(target=lambda: answer.append(request()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert answer, f"no answer within {seconds}s: the worker would wait until gunicorn kills it"
    return answer[0]


@postgres_only
def test_a_hung_database_gives_503_within_the_connect_timeout_and_recovers(proxied, make):
    """The proxy accepts connections and never answers, as a hung or blackholed server does."""
    market, proxy = proxied
    pages = _pages(market, make)
    proxy.cut("hang")
    for client, url in pages[:2]:
        started = time.monotonic()
        _assert_unavailable_page(_within(10, lambda: client.get(url)))
        elapsed = time.monotonic() - started
        assert elapsed < 4, f"{url}: {elapsed:.1f}s to give up on a hung database (connect timeout 2 s)"

    proxy.restore()
    for client, url in pages:
        assert client.get(url).status_code == 200, url


@postgres_only
def test_postgresql_connections_have_a_statement_timeout_and_give_up_on_a_silent_network(app):
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "15s"
            parameters = connection.connection.dbapi_connection.info.get_parameters()
    assert parameters["connect_timeout"] == "5"
    assert parameters["tcp_user_timeout"] == "10000"
    assert (parameters["keepalives"], parameters["keepalives_idle"]) == ("1", "5")
    assert "search_path" in parameters["options"], "the test schema's own options are kept"


@postgres_only
def test_a_statement_past_the_timeout_is_cancelled_and_counts_as_unavailable(database, tmp_path):
    market = make_app(database, tmp_path, DATABASE_STATEMENT_TIMEOUT=0.5)
    with market.app_context():
        with pytest.raises(sa_exc.OperationalError) as cancelled:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT pg_sleep(3)"))
        db.engine.dispose()
    assert cancelled.value.orig.sqlstate == "57014"  # query_canceled
    assert database_unavailable(cancelled.value)


def test_each_timeout_is_a_setting_from_the_environment():
    """The settings module as a fresh process reads it, with every timeout given in the environment."""
    given = {"DATABASE_CONNECT_TIMEOUT": "3", "DATABASE_STATEMENT_TIMEOUT": "20", "DATABASE_TCP_USER_TIMEOUT": "12",
             "DATABASE_KEEPALIVES_IDLE": "7", "DATABASE_BUSY_TIMEOUT": "9",
             "REDIS_CONNECT_TIMEOUT": "0.5", "REDIS_SOCKET_TIMEOUT": "0.7", "UNAVAILABLE_RETRY_AFTER": "45"}
    program = ("import json, config; c = vars(config.Config); r = config.redis_options(c); print(json.dumps({"
               "'postgres': config.engine_options('postgresql+psycopg://db/market', c), "
               "'sqlite': config.engine_options('sqlite:///market.db', c), "
               "'redis': [r['socket_connect_timeout'], r['socket_timeout']], 'retry_after': c['UNAVAILABLE_RETRY_AFTER']}))")
    found = json.loads(subprocess.run([sys.executable, "-c", program], cwd=ROOT, env={**os.environ, **given},
                                      capture_output=True, text=True, check=True).stdout)
    postgres = found["postgres"]
    assert postgres["pool_pre_ping"]
    assert {key: postgres["connect_args"][key] for key in ("connect_timeout", "tcp_user_timeout", "keepalives_idle")} == \
        {"connect_timeout": 3, "tcp_user_timeout": 12000, "keepalives_idle": 7}
    assert postgres["connect_args"]["options"] == "-c statement_timeout=20000"
    assert found["sqlite"] == {"pool_pre_ping": True, "connect_args": {"timeout": 9.0}}
    assert found["redis"] == [0.5, 0.7] and found["retry_after"] == 45
