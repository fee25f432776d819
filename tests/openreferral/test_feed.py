"""The Open Referral UK feed, fetched from the running app: every endpoint's answers against the
HSDS-UK 3.0 schemas, pagination, each filter, errors, CORS, caching, stable ids, and what must
never be published (agreed rates, unpublished or pending listings, suspended providers, people's
private details)."""
from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

import pytest

from catalogue.models import LISTING
from marketplace.extensions import db
from marketplace.openreferral import ids, params
from marketplace.openreferral.terms import CATEGORIES, OUTCOMES

from ..conftest import make_app
from .conftest import PAGE, START, against_file, against_standard, errors, nulls

BASE = "/openreferral"
LISTS = {  # endpoint -> (the standard's path, the schema of each record, the schema of the whole page)
    "/services": ("/services", "service_list", "service_list"),
    "/organizations": ("/organizations", "organization_list", None),
    "/taxonomies": ("/taxonomies", "taxonomy", "taxonomy_list"),
    "/taxonomy_terms": ("/taxonomy_terms", "taxonomy_term", "taxonomy_term_list"),
    "/service_at_locations": ("/service_at_locations", "service_at_location", "service_at_location_list"),
}
ITEMS = {"/services": "service", "/organizations": "organization", "/taxonomies": "taxonomy",
         "/taxonomy_terms": "taxonomy_term", "/service_at_locations": "service_at_location"}


def get(client, url: str, status: int = 200, **headers):
    response = client.get(BASE + url, headers=headers)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    assert response.headers["Access-Control-Allow-Origin"] == "*", url
    return response


def body(client, url: str, status: int = 200):
    response = get(client, url, status)
    assert response.mimetype == "application/json"
    return response.get_json()


def assert_error(client, url: str, status: int) -> dict:
    found = body(client, url, status)
    assert set(found) == {"error"} and found["error"]["status"] == status and found["error"]["message"], found
    return found


def ids_in(page: dict) -> list[str]:
    return [record["id"] for record in page["contents"]]


def check_page(endpoint: str, page: dict, *, full: bool = False) -> None:
    standard_path, record_schema, page_schema = LISTS[endpoint]
    assert errors(PAGE, page) == []
    if page_schema:
        assert against_standard(standard_path, page) == []
        assert against_file(page_schema, page) == []
    for record in page["contents"]:
        assert against_file(ITEMS[endpoint] if full else record_schema, record) == []
        if not page_schema:  # the standard gives /organizations the schema of one record, not of a page
            assert against_standard(standard_path, record) == []
    assert nulls(page) == []


def crawl(client) -> dict[str, dict]:
    """Every endpoint, every shape: url -> body."""
    found = {"/": body(client, "/")}
    for endpoint in LISTS:
        for extra in ("", "?full=true", "?minimal=true", "?full_service=true"):
            page = body(client, f"{endpoint}{extra}&per_page=100" if extra else f"{endpoint}?per_page=100")
            found[endpoint + extra] = page
            for record in page["contents"]:
                found[f"{endpoint}/{record['id']}"] = body(client, f"{endpoint}/{record['id']}")
    return found


def test_the_base_endpoint_says_the_version_profile_and_where_the_openapi_document_is(client, feed):
    details = body(client, "/")
    assert details["version"] == "3.0" and details["profile"].startswith("https://")
    assert details["openapi_url"] == "http://localhost/openreferral/openapi.json"
    assert against_file("api_details", details) == [] and against_standard("/", details) == []
    document = client.get(details["openapi_url"])
    assert document.status_code == 200 and document.get_json()["openapi"].startswith("3.0")
    assert document.headers["Access-Control-Allow-Origin"] == "*"


def test_every_list_and_record_conforms_to_the_hsds_uk_schemas(client, feed):
    found = crawl(client)
    for url, data in found.items():
        endpoint = "/" + url.split("?")[0].strip("/").split("/")[0] if url != "/" else "/"
        if url == "/":
            continue
        if "/" in url.strip("/"):  # one record
            assert against_file(ITEMS[endpoint], data) == [], url
            assert against_standard(endpoint + "/{id}", data) == [], url
            assert nulls(data) == [], url
        else:  # full and full_service mean nothing to the taxonomies, nor full_service to services
            full = ("full=true" in url and endpoint in ("/services", "/organizations")
                    or "full_service=true" in url and endpoint == "/organizations")
            check_page(endpoint, data, full=full)
    assert found["/services"]["total_items"] == 7
    assert found["/organizations"]["total_items"] == 4  # the council and three organisations
    assert found["/taxonomies"]["total_items"] == 2
    assert found["/taxonomy_terms"]["total_items"] == 34 + 10
    assert found["/service_at_locations"]["total_items"] == 2  # the two listings with a venue


