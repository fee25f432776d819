"""Domain errors, and the one place that turns errors into pages or JSON."""
from __future__ import annotations

from flask import Response, current_app, jsonify, render_template, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, SecurityError

from .extensions import db


class DomainError(Exception):
    """A rule of the domain said no. The message is shown to the person, so keep it plain."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The authorisation policy refused."""

    status_code = 403


class InvalidTransition(DomainError):
    """A state machine was asked for a change its transition table does not allow."""

    status_code = 409

    def __init__(self, thing: str, current: str, wanted: str):
        super().__init__(f"This {thing} is {current.replace('_', ' ')} and cannot be made {wanted.replace('_', ' ')}.")
        self.current = current
        self.wanted = wanted


def error_response(status: int, message: str):
    """The one JSON error shape."""
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    return response


_TITLES = {
    400: "There is a problem with your request",
    401: "You need to sign in",
    403: "You cannot see this page",
    404: "Page not found",
    405: "That action is not allowed here",
    409: "That cannot be done now",
    413: "That file is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(status: int, message: str | None = None):
    if _wants_json():
        return error_response(status, message or _TITLES.get(status, "Error"))
    try:  # the page's header asks the database who is signed in
        page = render_template("errors/error.html", status=status, title=_TITLES.get(status, "Error"), message=message)
    except sa_exc.SQLAlchemyError as error:
        if not database_unavailable(error):
            raise
        return unavailable(error)
    return page, status


# PostgreSQL's SQLSTATE classes for "not now" rather than "wrong": 08 connection exception, 53
# insufficient resources (too many connections), 57 operator intervention (shutting down, starting
# up, cancelled by the statement timeout). SQLite's: the file cannot be opened, another writer held
# the lock past the busy timeout, the disk failed or is full.
_UNAVAILABLE_SQLSTATES = ("08", "53", "57")
_UNAVAILABLE_SQLITE = ("SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_FULL")


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` means the database cannot be reached or answer just now (try again
    later: a 503), rather than a fault in the code or the data (a 500)."""
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection came free in time
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, sa_exc.OperationalError):
        return False
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate:
        return sqlstate[:2] in _UNAVAILABLE_SQLSTATES
    sqlite_error = getattr(error.orig, "sqlite_errorname", None)
    if sqlite_error:
        return sqlite_error.startswith(_UNAVAILABLE_SQLITE)
    return True  # psycopg's "connection failed", "server closed the connection": no SQLSTATE


def unavailable(error: BaseException):
    """503 with Retry-After: the database cannot be reached. The page is rendered straight from
    the template, without the context processors (the council, the unread count) and without
    base.html (who is signed in), since all of those need the database."""
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:
        pass  # the connection is already gone; the pool replaces it
    cause = getattr(error, "orig", None) or error
    first_line = (str(cause).strip().splitlines() or [""])[0]
    current_app.logger.warning("Database unavailable: 503 for %s %s (%s: %s)", request.method, request.path,
                               type(cause).__name__, first_line)
    if _wants_json():
        response = error_response(503, "Sorry, the service is unavailable. Try again in a few minutes.")
    else:
        page = current_app.jinja_env.get_template("errors/unavailable.html")
        response = Response(page.render(sent_a_form=request.method not in ("GET", "HEAD", "OPTIONS")),
                            status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(current_app.config.get("UNAVAILABLE_RETRY_AFTER", 30))
    # Never cached; and it spares web._security_headers asking the database who is signed in.
    response.headers["Cache-Control"] = "no-store"
    return response


def _forget_the_session() -> None:
    """Roll back whatever the request left; a session that failed after its commit (in a commit
    hook) cannot roll back, so it is discarded instead."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001
        db.session.remove()


def init_app(app) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        db.session.rollback()
        return render_error(error.status_code, error.message)

    @app.errorhandler(SecurityError)
    def _untrusted_host(_error: SecurityError):
        """A request for a host the site does not answer to: no page is built for it (its links
        would name that host), only a plain refusal."""
        return Response("This site does not answer to that address.", status=400, mimetype="text/plain")

    @app.errorhandler(sa_exc.DBAPIError)
    @app.errorhandler(sa_exc.TimeoutError)
    def _database(error: sa_exc.SQLAlchemyError):
        """Wherever it happens: a view, a before_request hook, a context processor, or Flask-Login
        loading the signed-in person."""
        if database_unavailable(error):
            return unavailable(error)
        return _unexpected(error)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if database_unavailable(getattr(error, "original_exception", None)):
            return unavailable(error.original_exception)  # it escaped an after_request hook or an error handler
        message = None
        if error.code == 429:
            message = (
                "You have tried too many times in a short while. For your security, please wait a few "
                "minutes and try again. If you are locked out, contact your council."
            )
        elif error.code in (403, 400) and error.description and not error.description.startswith("You don't"):
            message = error.description
        return render_error(error.code or 500, message)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        _forget_the_session()
        app.logger.exception("Unhandled error")
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_error(500)
