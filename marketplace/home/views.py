"""The home page for each role, the council switcher, council branding and static pages."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..accounts import roles as R
from ..asking import service as asking
from ..budgets import service as budgets
from ..councils.models import Council
from ..extensions import db
from ..holders import service as holders
from ..holders.models import Holder
from ..plans.money import money_summary
from ..plans.service import approved_plan
from ..policy import can, require
from ..providers import service as providers
from ..web import current_council
from . import queues

bp = Blueprint("home", __name__)

STATIC_PAGES = {"accessibility": "Accessibility statement", "privacy": "Privacy notice", "cookies": "Cookies"}


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/landing.html", title="Find and buy the support in your plan")
    roles = {g.role for g in current_user.grants}
    context = {"roles": roles, "R": R, "title": "Your home page"}
    if R.HOLDER in roles:
        context["own_holder"] = holders.holder_for_user(current_user)
        if context["own_holder"] is not None:
            budget = budgets.current_budget(context["own_holder"])
            if budget is not None and approved_plan(budget) is not None:
                context["summary"] = money_summary(budget)
                context["budget"] = budget
            context["holder_queue"] = queues.for_holder(context["own_holder"])
    if roles & {R.REPRESENTATIVE, R.BROKER}:
        context["acting_for"] = holders.holders_acting_for(current_user)
    if roles & set(R.ORGANISATION_ROLES):
        context["organisations"] = providers.organisations_of(current_user)
        selling = [o for o in context["organisations"] if o.kind != "community_group"]
        context["selling"] = selling  # community groups list free activities: no orders, invoices or bank details
        if selling:
            context["provider_queue"] = queues.for_provider([o.id for o in selling if can(current_user, "organisation.orders", o)])
    council = current_council()
    if council is not None and roles & set(R.COUNCIL_STAFF):
        context["holder_count"] = db.session.scalar(
            db.select(db.func.count(Holder.id)).filter_by(council_id=council.id))
        if current_user.has_role(R.ADMINISTRATOR, council.id):
            context["pending_organisations"] = providers.pending_in(council)
        if can(current_user, "asking.triage", council):
            context["requests_waiting"] = asking.waiting_on_council(council)
        if can(current_user, "council.plans", council):
            context["coordinator_queue"] = queues.for_coordinator(council)
        if can(current_user, "council.finance", council):
            context["finance_queue"] = queues.for_finance(council)
    return render_template("home/index.html", **context)


@bp.post("/council")
def switch_council():
    if not current_user.is_authenticated:
        abort(401)
    require(current_user, "account.own")
    try:
        council_id = int(request.form.get("council_id", ""))
    except ValueError:
        abort(400)
    if council_id not in current_user.council_ids():
        abort(403)
    session["council_id"] = council_id
    return redirect(url_for("home.index"))


_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@bp.get("/councils/<slug>/brand.css")
def council_brand(slug: str):
    """A council's colours as CSS, so pages need no inline styles (strict CSP)."""
    council = db.session.scalar(db.select(Council).filter_by(slug=slug))
    if council is None:
        abort(404)
    colour = council.brand_colour if _COLOUR.match(council.brand_colour or "") else "#1d70b8"
    response = Response(f":root {{ --sm-brand: {colour}; }}\n", mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/pages/<name>")
def page(name: str):
    if name not in STATIC_PAGES:
        abort(404)
    return render_template(f"pages/{name}.html", title=STATIC_PAGES[name])