def test_a_service_says_what_its_listing_page_says(client, feed):
    care = body(client, f"/services/{ids.service(feed.personal_care.id)}")
    assert care["name"] == "Personal care at home" and care["status"] == "active"
    assert care["url"] == f"http://localhost/catalogue/listings/{feed.personal_care.id}"
    assert care["organization"]["name"] == "Sunrise Care" and care["organization_id"] == ids.organization(feed.sunrise.id)
    assert care["fees"] == "£25.00 an hour, including VAT at 20%"
    assert [(c["amount"], c["amount_description"]) for c in care["cost_options"]] == [(25.0, "an hour")]
    assert care["accreditations"] == "Care Quality Commission rating: Good"
    assert care["minimum_age"] == 18 and "maximum_age" not in care
    assert [(s["byday"], s["description"]) for s in care["schedules"]] == [("MO,WE", "Monday, Wednesday, 8am to 8pm")]
    assert [(lang["name"], lang["code"]) for lang in care["languages"]] == [("English", "en"), ("Polish", "pl"),
                                                                           ("British Sign Language", "bfi")]
    assert [area["name"] for area in care["service_areas"]] == ["SK4"]
    terms = {(a["link_type"], a["taxonomy_term"]["term"]) for a in care["attributes"]}
    assert terms == {("category", "personal-care"), ("outcome", "hygiene"), ("outcome", "clothing")}
    category = next(a for a in care["attributes"] if a["link_type"] == "category")
    assert category["taxonomy_term_id"] == ids.taxonomy_term(CATEGORIES, "personal-care") == category["taxonomy_term"]["id"]
    assert body(client, f"/taxonomy_terms/{category['taxonomy_term_id']}")["name"] == "Personal care"
    assert "service_at_locations" not in care  # no venue
    assert care["email"] == "sunrise@example.org"  # the page offers the provider's address for questions
    shopping = body(client, f"/services/{ids.service(feed.shopping.id)}")
    assert shopping["email"] == "bookings@sunrise.example.org" and shopping["fees"] == "£15.00 a session"

    walk = body(client, f"/services/{ids.service(feed.walking.id)}")
    assert (walk["organization"]["id"], walk["organization"]["name"]) == (ids.council(feed.aldermoor.id), feed.aldermoor.name)
    assert walk["fees"] == "Free" and walk["cost_options"][0]["amount"] == 0
    assert "How to join: Meet at the gates at 10am." in walk["description"]
    location = walk["service_at_locations"][0]
    assert location["id"] == ids.service_at_location(feed.walking.id) and location["location"]["name"] == "Aldermoor Park gates"
    garden = body(client, f"/service_at_locations/{ids.service_at_location(feed.garden.id)}")
    assert garden["location"]["name"] == "Allotment 7, Vicarage Lane, Aldermoor SK2 6AB"
    assert garden["service"]["id"] == ids.service(feed.garden.id) and "service_at_locations" not in garden["service"]


def test_an_organisation_lists_its_services_and_a_personal_assistant_keeps_their_address(client, feed):
    sunrise = body(client, f"/organizations/{ids.organization(feed.sunrise.id)}")
    assert sunrise["website"] == "https://www.sunrise.example.org" and sunrise["email"] == "sunrise@example.org"
    assert sunrise["description"] == "Home care across Aldermoor."
    assert [s["name"] for s in sunrise["services"]] == ["Personal care at home", "Cleaning and tidying",
                                                        "Evening sitting service", "Shopping trips"]
    assert "cost_options" not in sunrise["services"][0]
    assert "cost_options" in body(client, f"/organizations/{ids.organization(feed.sunrise.id)}?full_service=true")["services"][0]
    assert sunrise["organization_identifiers"][0]["identifier"] == "1-000000001"
    assistant = body(client, f"/organizations/{ids.organization(feed.pa.id)}")
    assert "email" not in assistant and "website" not in assistant
    assert "email" not in body(client, f"/services/{ids.service(feed.assistant.id)}")  # not even as the listing's contact
    council = body(client, f"/organizations/{ids.council(feed.aldermoor.id)}")
    assert [s["name"] for s in council["services"]] == ["Wednesday walking group"]
    listed = body(client, "/organizations")["contents"]
    assert [o["name"] for o in listed] == [feed.aldermoor.name, "Sunrise Care", "Allotment Friends", "Amira Hussain"]


