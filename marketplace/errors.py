"""Domain errors, and the one place that turns errors into pages or JSON."""
from __future__ import annotations

from flask import Response, jsonify, render_template, request
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
    return (
        render_template("errors/error.html", status=status, title=_TITLES.get(status, "Error"), message=message),
        status,
    )


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

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
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
        db.session.rollback()
        app.logger.exception("Unhandled error")
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        return render_error(500)
