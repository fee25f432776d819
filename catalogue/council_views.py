"""Council staff and the catalogue: agreed (private) rates, price-rise alerts, community moderation."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import ConfirmForm
from marketplace.pricing import service as pricing
from marketplace.pricing.models import PriceAlert
from marketplace.web import attempt, council_page, load, page_number

from . import community
from . import listings as listing_service
from .forms import AgreedPriceForm, ModerationForm
from .models import Listing

bp = Blueprint("council_catalogue", __name__, url_prefix="/council")


@bp.get("/prices")
@login_required
def prices():
    council = council_page("council.agree_prices")
    text = request.args.get("q", "").strip()
    query = listing_service.priced_in(council, text)
    page = db.paginate(query, page=page_number(), per_page=50, max_per_page=50, error_out=False)
    return render_template("council/prices.html", council=council, page=page, q=text, alerts=pricing.open_alerts(council),
                           title="Agreed prices")


@bp.route("/prices/<int:listing_id>", methods=["GET", "POST"])
@login_required
def agree_price(listing_id: int):
    council = council_page("council.agree_prices")
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.organisation is None or not listing.organisation.is_approved_in(council.id):
        abort(404)
    form = AgreedPriceForm()
    problem = None
    if form.validate_on_submit():
        try:
            pricing.set_council_price(current_user, listing, council, form.price.pence, form.note.data or None)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash(f"Agreed price saved for {listing.title}.", "success")
            return redirect(url_for("council_catalogue.prices"))
    return render_template("council/agree_price.html", council=council, listing=listing, form=form, problem=problem,
                           history=pricing.price_history(listing), agreed=listing.agreed_price_for(council.id),
                           confirm_form=ConfirmForm(),
                           title=f"Agreed price: {listing.title}")


@bp.post("/prices/<int:listing_id>/end")
@login_required
def end_price(listing_id: int):
    council = council_page("council.agree_prices")
    listing = load(Listing, listing_id, "council.agree_prices", via=lambda _listing: council)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _, problem = attempt(lambda: pricing.end_council_price(current_user, listing, council))
    flash(problem or f"The agreed rate for {listing.title} has ended: the public price applies.", "info" if problem else "success")
    return redirect(url_for("council_catalogue.agree_price", listing_id=listing.id))


@bp.post("/price-alerts/<int:alert_id>/acknowledge")
@login_required
def acknowledge(alert_id: int):
    alert = load(PriceAlert, alert_id, "council.agree_prices", via=lambda a: a.council)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pricing.acknowledge_alert(current_user, alert)
    flash("Alert marked as dealt with.", "success")
    return redirect(url_for("council_catalogue.prices"))


@bp.get("/community")
@login_required
def moderation():
    council = council_page("council.moderate")
    return render_template("council/moderation.html", council=council, waiting=community.awaiting_moderation(council),
                           title="Community suggestions")


@bp.route("/community/<int:listing_id>", methods=["GET", "POST"])
@login_required
def moderate(listing_id: int):
    listing = load(Listing, listing_id, "community.moderate")
    form = ModerationForm()
    problem = None
    if form.validate_on_submit():
        try:
            listing_service.change_status(current_user, listing, form.decision.data, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash(f"'{listing.title}' has been {'published' if listing.status == 'published' else 'turned down'}.", "success")
            return redirect(url_for("council_catalogue.moderation"))
    return render_template("council/moderate.html", listing=listing, form=form, problem=problem,
                           next_dates=community.next_dates(listing), title=f"Suggestion: {listing.title}")