def test_a_list_larger_than_a_page_is_paginated(client, feed):
    pages = [body(client, f"/services?per_page=3&page={n}") for n in (1, 2, 3, 4)]
    assert [len(p["contents"]) for p in pages] == [3, 3, 1, 0]
    assert [(p["page_number"], p["size"], p["first_page"], p["last_page"], p["empty"]) for p in pages] == [
        (1, 3, True, False, False), (2, 3, False, False, False), (3, 1, False, True, False), (4, 0, False, True, True)]
    assert {p["total_items"] for p in pages} == {7} and {p["total_pages"] for p in pages} == {3}
    seen = [i for p in pages for i in ids_in(p)]
    assert len(seen) == len(set(seen)) == 7 and set(seen) == {ids.service(item.id) for item in feed.public}
    for page in pages:
        check_page("/services", page)
    terms = [body(client, f"/taxonomy_terms?per_page=20&page={n}") for n in (1, 2, 3)]
    assert [len(p["contents"]) for p in terms] == [20, 20, 4] and terms[2]["last_page"]


def test_per_page_is_fifty_unless_asked_and_at_most_a_hundred(app):
    for query, expected in (("", 50), ("?per_page=7", 7), ("?per_page=1000", 100), ("?per_page=" + "9" * 400, 100)):
        with app.test_request_context("/openreferral/services" + query):
            assert params.per_page() == expected


@pytest.mark.parametrize("query, titles", [
    ("search=sitting", {"Evening sitting service"}),
    ("search=SHOPPING%20trips", {"Shopping trips"}),
    ("search=sunrise", {"Personal care at home", "Cleaning and tidying", "Evening sitting service", "Shopping trips"}),
    ("search=nothing-like-this", set()),
    ("postcode=SK4%202AB", {"Personal care at home", "Cleaning and tidying", "Evening sitting service", "Wednesday walking group"}),
    ("postcode=sk1", {"Shopping trips", "Evening sitting service"}),  # SK1, and the one delivered online
    ("postcode=SK11AA", {"Shopping trips", "Evening sitting service"}),
])
def test_services_filter_by_search_and_postcode_district(client, feed, query, titles):
    page = body(client, f"/services?{query}")
    assert {record["name"] for record in page["contents"]} == titles
    check_page("/services", page)


def test_services_filter_by_taxonomy_term_organisation_and_date_and_the_filters_combine(client, feed):
    def titles(query, endpoint="/services"):
        page = body(client, f"{endpoint}?{query}")
        check_page(endpoint, page)
        return {record["service"]["name"] if "service" in record else record["name"] for record in page["contents"]}

    assert titles(f"taxonomy_term_id={ids.taxonomy_term(CATEGORIES, 'gardening')}") == {"Community allotment"}
    assert titles(f"taxonomy_term_id={ids.taxonomy_term(OUTCOMES, 'hygiene')}") == {"Personal care at home"}
    assert titles(f"taxonomy_id={ids.taxonomy(OUTCOMES)}") == {"Personal care at home", "Cleaning and tidying",
                                                                "Community allotment"}
    assert len(titles(f"taxonomy_id={ids.taxonomy(CATEGORIES)}")) == 7
    assert titles(f"taxonomy_id={uuid.uuid4()}") == set()
    assert titles(f"organization_id={ids.council(feed.aldermoor.id)}") == {"Wednesday walking group"}
    assert len(titles(f"organization_id={ids.organization(feed.sunrise.id)}")) == 4
    after = (START + timedelta(days=4)).isoformat().replace("+00:00", "Z")
    assert titles(f"modified_after={after}") == {"Community allotment", "Personal assistant in Aldermoor",
                                                 "Wednesday walking group"}
    assert titles(f"modified_after={(START + timedelta(days=4)).isoformat().replace('+', '%2B')}") == titles(f"modified_after={after}")
    sunrise = ids.organization(feed.sunrise.id)
    assert titles(f"organization_id={sunrise}&postcode=SK1") == {"Shopping trips", "Evening sitting service"}
    assert titles(f"organization_id={sunrise}&postcode=SK1&search=trips") == {"Shopping trips"}
    assert titles(f"organization_id={sunrise}&taxonomy_term_id={ids.taxonomy_term(CATEGORIES, 'gardening')}") == set()
    # the same filters on services at a venue
    assert titles("", "/service_at_locations") == {"Community allotment", "Wednesday walking group"}
    assert titles(f"organization_id={ids.council(feed.aldermoor.id)}", "/service_at_locations") == {"Wednesday walking group"}
    assert titles("postcode=SK2&search=allotment", "/service_at_locations") == {"Community allotment"}
    assert titles(f"taxonomy_term_id={ids.taxonomy_term(OUTCOMES, 'community')}&full=true",
                  "/service_at_locations") == {"Community allotment"}


