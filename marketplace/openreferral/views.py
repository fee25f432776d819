"""The Open Referral UK feed: a read-only JSON API under /openreferral/ that any council site, NHS app
or signposting tool can read, described by the OpenAPI document it serves (openapi.json, beside
this module).

It is open data: no API key, no sign-in, and no policy rule, because it shows only what the
catalogue's public pages show anyone (see ``queries`` and ``records`` for what that is). Every
response carries ``Access-Control-Allow-Origin: *``; every error, including an address or method
the feed does not have, is the one JSON error shape (``marketplace.errors.error_response``): 400
for a parameter it cannot read, 404 for an id it does not know, 405 for a method other than GET.
Answers carry an ETag (a hash of the body), Last-Modified where the records say when they changed,
and ``Cache-Control: public, max-age=60``, so a directory polling every few minutes mostly gets 304.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from math import ceil

from flask import Blueprint, current_app, jsonify, request, url_for
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from marketplace.councils.models import Council
from marketplace.errors import error_response
from marketplace.providers.models import Organisation

from . import ids, params, queries, records, terms

bp = Blueprint("openreferral", __name__, url_prefix="/openreferral")

VERSION = "3.0"
PROFILE = "https://openreferraluk.org/profile"  # the UK profile of HSDS 3.0
CACHE_CONTROL = "public, max-age=60"
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Last-Modified"}
PREFLIGHT = {"Access-Control-Allow-Methods": "GET, HEAD, OPTIONS", "Access-Control-Allow-Headers": "*",
             "Access-Control-Max-Age": "86400"}


def _ours() -> bool:
    return request.path == bp.url_prefix or request.path.startswith(bp.url_prefix + "/")


@bp.before_app_request
def _no_such_address():
    """An address under /openreferral/ that the feed does not have, or a method it does not
    answer: the JSON error rather than the site's HTML page (routing failed, so no blueprint's
    error handler would be asked)."""
    error = request.routing_exception
    if not _ours() or not isinstance(error, (NotFound, MethodNotAllowed)):
        return None  # a redirect to add a trailing slash goes ahead
    if isinstance(error, MethodNotAllowed):
        response = error_response(405, "The Open Referral feed is read-only: use GET.")
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods or ("GET", "HEAD", "OPTIONS")))
        return response
    return error_response(404, "The Open Referral feed has no such address. Its description is at "
                               + url_for("openreferral.openapi", _external=True))


@bp.after_app_request
def _cross_origin(response):
    """Any web page may read the feed: no credentials are involved, so ``*`` is safe."""
    if _ours():
        response.headers.update(CORS)
        if request.method == "OPTIONS":
            response.headers.update(PREFLIGHT)
    return response


@bp.errorhandler(params.BadParameter)
def _bad_parameter(error: params.BadParameter):
    return error_response(400, error.message)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    response = error_response(error.code or 500, error.description if error.code == 400 else {
        404: "There is nothing in the Open Referral feed with that id."}.get(error.code, error.name))
    if isinstance(error, MethodNotAllowed):
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))
    return response


def _reply(data, changed_at=None):
    """JSON with its validators: 304 when the client's copy (by ETag, or by date) is still right."""
    response = jsonify(data)
    response.headers["Cache-Control"] = CACHE_CONTROL
    if changed_at is not None:
        response.last_modified = changed_at
    response.add_etag()
    return response.make_conditional(request)


def _page(total: int, page: int, per_page: int, contents: list) -> dict:
    """The paginated shape of HSDS-UK's *_list schemas. ``size`` is how many records this page holds."""
    pages = ceil(total / per_page)
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": not contents, "contents": contents}


def _listing_paging() -> tuple[int, int]:
    params.only_json()
    return params.page(), params.per_page()


def _path_id(value: str) -> str:
    found = ids.canonical(value)
    if found is None:
        raise params.BadParameter("The id must be a UUID, like 4b3f2f2e-6c1d-5a8e-9f0a-1c2d3e4f5a6b.")
    return found


def _not_found():
    return error_response(404, "There is nothing in the Open Referral feed with that id.")


@lru_cache
def _document() -> bytes:
    return resources.files(__package__).joinpath("openapi.json").read_bytes()


@bp.get("/")
def api_details():
    return _reply({"version": VERSION, "profile": PROFILE, "openapi_url": url_for(".openapi", _external=True)})


@bp.get("/openapi.json")
def openapi():
    response = current_app.response_class(_document(), mimetype="application/json")
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.add_etag()
    return response.make_conditional(request)


# --- services --------------------------------------------------------------------------


def _filters(*, at_a_venue: bool) -> queries.Filters:
    return queries.Filters(words=params.search_words(), taxonomy_id=params.identifier("taxonomy_id"),
                           taxonomy_term_id=params.identifier("taxonomy_term_id"),
                           organization_id=params.identifier("organization_id"), modified_after=params.modified_after(),
                           district=params.postcode_district(), at_a_venue=at_a_venue)


