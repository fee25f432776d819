"""Public catalogue pages: search, a listing, an organisation, photos, community suggestions
and "tell us what you need". They work without JavaScript."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace import taxonomy
from marketplace.councils.models import Council
from marketplace.errors import DomainError
from marketplace.extensions import db, limiter
from marketplace.fields import options
from marketplace.holders.models import Holder
from marketplace.holders.service import holder_for_user
from marketplace.money import MoneyParseError, format_pence, parse_pounds
from marketplace.policy import can
from marketplace.pricing.service import MAX_PRICE_PENCE, price_for
from marketplace.providers.models import Organisation
from marketplace.web import current_council, id_arg, page_number

from . import community, demand
from .forms import SuggestCommunityForm, UnmetNeedForm
from .indexing import current_index
from .models import ACCESSIBILITY_FEATURES, DAYS, DELIVERY_MODES, LANGUAGES, LISTING_KINDS, Listing, ListingPhoto
from .results import community_alternatives, shown_filters, shown_results
from .search import SORTS, SearchRequest, search

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")

FILTER_PARAMS = {"category": "categories", "outcome": "outcomes", "delivery": "delivery", "access": "accessibility",
                 "lang": "languages", "day": "days", "kind": "kinds"}


def viewer_council() -> Council | None:
    """The council whose area and catalogue the viewer sees: theirs when signed in, else ?council=."""
    council = current_council()
    if council is None and request.args.get("council"):
        council = db.session.scalar(db.select(Council).filter_by(slug=request.args["council"]))
    return council


def pricing_council(council: Council | None) -> Council | None:
    """The council whose agreed (private) rates this viewer sees, if the policy lets them (people it
    funds, those acting for them, its staff); everyone else sees public prices."""
    if council is not None and can(current_user, "council.see_agreed_prices", council):
        return council
    return None


def viewer_area(council: Council | None) -> tuple[str | None, str | None]:
    """(area, problem): the district typed in, else the holder's own district."""
    typed = request.args.get("area", "").strip()
    if typed:
        district = taxonomy.normalise_district(typed)
        if district is None:
            return None, "Enter the first part of a postcode, like SK4, or a full postcode"
        return district, None
    if "area" in request.args:  # the person cleared it on purpose
        return None, None
    if current_user.is_authenticated:
        holder = holder_for_user(current_user)
        if holder is not None and (council is None or holder.council_id == council.id):
            return holder.postcode_district, None
    return None, None


def _pence_arg(name: str) -> tuple[int | None, str | None]:
    text = request.args.get(name, "").strip()
    if not text:
        return None, None
    try:
        pence = parse_pounds(text)
    except MoneyParseError as error:
        return None, str(error)
    if pence > MAX_PRICE_PENCE:  # the search index cannot hold numbers past 2**64 either
        return None, f"Enter an amount up to {format_pence(MAX_PRICE_PENCE)}"
    return pence, None


MIN_STARS = ("2", "3", "4")  # "2 stars or more" ... "4 stars or more": buyers' average rating


def build_request(council: Council | None, area: str | None) -> tuple[SearchRequest, list[str]]:
    problems = []
    price_min, problem = _pence_arg("price_min")
    problems += [problem] if problem else []
    price_max, problem = _pence_arg("price_max")
    problems += [problem] if problem else []
    allowed = {"categories": set(taxonomy.categories()), "outcomes": set(taxonomy.outcomes()),
               "delivery": set(DELIVERY_MODES), "accessibility": set(ACCESSIBILITY_FEATURES),
               "languages": set(LANGUAGES), "days": set(DAYS), "kinds": set(LISTING_KINDS)}
    values = {attr: [v for v in request.args.getlist(param) if v in allowed[attr]] for param, attr in FILTER_PARAMS.items()}
    sort = request.args.get("sort", "relevance")
    stars = request.args.get("rating", "")
    priced_by = pricing_council(council)
    req = SearchRequest(
        text=request.args.get("q", "")[:200], council_slug=council.slug if council else None, area=area,
        price_council_slug=priced_by.slug if priced_by else None,
        price_min_pence=price_min, price_max_pence=price_max, free_only=request.args.get("free") == "1",
        min_stars=int(stars) if stars in MIN_STARS else None,
        sort=sort if sort in SORTS else "relevance", page=page_number(last=500), **values,
    )
    return req, problems


def _is_search() -> bool:
    return any(k in request.args for k in ("q", "area", *FILTER_PARAMS, "price_min", "price_max", "free", "rating"))


def _search_limit() -> str:
    return current_app.config["SEARCH_RATE_LIMIT"]


def _public_form_limit() -> str:
    return current_app.config["PUBLIC_FORM_RATE_LIMIT"]


def shopping_for() -> Holder | None:
    """``?for=<holder id>``: the person a broker or representative is finding support for (from their
    caseload), carried from search to the listing to the order form, if they may order for them."""
    holder = db.session.get(Holder, id_arg("for")) if id_arg("for") else None
    return holder if holder is not None and can(current_user, "holder.order", holder) else None


@bp.context_processor
def _shopping_for() -> dict:
    return {"shopping_for": shopping_for()}


