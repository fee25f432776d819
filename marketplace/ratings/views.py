"""Pages for rating delivered support, a listing's reviews, the provider's answer, reports and moderation;
the wiring of the area into the app."""
from __future__ import annotations

import logging

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.cli import AppGroup
from flask_login import current_user, login_required

from catalogue.models import Listing

from ..extensions import db
from ..orders.delivery import delivery_confirmed
from ..orders.models import Order
from ..policy import can
from ..web import attempt, council_page, load, page_number
from . import moderation, service, showing
from .forms import AnswerForm, ModerationForm, RatingForm, RedactionForm, ReportForm
from .models import Review

log = logging.getLogger(__name__)
bp = Blueprint("ratings", __name__)
ratings_cli = AppGroup("ratings", help="Buyers' ratings.")


@bp.route("/orders/<int:order_id>/rate/<int:listing_id>", methods=["GET", "POST"])
@login_required
def rate(order_id: int, listing_id: int):
    order = load(Order, order_id, "review.write")
    if listing_id not in {line.listing_id for line in order.lines}:
        abort(404)
    existing = service.review_of(order, listing_id)
    blocked = service.why_not(current_user, order, listing_id)
    form = RatingForm(obj=existing if request.method == "GET" else None)
    problem = None
    if blocked is None and form.validate_on_submit():
        _done, problem = attempt(lambda: service.rate(current_user, order, listing_id, score=form.score.data,
                                                      aspects=form.aspects.data, text=form.text.data))
        if problem is None:
            flash("Thank you. Your rating is published." if existing is None else "Your rating is changed.", "success")
            return redirect(url_for("orders.show", order_id=order.id))
    title = next(line.title for line in order.lines if line.listing_id == listing_id)
    return render_template("ratings/rate.html", order=order, listing_id=listing_id, listing_title=title, form=form,
                           existing=existing, blocked=blocked, problem=problem,
                           title=f"Rate {title}" if existing is None else f"Change your rating of {title}")


@bp.get("/catalogue/listings/<int:listing_id>/reviews")
def listing_reviews(listing_id: int):
    listing = db.session.get(Listing, listing_id)
    if listing is None or not (listing.is_public or can(current_user, "listing.view_unpublished", listing)):
        abort(404)
    page = page_number(last=10_000)
    reviews, total = showing.page_for_listing(listing, page)
    return render_template("ratings/listing_reviews.html", listing=listing, reviews=reviews, total=total, page=page,
                           page_size=showing.PAGE_SIZE, ratings=showing.for_listing(listing, latest=0),
                           title=f"Reviews of {listing.title}" + (f", page {page}" if page > 1 else ""))


@bp.route("/reviews/<int:review_id>/answer", methods=["GET", "POST"])
@login_required
def answer(review_id: int):
    review = load(Review, review_id, "review.answer")
    form, problem = AnswerForm(), None
    if review.answer is None and form.validate_on_submit():
        _done, problem = attempt(lambda: service.answer(current_user, review, form.text.data))
        if problem is None:
            flash("Your answer is published under the review.", "success")
            return redirect(url_for("ratings.listing_reviews", listing_id=review.listing_id))
    return render_template("ratings/answer.html", review=review, form=form, problem=problem,
                           title=f"Answer a review of {review.listing.title}")


@bp.route("/reviews/<int:review_id>/report", methods=["GET", "POST"])
@login_required
def report(review_id: int):
    review = load(Review, review_id, "review.report")
    form, problem = ReportForm(), None
    if form.validate_on_submit():
        _done, problem = attempt(lambda: moderation.report(current_user, review, form.reason.data, form.details.data))
        if problem is None:
            flash("Thank you. An administrator will look at the review.", "success")
            return redirect(url_for("ratings.listing_reviews", listing_id=review.listing_id))
    return render_template("ratings/report.html", review=review, form=form, problem=problem,
                           title=f"Report a review of {review.listing.title}")


@bp.get("/council/reviews")
@login_required
def queue():
    council = council_page("council.moderate_reviews")
    return render_template("ratings/queue.html", council=council, reviews=moderation.queue(council), title="Reviews to look at")


@bp.route("/council/reviews/<int:review_id>", methods=["GET", "POST"])
@login_required
def moderate(review_id: int):
    review = load(Review, review_id, "review.moderate")
    form, redaction, problem = ModerationForm(), RedactionForm(), None
    if request.method == "POST" and form.validate_on_submit():
        act = {"hide": moderation.hide, "restore": moderation.restore, "keep": moderation.keep}[form.action.data]
        _done, problem = attempt(lambda: act(current_user, review, form.reason.data))
        if problem is None:
            flash("Decision recorded. The reviewer and the provider have been told.", "success")
            return redirect(url_for("ratings.queue"))
    return _moderation_page(review, form, redaction, problem)


@bp.post("/council/reviews/<int:review_id>/redact")
@login_required
def redact(review_id: int):
    review = load(Review, review_id, "review.moderate")
    form, redaction, problem = ModerationForm(formdata=None), RedactionForm(), None
    if redaction.validate_on_submit():
        if request.form.get("confirmed") == "yes":
            _done, problem = attempt(lambda: moderation.redact(current_user, review, redaction.phrase.data))
            if problem is None:
                flash("The words were removed, with a note beside the review.", "success")
                return redirect(url_for("ratings.moderate", review_id=review.id))
        else:
            preview, problem = attempt(lambda: moderation.preview(review, redaction.phrase.data))
            if problem is None:
                return render_template("ratings/redact_confirm.html", review=review, redaction=redaction, preview=preview,
                                       title=f"Check the redaction of review {review.id}")
    return _moderation_page(review, form, redaction, problem)


def _moderation_page(review, form, redaction, problem):
    return render_template("ratings/moderate.html", review=review, form=form, redaction=redaction, problem=problem,
                           title=f"Review {review.id} of {review.listing.title}")


@ratings_cli.command("recount")
def recount_command() -> None:
    """Rebuild every listing's rating summary from the published reviews."""
    click.echo(f"Recounted the ratings of {service.recount_all()} listings.")


@delivery_confirmed.connect
def _invite_after_delivery(occurrence, actor=None) -> None:
    """The one invitation to rate. A failure here must not undo or hide a confirmed delivery."""
    try:
        service.invite(occurrence)
    except Exception:  # noqa: BLE001 -- logged; the delivery was confirmed and committed already
        db.session.rollback()
        log.exception("Could not invite a rating for order %s", occurrence.order_id)


def init_app(app) -> None:
    """Pages, ``flask ratings``, and the template globals pages use to show ratings."""
    app.register_blueprint(bp)
    app.cli.add_command(ratings_cli)
    app.add_template_global(showing.for_listing, "listing_ratings")
    app.add_template_global(showing.for_organisation, "organisation_ratings")
    app.add_template_global(showing.for_order, "order_ratings")