@bp.get("/services")
def services():
    page, per_page = _listing_paging()
    full, minimal, filters = params.flag("full"), params.flag("minimal"), _filters(at_a_venue=False)
    total, rows = queries.listings_page(filters, page, per_page)
    contents = [records.minimal_service(listing) if minimal else records.service(listing, full=full) for listing in rows]
    return _reply(_page(total, page, per_page, contents), queries.catalogue_changed())


@bp.get("/services/<path:id>")
def service(id: str):
    listing = queries.public_listing(_path_id(id))
    if listing is None:
        return _not_found()
    return _reply(records.service(listing, full=True), queries.listing_changed(listing))


@bp.get("/service_at_locations")
def service_at_locations():
    page, per_page = _listing_paging()
    params.unsupported("proximity")
    full, filters = params.flag("full"), _filters(at_a_venue=True)
    total, rows = queries.listings_page(filters, page, per_page)
    contents = [records.service_at_location(listing, full=full) for listing in rows]
    return _reply(_page(total, page, per_page, contents), queries.catalogue_changed())


@bp.get("/service_at_locations/<path:id>")
def service_at_location(id: str):
    listing = queries.public_listing(_path_id(id), ids.SERVICE_AT_LOCATION, at_a_venue=True)
    if listing is None:
        return _not_found()
    return _reply(records.service_at_location(listing, full=True), queries.listing_changed(listing))


# --- organisations ---------------------------------------------------------------------


def _owner_key(owner) -> tuple[str, int]:
    return (ids.ORGANIZATION if isinstance(owner, Organisation) else ids.COUNCIL, owner.id)


@bp.get("/organizations")
def organizations():
    page, per_page = _listing_paging()
    words, full, full_service = params.search_words(), params.flag("full"), params.flag("full_service")
    total, owners = queries.organisations_page(words, page, per_page)
    if full or full_service:
        offered = queries.listings_of([o for o in owners if isinstance(o, Organisation)],
                                      [o for o in owners if isinstance(o, Council)])
        contents = [records.full_organization(owner, offered.get(_owner_key(owner), []), full_services=full_service)
                    for owner in owners]
    else:
        contents = [records.organization(owner) for owner in owners]
    return _reply(_page(total, page, per_page, contents), queries.catalogue_changed())


@bp.get("/organizations/<path:id>")
def organization(id: str):
    full_service = params.flag("full_service")
    owner = queries.organisation(_path_id(id))
    if owner is None:
        return _not_found()
    offered = queries.listings_of(*(([owner], []) if isinstance(owner, Organisation) else ([], [owner])))
    record = records.full_organization(owner, offered.get(_owner_key(owner), []), full_services=full_service)
    return _reply(record, queries.organisation_changed(owner))


# --- taxonomies ------------------------------------------------------------------------


def _matches(words: list[str], record: dict) -> bool:
    text = " ".join(str(record.get(key, "")) for key in ("name", "description", "term")).lower()
    return all(word in text for word in words)


def _slice(found: list, page: int, per_page: int) -> list:
    return found[(page - 1) * per_page:page * per_page]


@bp.get("/taxonomies")
def taxonomies():
    page, per_page = _listing_paging()
    words = params.search_words()
    found = [record for record in (terms.taxonomy_record(name) for name in (terms.CATEGORIES, terms.OUTCOMES))
             if _matches(words, record)]
    return _reply(_page(len(found), page, per_page, _slice(found, page, per_page)))


@bp.get("/taxonomies/<path:id>")
def taxonomy(id: str):
    name = terms.taxonomy_name(_path_id(id))
    if name is None:
        return _not_found()
    return _reply(terms.taxonomy_record(name, with_terms=True))


@bp.get("/taxonomy_terms")
def taxonomy_terms():
    page, per_page = _listing_paging()
    words, taxonomy_id = params.search_words(), params.identifier("taxonomy_id")
    params.flag("top_only")  # read only to check it: every term is at the top, so it leaves them all
    parent_id = params.identifier("parent_id")  # no term has a parent, so any parent_id finds none
    found = [terms.term_record(name, code) for name, code in terms.all_terms()]
    found = [record for record in found if _matches(words, record)
             and (taxonomy_id is None or record["taxonomy_id"] == taxonomy_id) and parent_id is None]
    return _reply(_page(len(found), page, per_page, _slice(found, page, per_page)))


@bp.get("/taxonomy_terms/<path:id>")
def taxonomy_term(id: str):
    key = terms.term_key(_path_id(id))
    if key is None:
        return _not_found()
    return _reply(terms.term_record(*key))


def init_app(app) -> None:
    app.register_blueprint(bp)
