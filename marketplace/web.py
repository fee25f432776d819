"""Things every page needs: the signed-in user, the council whose view we are in,
template helpers, and security headers."""
from __future__ import annotations

from flask import g, session
from flask_login import current_user

from . import policy
from .accounts.models import User
from .councils.models import Council
from .extensions import db, login_manager
from .money import format_pence


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None


login_manager.login_view = "accounts.sign_in"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"


def current_council() -> Council | None:
    """The council whose view the person is in: their chosen one, else the first they belong to."""
    if "council" in g:
        return g.council
    council = None
    if current_user.is_authenticated:
        ids = current_user.council_ids()
        if not ids:
            from catalogue.models import OrganisationApproval

            ids = {a.council_id for org_id in current_user.organisation_ids()
                   for a in db.session.scalars(db.select(OrganisationApproval).filter_by(organisation_id=org_id))}
        chosen = session.get("council_id")
        if chosen in ids:
            council = db.session.get(Council, chosen)
        elif ids:
            council = db.session.get(Council, min(ids))
    g.council = council
    return council


def user_councils() -> list[Council]:
    if not current_user.is_authenticated:
        return []
    ids = current_user.council_ids()
    if not ids:
        return []
    return db.session.scalars(db.select(Council).where(Council.id.in_(ids)).order_by(Council.name)).all()


def init_app(app) -> None:
    app.add_template_filter(format_pence, "pence")

    @app.template_filter("date")
    def _date(value, fmt: str = "%-d %B %Y"):
        if value is None:
            return ""
        from .clock import LONDON

        if hasattr(value, "astimezone") and getattr(value, "tzinfo", None) is not None:
            value = value.astimezone(LONDON)
        return value.strftime(fmt)

    @app.context_processor
    def _globals():
        from .notifications.service import unread_count

        return {
            "unread_notifications": unread_count(current_user) if current_user.is_authenticated else 0,
            "can": lambda action, target=None: policy.can(current_user, action, target),
            "current_council": current_council(),
            "user_councils": user_councils(),
        }

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self' 'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='; frame-ancestors 'none'; form-action 'self'",
        )
        return response
