"""Schemathesis against the OpenAPI document the feed serves, through the WSGI app: for every
operation, generated requests (valid ones, and ones that break the document on purpose) must get
no server error, a status, content type, headers and body the document allows, a 2xx for valid
parameters and a 4xx for invalid ones, and a 405 with Allow for a method the feed does not answer.

Bounded so the whole file takes well under a minute: at most 20 examples an operation, no
deadline (the machine is shared), a small fixed catalogue. It runs in the normal suite."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from jsonschema import Draft4Validator
from schemathesis.specs.openapi.definitions import OPENAPI_30  # the official JSON Schema of OpenAPI 3.0

from marketplace.openreferral import ids
from marketplace.openreferral.terms import CATEGORIES, OUTCOMES

from .conftest import build_feed_catalogue


@pytest.fixture
def feed_schema(request, app, make):
    """The served document, loaded through the app, with the fixed catalogue behind it."""
    # Schemathesis 4 renames the test node through ``_nodeid``, which pytest 9 no longer keeps: give it one.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    app.extensions["openreferral_test_catalogue"] = build_feed_catalogue()
    return schemathesis.openapi.from_wsgi("/openreferral/openapi.json", app)


schema = schemathesis.pytest.from_fixture("feed_schema")


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_the_feed_keeps_to_its_openapi_document(case):
    case.call_and_validate()


def test_real_records_keep_to_the_document_too(feed_schema, app):
    """Generated ids are almost never real: ask for every real record, whole and in lists, by hand."""
    made = app.extensions["openreferral_test_catalogue"]
    items = {"/services/{id}": [ids.service(listing.id) for listing in made.public],
             "/service_at_locations/{id}": [ids.service_at_location(made.garden.id), ids.service_at_location(made.walking.id)],
             "/organizations/{id}": [ids.organization(made.sunrise.id), ids.organization(made.pa.id), ids.council(made.aldermoor.id)],
             "/taxonomies/{id}": [ids.taxonomy(CATEGORIES), ids.taxonomy(OUTCOMES)],
             "/taxonomy_terms/{id}": [ids.taxonomy_term(CATEGORIES, "gardening"), ids.taxonomy_term(OUTCOMES, "community")]}
    for path, values in items.items():
        operation = feed_schema[path]["GET"]
        for value in values:
            response = operation.Case(path_parameters={"id": value}).call_and_validate()
            assert response.status_code == 200
    lists = {"/services": [{}, {"full": "true"}, {"minimal": "true"}, {"per_page": "3", "page": "3"}],
             "/organizations": [{}, {"full": "true"}, {"full_service": "true"}],
             "/service_at_locations": [{}, {"full": "true"}], "/taxonomies": [{}], "/taxonomy_terms": [{"per_page": "100"}]}
    for path, queries in lists.items():
        for query in queries:
            response = feed_schema[path]["GET"].Case(query=query).call_and_validate()
            assert response.status_code == 200 and response.json()["contents"]
    assert feed_schema["/"]["GET"].Case().call_and_validate().status_code == 200


def test_the_document_is_valid_openapi_and_has_every_route_of_the_feed(app, client):
    document = client.get("/openreferral/openapi.json").get_json()
    assert [error.message for error in Draft4Validator(OPENAPI_30).iter_errors(document)] == []
    routes = {rule.rule.removeprefix("/openreferral").replace("<path:id>", "{id}") or "/"
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("openreferral.")}
    assert routes - {"/openapi.json"} == set(document["paths"])
    assert {method for item in document["paths"].values() for method in item if method != "parameters"} == {"get"}