@bp.get("")
@limiter.limit(_search_limit)
def index():
    council = viewer_council()
    area, area_problem = viewer_area(council)
    search_request, problems = build_request(council, area)
    problems = ([area_problem] if area_problem else []) + problems
    index_ = current_index()
    for_holder = shopping_for()
    results, shown = shown_results(
        index_, search_request, pricing_council(council), getattr(for_holder, "id", None),
        lambda listings, prices: render_template("catalogue/_results.html", listings=listings, prices=prices,
                                                 shopping_for=for_holder))
    new_demand = _is_search() and search_request.page == 1  # later pages of the same search are not new demand
    nearby, alternatives = [], []
    if new_demand and results.total == 0:
        nearby = _nearby_areas(index_, search_request, council)
        alternatives = community_alternatives(index_, search_request)
    councils = db.session.scalars(db.select(Council).order_by(Council.name)).all()
    filters_html = shown_filters(results, search_request, lambda: render_template(
        "catalogue/_filters.html", results=results, req=search_request, filter_labels=filter_labels()))
    page = render_template(
        "catalogue/search.html", title="Find support", results=results, shown=shown, req=search_request,
        council=council, councils=councils,
        problems=problems, nearby=nearby, community_alternatives=alternatives, is_search=_is_search(),
        taxonomy=taxonomy, filters_html=filters_html, unmet_form=UnmetNeedForm(query=search_request.text, area=area or ""),
    )
    if new_demand:  # after rendering: the log's commit expires every loaded row, which the page would reload one by one
        demand.record_search(council, search_request, results.total, demand.searcher_role(current_user, getattr(council, "id", None)))
    return page


def filter_labels() -> dict[str, dict[str, str]]:
    return {
        "category": {slug: c["name"] for slug, c in taxonomy.categories().items()},
        "outcome": {code: o["plain"] for code, o in taxonomy.outcomes().items()},
        "delivery": DELIVERY_MODES, "access": ACCESSIBILITY_FEATURES, "lang": LANGUAGES, "day": DAYS, "kind": LISTING_KINDS,
    }


def _nearby_areas(index_, search_request: SearchRequest, council) -> list[tuple[str, int]]:
    if council is None or not search_request.area:
        return []
    found = []
    for district in council.postcode_districts:
        if district != search_request.area:
            other = SearchRequest(**{**search_request.__dict__, "area": district, "page": 1})
            count = search(index_, other, with_facets=False).total
            if count:
                found.append((district, count))
    return found


@bp.post("/tell-us")
@limiter.limit(_public_form_limit)
def tell_us():
    council = viewer_council()
    form = UnmetNeedForm()
    if form.validate_on_submit():
        area = taxonomy.normalise_district(form.area.data)
        council = demand.council_for_need(council, request.form.get("council"), area)
        try:
            demand.record_unmet_need(council, area, form.query.data, form.description.data,
                                     demand.searcher_role(current_user, getattr(council, "id", None)))
        except DomainError as error:
            flash(error.message, "info")
        else:
            flash("Thank you. We have passed this on to the council's commissioning team, without your name.", "success")
    else:
        flash("Tell us what you were looking for, then press Send.", "info")
    return redirect(url_for("catalogue.index", q=form.query.data or None, area=form.area.data or None,
                            council=request.args.get("council")))


def get_visible_listing(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        abort(404)
    if not listing.is_public and not can(current_user, "listing.view_unpublished", listing):
        abort(404)
    return listing


@bp.get("/listings/<int:listing_id>")
def listing(listing_id: int):
    listing = get_visible_listing(listing_id)
    council = viewer_council()
    price = price_for(listing, pricing_council(council))
    public = price_for(listing, None)
    return render_template("catalogue/listing.html", listing=listing, price=price, public_price=public,
                           title=listing.title, next_dates=community.next_dates(listing), taxonomy=taxonomy,
                           labels=filter_labels(), preview=False)


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not (organisation.approved_council_ids() or can(current_user, "organisation.view_private", organisation)):
        abort(404)
    listings = db.session.scalars(db.select(Listing).filter_by(organisation_id=organisation.id, status="published")
                                  .order_by(Listing.title)).all()
    return render_template("catalogue/organisation.html", organisation=organisation, listings=listings,
                           title=organisation.name, labels=filter_labels())


@bp.get("/photos/<int:photo_id>")
def photo(photo_id: int):
    photo = db.session.get(ListingPhoto, photo_id)
    if photo is None:
        abort(404)
    get_visible_listing(photo.listing_id)
    response = Response(photo.data, mimetype=photo.content_type)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.route("/community/suggest", methods=["GET", "POST"])
@limiter.limit(_public_form_limit, methods=["POST"])
def suggest_community():
    form = SuggestCommunityForm()
    councils = db.session.scalars(db.select(Council).order_by(Council.name)).all()
    form.council.choices = options([(c.id, c.name) for c in councils])
    if request.method == "GET":
        chosen = viewer_council()
        if chosen is not None:
            form.council.data = chosen.id
        if current_user.is_authenticated:
            form.suggested_by_name.data = current_user.name
            form.suggested_by_email.data = current_user.email
    problem = None
    if form.validate_on_submit():
        council = db.session.get(Council, form.council.data)
        event = None
        if form.starts_on.data:
            event = {"starts_on": form.starts_on.data, "start_time": form.start_time.data, "end_time": form.end_time.data,
                     "repeats": form.repeats.data, "until": form.until.data}
        try:
            community.suggest(council, suggested_by_name=form.suggested_by_name.data, suggested_by_email=form.suggested_by_email.data,
                              actor=current_user if current_user.is_authenticated else None, event=event,
                              title=form.title.data, summary=form.summary.data, description=form.description.data or "",
                              venue_address=form.venue_address.data or None, areas=[form.areas.data],
                              how_to_join=form.how_to_join.data, contact=form.contact.data or None)
        except DomainError as error:
            db.session.rollback()
            problem = error.message
        else:
            return render_template("catalogue/suggested.html", title="Thank you for your suggestion", council=council)
    return render_template("catalogue/suggest.html", form=form, problem=problem, title="Suggest a community group or activity")