def test_taxonomy_terms_and_organisations_filter_too(client, feed):
    outcomes = body(client, f"/taxonomy_terms?taxonomy_id={ids.taxonomy(OUTCOMES)}&per_page=100")
    assert outcomes["total_items"] == 10 and {t["taxonomy_id"] for t in outcomes["contents"]} == {ids.taxonomy(OUTCOMES)}
    assert body(client, "/taxonomy_terms?top_only=true")["total_items"] == 44
    assert body(client, f"/taxonomy_terms?parent_id={ids.taxonomy_term(CATEGORIES, 'gardening')}")["total_items"] == 0
    assert [t["term"] for t in body(client, "/taxonomy_terms?search=gardening")["contents"]] == ["gardening"]
    assert [t["id"] for t in body(client, "/taxonomies?search=care%20act")["contents"]] == [ids.taxonomy(OUTCOMES)]
    taxonomy = body(client, f"/taxonomies/{ids.taxonomy(OUTCOMES)}")
    assert len(taxonomy["taxonomy_terms"]) == 10
    assert [o["name"] for o in body(client, "/organizations?search=allot")["contents"]] == ["Allotment Friends"]


@pytest.mark.parametrize("endpoint", list(ITEMS))
def test_an_unknown_id_is_a_404_and_an_id_that_is_not_a_uuid_a_400(client, feed, endpoint):
    assert "nothing" in assert_error(client, f"{endpoint}/{uuid.uuid4()}", 404)["error"]["message"]
    assert "UUID" in assert_error(client, f"{endpoint}/not-a-uuid", 400)["error"]["message"]
    assert_error(client, f"{endpoint}/a/b", 400)
    assert_error(client, f"{endpoint}/%00{uuid.uuid4()}", 404)


def test_what_is_not_public_has_no_record(client, feed):
    for listing in feed.hidden:
        assert_error(client, f"/services/{ids.service(listing.id)}", 404)
    for organisation in (feed.suspended, feed.pending):
        assert_error(client, f"/organizations/{ids.organization(organisation.id)}", 404)
    assert_error(client, f"/service_at_locations/{ids.service_at_location(feed.personal_care.id)}", 404)  # no venue


@pytest.mark.parametrize("query", [
    "/services?page=0", "/services?page=-1", "/services?page=abc", "/services?page=1.5", "/services?page=1000001",
    "/services?page=" + "9" * 5000, "/services?per_page=0", "/services?per_page=-3", "/services?page=1&page=2",
    "/services?taxonomy_id=gardening", "/services?taxonomy_term_id=", "/services?organization_id=45",
    "/services?modified_after=yesterday", "/services?modified_after=2025-13-01T00:00:00Z", "/services?modified_after=2025-01-01",
    "/services?postcode=XYZ", "/services?postcode=SK4%202AB%20extra", "/services?full=maybe", "/services?minimal=1",
    "/services?format=ndjson", "/service_at_locations?proximity=1000", "/organizations?full_service=yes",
    "/taxonomy_terms?parent_id=x", "/taxonomies?per_page=ten", "/taxonomy_terms?top_only=",
])
def test_a_bad_parameter_is_a_400_with_the_one_error_shape(client, feed, query):
    assert_error(client, query, 400)


