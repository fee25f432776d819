"""What every page needs: the signed-in user, the council whose view they are in, the one way a
view loads an object and asks the policy, template helpers, and security headers.

It imports no domain area's services, so every area's views can use it.
"""
from __future__ import annotations

import re
from typing import Callable

from flask import Request, abort, current_app, g, request, session
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from . import policy, states
from .accounts import sessions
from .accounts.models import User
from .clock import LONDON
from .councils.models import Council
from .errors import DomainError
from .extensions import db, login_manager
from .money import format_pence


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """The signed-in person, only while this browser's sign-in session stands (see accounts.sessions)."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    if not 0 < user_id < 2**31 or not sessions.is_live(user_id):
        return None
    return db.session.get(User, user_id)


login_manager.login_view = "accounts.sign_in"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"


def load(model, object_id: int, action: str, via: Callable[[object], object] | None = None):
    """The object of ``model`` with this id, if the policy lets the signed-in person do ``action``
    to it (or to ``via(obj)``, e.g. an occurrence's order): 404 when it is missing, 403 when refused."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    policy.require(current_user, action, via(obj) if via is not None else obj)
    return obj


def council_page(action: str) -> Council:
    """The council whose page this is (the person's current council), if the policy allows ``action`` in it."""
    council = current_council()
    if council is None:
        abort(403)
    policy.require(current_user, action, council)
    return council


def attempt(call: Callable[[], object]) -> tuple[object, str | None]:
    """Run one service call for a view: (its result, None) when it worked, else (None, the domain
    error's message) with the transaction rolled back, for the page to show."""
    try:
        return call(), None
    except DomainError as error:
        db.session.rollback()
        return None, error.message


def current_council() -> Council | None:
    """The council whose view the person is in: their chosen one, else the first they belong to.
    People who work for a provider belong to the councils their organisation applied to."""
    if "council" in g:
        return g.council
    council = None
    if current_user.is_authenticated:
        ids = current_user.council_ids()
        if not ids:
            ids = {a.council_id for grant in current_user.grants if grant.organisation is not None
                   for a in grant.organisation.approvals}
        chosen = session.get("council_id")
        if chosen in ids:
            council = db.session.get(Council, chosen)
        elif ids:
            council = db.session.get(Council, min(ids))
    g.council = council
    return council


def user_councils() -> list[Council]:
    """The councils the person belongs to, looked up once a request: every template rendered (the
    GOV.UK widgets render one per form field) asks for them."""
    if "user_councils" not in g:
        ids = current_user.council_ids() if current_user.is_authenticated else set()
        g.user_councils = db.session.scalars(db.select(Council).where(Council.id.in_(ids)).order_by(Council.name)).all() if ids else []
    return g.user_councils


def _date(value, fmt: str = "%-d %B %Y"):
    if value is None:
        return ""
    if hasattr(value, "astimezone") and getattr(value, "tzinfo", None) is not None:
        value = value.astimezone(LONDON)
    return value.strftime(fmt)


_DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
              "sat": "Saturday", "sun": "Sunday"}


def _weekdays(codes) -> str:
    """["tue", "thu"] -> "Tuesday and Thursday": days as people say them."""
    names = [_DAY_NAMES.get(code, code) for code in codes or []]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


class IdConverter(IntegerConverter):
    """``<int:...>`` in a route: a whole number the database's integer columns can hold. Any other
    number cannot be anything's id, so the route answers 404 instead of failing in the database."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def id_arg(name: str) -> int | None:
    """An id from the query string, or None when it is missing or could not be anything's id."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value < 2**31 else None


def page_number(name: str = "page", last: int = 10_000) -> int:
    """A page number from the query string: a whole number from 1 to ``last``, else 1."""
    value = request.args.get(name, 1, type=int) or 1
    return value if 1 <= value <= last else 1


def _security_headers(response):
    if current_app.config.get("HSTS_SECONDS"):
        response.headers.setdefault("Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains")
    if ("Cache-Control" not in response.headers and request.endpoint != "static"
            and current_user and current_user.is_authenticated):
        # Pages for a signed-in person hold their data (or someone's they act for): never kept by a
        # browser or a proxy, including invoice PDFs and payment files.
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self' 'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='; frame-ancestors 'none'; form-action 'self'",
    )
    return response


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class TypedText(ImmutableMultiDict):
    """Query strings and forms without control characters. Nobody types them; a NUL cannot be
    stored in PostgreSQL text at all, and the others only garble a page, a PDF or a log. Tabs and
    line breaks stay."""

    def __init__(self, mapping=None):
        if mapping is not None:
            pairs = mapping.items(multi=True) if isinstance(mapping, MultiDict) else mapping.items() if isinstance(mapping, dict) else mapping
            mapping = [(key, _CONTROL.sub("", value) if isinstance(value, str) else value) for key, value in pairs]
        super().__init__(mapping)


class AppRequest(Request):
    parameter_storage_class = TypedText


def _no_control_characters_in_the_path() -> None:
    """A path part (a council's slug, a link's token) with a control character cannot name anything."""
    if any(isinstance(value, str) and _CONTROL.search(value) for value in (request.view_args or {}).values()):
        abort(404)


def init_app(app) -> None:
    app.request_class = AppRequest
    app.before_request(_no_control_characters_in_the_path)
    app.url_map.converters["int"] = IdConverter  # before any blueprint's routes are made
    app.add_template_filter(format_pence, "pence")
    app.add_template_filter(_date, "date")
    app.add_template_filter(_weekdays, "weekdays")
    # Templates ask the policy who may act, and the state machines which moves are open: never status strings.
    app.add_template_global(lambda action, target=None: policy.can(current_user, action, target), "can")
    app.add_template_global(states.may, "may")

    @app.context_processor
    def _globals():
        return {"current_council": current_council(), "user_councils": user_councils()}

    app.after_request(_security_headers)
