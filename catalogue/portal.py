"""The provider portal: an organisation's profile and listings. Works on a phone, without JavaScript."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace import clock, taxonomy
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.forms import ConfirmForm
from marketplace.pricing import service as pricing
from marketplace.providers.models import Organisation
from marketplace.providers.service import PROFILE_FIELDS, organisations_of, update_profile
from marketplace.web import load

from . import community
from . import listings as listing_service
from .forms import CommunityEventForm, ListingForm, OrganisationProfileForm, PersonForm, PhotoForm, split_areas
from .indexing import last_change_searchable
from .models import Listing, ListingPhoto
from .views import filter_labels

bp = Blueprint("portal", __name__, url_prefix="/provider")

STATUS_ACTIONS = {"published": "Publish", "paused": "Pause"}


def get_organisation(organisation_id: int, action: str = "organisation.manage_listings") -> Organisation:
    return load(Organisation, organisation_id, action)


def get_listing(listing_id: int) -> Listing:
    return load(Listing, listing_id, "listing.manage")


def _form_for(listing_kind: str, organisation: Organisation | None, **kwargs):
    person = listing_kind == "person" or (organisation is not None and organisation.kind in ("personal_assistant", "peer_broker"))
    return (PersonForm if person else ListingForm)(**kwargs)


@bp.get("")
@login_required
def index():
    organisations = organisations_of(current_user, "organisation.manage_listings")
    if not organisations:
        abort(403)
    by_org = {org.id: db.session.scalars(db.select(Listing).filter_by(organisation_id=org.id)
                                         .order_by(Listing.status, Listing.title)).all() for org in organisations}
    return render_template("portal/index.html", organisations=organisations, listings=by_org, title="Your listings",
                           now=clock.now())


@bp.route("/organisations/<int:organisation_id>/profile", methods=["GET", "POST"])
@login_required
def profile(organisation_id: int):
    organisation = get_organisation(organisation_id, "organisation.manage")
    form = OrganisationProfileForm(obj=organisation)
    if request.method == "GET":
        form.areas_served.data = ", ".join(organisation.areas_served or [])
    problem = None
    if form.validate_on_submit():
        try:
            update_profile(current_user, organisation, name=form.name.data, areas_served=split_areas(form.areas_served.data),
                           languages=form.languages.data, **{k: getattr(form, k).data for k in PROFILE_FIELDS})
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash("Your profile has been saved.", "success")
            return redirect(url_for("portal.index"))
    return render_template("portal/profile.html", form=form, organisation=organisation, problem=problem, title="Your profile")


@bp.route("/organisations/<int:organisation_id>/listings/new", methods=["GET", "POST"])
@login_required
def new_listing(organisation_id: int):
    organisation = get_organisation(organisation_id)
    kind = request.args.get("kind") or ("person" if organisation.kind in ("personal_assistant", "peer_broker")
                                        else "community" if organisation.kind == "community_group" else "service")
    if kind not in ("service", "person", "community"):
        abort(400)
    form = _form_for(kind, organisation)
    if request.method == "GET":
        if organisation.areas_served:
            form.areas.data = ", ".join(organisation.areas_served)
        if kind == "person":
            form.display_name.data = current_user.name
            form.category.data = "personal-assistant"
        if kind == "community":
            form.category.data = "community-activities"
            form.price_unit.data = "session"
    problem = None
    if form.validate_on_submit():
        try:
            listing = listing_service.create(current_user, organisation, kind=kind,
                                             person=form.person_fields() if isinstance(form, PersonForm) else None,
                                             **form.listing_fields())
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash("Saved as a draft. Check the preview, then publish it.", "success")
            return redirect(url_for("portal.preview", listing_id=listing.id))
    return render_template("portal/listing_form.html", form=form, organisation=organisation, listing=None, kind=kind,
                           problem=problem, title="Add a listing")


@bp.route("/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@login_required
def edit_listing(listing_id: int):
    listing = get_listing(listing_id)
    form = _form_for(listing.kind, listing.organisation)
    if request.method == "GET":
        form.fill_from(listing)
    problem = None
    if form.validate_on_submit():
        try:
            listing_service.update(current_user, listing, person=form.person_fields() if isinstance(form, PersonForm) else None,
                                   **form.listing_fields())
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            flash("Your changes have been saved." + ("" if last_change_searchable() else WAITING), "success")
            return redirect(url_for("portal.preview", listing_id=listing.id))
    return render_template("portal/listing_form.html", form=form, organisation=listing.organisation, listing=listing,
                           kind=listing.kind, problem=problem, title=f"Change: {listing.title}")


@bp.get("/listings/<int:listing_id>/preview")
@login_required
def preview(listing_id: int):
    listing = get_listing(listing_id)
    price = pricing.price_for(listing, None)
    return render_template("catalogue/listing.html", listing=listing, price=price, public_price=price, preview=True,
                           title=f"Preview: {listing.title}", next_dates=community.next_dates(listing), taxonomy=taxonomy,
                           labels=filter_labels(), status_actions=STATUS_ACTIONS, photo_form=PhotoForm(),
                           event_form=CommunityEventForm(), confirm_form=ConfirmForm())


WAITING = " Search results will show the change within a few minutes."


def _status_message(to: str) -> str:
    """Say what is true: a change the search index could not take in yet is not searchable yet."""
    if to == "published":
        if last_change_searchable():
            return "Published: people can now find it."
        return "Published. It will show in search results within a few minutes."
    return "Paused: it is hidden until you publish it again."  # search checks each result against the database


@bp.post("/listings/<int:listing_id>/status")
@login_required
def set_status(listing_id: int):
    listing = get_listing(listing_id)
    form = ConfirmForm()
    to = request.form.get("to", "")
    if not form.validate_on_submit() or to not in STATUS_ACTIONS:
        abort(400)
    try:
        listing_service.change_status(current_user, listing, to)
    except DomainError as error:
        flash(error.message, "info")
    else:
        flash(_status_message(to), "success")
    return redirect(url_for("portal.preview", listing_id=listing.id))


@bp.route("/listings/<int:listing_id>/archive", methods=["GET", "POST"])
@login_required
def archive(listing_id: int):
    listing = get_listing(listing_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            listing_service.change_status(current_user, listing, "archived")
        except DomainError as error:
            flash(error.message, "info")
        else:
            flash(f"'{listing.title}' has been archived.", "success")
        return redirect(url_for("portal.index"))
    return render_template("portal/archive.html", listing=listing, form=form, title="Archive this listing")


@bp.post("/listings/<int:listing_id>/confirm")
@login_required
def confirm(listing_id: int):
    listing = get_listing(listing_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    listing_service.confirm_up_to_date(current_user, listing)
    flash("Thank you: the listing is marked as up to date.", "success")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url) else url_for("portal.index"))


@bp.get("/listings/<int:listing_id>/prices")
@login_required
def prices(listing_id: int):
    listing = get_listing(listing_id)
    return render_template("portal/prices.html", listing=listing, history=pricing.price_history(listing),
                           title=f"Price history: {listing.title}")


@bp.post("/listings/<int:listing_id>/photos")
@login_required
def add_photo(listing_id: int):
    listing = get_listing(listing_id)
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            listing_service.add_photo(current_user, listing, form.photo.data.read(), form.alt_text.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "info")
        else:
            flash("Photo added.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "info")
    return redirect(url_for("portal.preview", listing_id=listing.id))


@bp.post("/photos/<int:photo_id>/delete")
@login_required
def delete_photo(photo_id: int):
    photo = load(ListingPhoto, photo_id, "listing.manage", via=lambda p: p.listing)
    listing_id = photo.listing_id
    if not ConfirmForm().validate_on_submit():
        abort(400)
    listing_service.remove_photo(current_user, photo)
    flash("Photo removed.", "success")
    return redirect(url_for("portal.preview", listing_id=listing_id))


@bp.post("/listings/<int:listing_id>/events")
@login_required
def add_event(listing_id: int):
    listing = get_listing(listing_id)
    form = CommunityEventForm()
    if form.validate_on_submit():
        try:
            community.add_event(current_user, listing, starts_on=form.starts_on.data, start_time=form.start_time.data,
                                end_time=form.end_time.data, repeats=form.repeats.data, until=form.until.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "info")
        else:
            flash("Dates added.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "info")
    return redirect(url_for("portal.preview", listing_id=listing.id))