def test_odd_input_never_breaks_the_feed(client, feed):
    assert body(client, "/services?search=%00%00")["total_items"] == 7  # control characters are dropped
    assert body(client, "/services?search=%25")["total_items"] == 0  # a LIKE wildcard is just a character
    assert body(client, "/services?search=_")["total_items"] == 0
    assert body(client, "/services?page=999999&per_page=" + "9" * 30)["empty"]
    assert body(client, "/services?modified_after=0001-01-01T00:00:00%2B14:00")["total_items"] == 7
    assert body(client, "/services?modified_after=9999-12-31T23:59:59-12:00")["total_items"] == 0
    assert body(client, "/services?unknown=1&format=json")["total_items"] == 7  # parameters the feed does not know are ignored


def test_every_response_allows_any_origin_even_errors_and_preflights(client, feed):
    for url, status in (("/services", 200), ("/services?page=0", 400), (f"/services/{uuid.uuid4()}", 404),
                        ("/no-such-thing", 404), ("/services/", 404)):
        response = get(client, url, status)
        assert response.mimetype == "application/json"
    posted = client.post(BASE + "/services", data={"x": "1"})
    assert posted.status_code == 405 and posted.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in posted.headers["Allow"] and posted.get_json()["error"]["status"] == 405
    preflight = client.options(BASE + "/services", headers={"Origin": "https://directory.example.org",
                                                            "Access-Control-Request-Method": "GET",
                                                            "Access-Control-Request-Headers": "if-none-match"})
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert client.get("/catalogue").headers.get("Access-Control-Allow-Origin") is None  # the rest of the site is not open


def test_answers_are_cached_by_etag_and_by_date(client, feed, make):
    first = get(client, "/services")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = get(client, "/services", 304, **{"If-None-Match": etag})
    assert again.get_data() == b"" and again.headers["ETag"] == etag
    get(client, "/services", 304, **{"If-Modified-Since": modified})
    item = get(client, f"/services/{ids.service(feed.domestic.id)}")
    get(client, f"/services/{ids.service(feed.domestic.id)}", 304, **{"If-None-Match": item.headers["ETag"]})
    get(client, "/taxonomies", 304, **{"If-None-Match": get(client, "/taxonomies").headers["ETag"]})
    get(client, "/openapi.json", 304, **{"If-None-Match": get(client, "/openapi.json").headers["ETag"]})

    feed.domestic.title = "Cleaning, tidying and laundry"  # a change: the copies are out of date
    db.session.commit()
    changed = get(client, "/services", 200, **{"If-None-Match": etag})
    assert changed.headers["ETag"] != etag
    get(client, "/services", 200, **{"If-Modified-Since": modified})
    get(client, f"/services/{ids.service(feed.domestic.id)}", 200, **{"If-None-Match": item.headers["ETag"]})


def test_taking_a_listing_out_makes_the_list_newer_for_if_modified_since(client, feed, make):
    modified = get(client, "/services").headers["Last-Modified"]
    with_one_less = feed.public[-1]
    LISTING.move(with_one_less, "paused")
    db.session.commit()
    assert get(client, "/services", 200, **{"If-Modified-Since": modified}).get_json()["total_items"] == 6


def test_ids_are_the_same_from_another_app_on_the_same_database(client, feed, database, tmp_path):
    first = crawl(client)
    ids._known.clear()
    ids._worked_out.clear()  # as after a restart: nothing remembered
    other = make_app(database, tmp_path)
    second = crawl(other.test_client())
    assert first.keys() == second.keys()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    # The namespace is fixed for good: these are the ids the feed has always given.
    assert ids.make("service", 123) == str(uuid.uuid5(uuid.UUID("34d26ee9-46a8-5159-90b2-38f694676c8d"), "service:123"))
    assert ids.taxonomy_term(CATEGORIES, "gardening") == ids.make("taxonomy_term", "categories:gardening")


def test_nothing_private_is_ever_published(client, feed):
    everything = json.dumps(crawl(client))
    for hidden in feed.hidden:
        assert hidden.title not in everything and ids.service(hidden.id) not in everything
    for private in ("Shut Down Ltd", "Not Yet Ltd", "12.34", "1234", "Secret agreed rate",  # agreed rates
                    "Secret skill", "Private lived experience", "Weekday mornings",  # a personal assistant's profile
                    "amira@example.org", "suggester@example.org", "Sam Suggester"):
        assert private not in everything, private
    assert "Amira H." in everything  # the display name they chose to publish
    assert not re.search(r'"[a-z_]*(rating|review|score)[a-z_]*":', everything)  # buyers' ratings are not published
