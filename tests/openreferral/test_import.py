"""``flask catalogue import-oruk``: another directory's Open Referral UK feed becomes community entries
waiting for moderation; re-importing updates rather than duplicates, and changes nothing when nothing
changed; a bad record is skipped and reported; a feed that is down, slow or not HSDS-UK stops the import
with a plain message and leaves what was imported."""
from __future__ import annotations

import json
import shutil
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event

from catalogue import listings as listing_service
from catalogue.models import Listing
from marketplace.councils.models import Council
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.openreferral.cli import run, web_feed
from marketplace.openreferral.importer import BadRecord, ImportStopped, map_service, plain_text, record_id

from .. import factories
from ..catalogue.support import result_titles
from ..conftest import Database, make_app
from ..helpers import page_text

FEED = Path(__file__).parent / "fixtures" / "feed"
WALK, CAFE, PEERS, GARDEN, BAD, KNIT = (
    "3f1c9d2e-6b1a-4c8e-9a57-0d2b1f4e8a01", "8a7b6c5d-4e3f-4a2b-8c1d-0e9f8a7b6c02", "c4d3e2f1-0a9b-4c8d-8e7f-6a5b4c3d2e03",
    "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d04", "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c05", "5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d06")
TIMEOUT = 0.5


@pytest.fixture
def aldermoor(make):
    return make.council("aldermoor")


def import_oruk(app, source, *options, council="aldermoor"):
    result = app.test_cli_runner().invoke(args=["catalogue", "import-oruk", str(source), "--council", council, *options])
    db.session.expire_all()  # the command wrote through its own session
    return result


def imported() -> dict[str, Listing]:
    return {listing.imported_id: listing for listing in db.session.scalars(db.select(Listing).order_by(Listing.id))}


@contextmanager
def writes():
    """The INSERT, UPDATE and DELETE statements run inside the block."""
    seen = []

    def note(_conn, _cursor, statement, *_args):
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def copy_of_feed(tmp_path) -> Path:
    target = tmp_path / "feed"
    shutil.copytree(FEED, target)
    return target


def edit_service(folder: Path, page: int, ident: str, **changes) -> None:
    path = folder / f"services-{page}.json"
    data = json.loads(path.read_text())
    (record,) = [r for r in data["contents"] if r["id"] == ident]
    record.update(changes)
    path.write_text(json.dumps(data))


# --- a directory of pages ------------------------------------------------------------------


def test_two_pages_become_entries_waiting_for_moderation_and_the_malformed_record_is_skipped(app, aldermoor):
    result = import_oruk(app, FEED)

    assert result.exit_code == 0, result.output
    assert "Page 1 of 2: 3 created" in result.output and "Page 2 of 2: 5 created" in result.output
    assert "Pages read: 2. Created: 5. Updated: 0. Unchanged: 0. Skipped: 1." in result.output
    assert f"Skipped page 2, id {BAD}: its name is not text." in result.output
    made = imported()
    assert set(made) == {WALK, CAFE, PEERS, GARDEN, KNIT}
    for listing in made.values():
        assert (listing.kind, listing.status, listing.council_id, listing.organisation_id) == ("community", "submitted", aldermoor.id, None)
        assert (listing.price_pence, listing.imported_from) == (None, str(FEED.resolve()))
        assert listing.suggested_by_name == "Open Referral UK feed: feed" and listing.suggested_by_email is None
    assert db.session.scalar(db.select(db.func.count(Event.id)).where(Event.action == "listing.submitted")) == 5


def test_each_service_is_mapped_to_plain_bounded_community_fields(app, aldermoor):
    import_oruk(app, FEED)
    made = imported()

    walk = made[WALK]
    assert walk.title == "Reddish Walking for Health"
    assert walk.description == "A gentle guided walk around Reddish Vale every Monday.\n\nWalks last about an hour."
    assert walk.summary == "A gentle guided walk around Reddish Vale every Monday."
    assert (walk.category, walk.areas, walk.delivery_modes) == ("wellness", ["SK5"], ["venue"])
    assert walk.venue_address == "Reddish Vale Road, Stockport, SK5 7HE"
    assert walk.contact == "walks@example.org, https://walks.example.org/reddish"
    assert walk.how_to_join == "Get in touch: email walks@example.org or see https://walks.example.org/reddish"

    cafe = made[CAFE]
    assert (cafe.category, cafe.areas, cafe.price_pence, cafe.contact) == ("community-activities", ["SK4", "SK5"], None, "0161 555 0102")
    assert cafe.description.endswith("\n\nCost: £1.50 (per session for tea and cake).")

    peers = made[PEERS]
    assert (peers.category, peers.delivery_modes, peers.areas) == ("peer-support", ["online"], [])

    garden = made[GARDEN]
    assert garden.description == "Grow vegetables with neighbours. Tools provided & no experience needed."
    assert (garden.min_age, garden.areas) == (16, ["SK1"])


def test_re_importing_an_unchanged_feed_writes_nothing(app, aldermoor):
    import_oruk(app, FEED)
    before = {ident: listing.updated_at for ident, listing in imported().items()}

    with writes() as statements:
        result = import_oruk(app, FEED)

    assert result.exit_code == 0, result.output
    assert "Pages read: 2. Created: 0. Updated: 0. Unchanged: 5. Skipped: 1." in result.output
    assert statements == []
    assert {ident: listing.updated_at for ident, listing in imported().items()} == before


def test_a_changed_service_updates_its_pending_entry_and_nothing_else(app, aldermoor, tmp_path):
    folder = copy_of_feed(tmp_path)
    import_oruk(app, folder)
    edit_service(folder, 2, KNIT, description="Bring your needles. Wool is shared, and so is cake.")

    result = import_oruk(app, folder)

    assert "Created: 0. Updated: 1. Unchanged: 4. Skipped: 1." in result.output
    made = imported()
    assert len(made) == 5
    assert made[KNIT].description == "Bring your needles. Wool is shared, and so is cake."
    assert made[KNIT].status == "submitted"
    (updated,) = db.session.scalars(db.select(Event).where(Event.action == "listing.updated")).all()
    assert (updated.object_id, updated.detail["fields"]) == (made[KNIT].id, ["summary", "description"])


def test_an_entry_already_moderated_keeps_its_status_and_text_when_the_feed_changes(app, aldermoor, make, tmp_path):
    folder = copy_of_feed(tmp_path)
    import_oruk(app, folder)
    admin = make.user("administrator", aldermoor)
    made = imported()
    listing_service.change_status(admin, made[WALK], "published")
    listing_service.change_status(admin, made[CAFE], "rejected", "Not free.")
    edit_service(folder, 1, WALK, name="Reddish Walks")
    edit_service(folder, 1, CAFE, name="Heaton Chapel Café")

    with writes() as statements:
        result = import_oruk(app, folder)

    assert result.exit_code == 0, result.output
    assert "Updated: 0. Unchanged: 3." in result.output
    assert f"already published or turned down here, so left as they are: 2 ({WALK}, {CAFE})" in result.output
    assert statements == []
    made = imported()
    assert (made[WALK].status, made[WALK].title) == ("published", "Reddish Walking for Health")
    assert (made[CAFE].status, made[CAFE].title) == ("rejected", "Heaton Chapel Chatty Café")


def test_imported_entries_wait_in_the_councils_moderation_queue_and_are_not_searchable_until_published(
        app, aldermoor, make, browser, client):
    import_oruk(app, FEED)
    admin = make.user("administrator", aldermoor)
    browser.sign_in(admin.email)

    waiting = page_text(browser.get("/council/community"))
    assert "5 waiting for a decision." in waiting and "Reddish Walking for Health" in waiting
    detail = page_text(browser.get(f"/council/community/{imported()[WALK].id}"))
    assert "Suggested by Open Referral UK feed: feed" in detail
    assert result_titles(client.get("/catalogue?q=walking&council=aldermoor")) == []

    listing_service.change_status(admin, imported()[WALK], "published")

    assert result_titles(client.get("/catalogue?q=walking&council=aldermoor")) == ["Reddish Walking for Health"]


def test_an_unknown_council_or_source_is_refused_with_a_message(app, aldermoor, tmp_path):
    unknown = import_oruk(app, FEED, council="nowhere")
    missing = import_oruk(app, tmp_path / "no-such-feed")
    ftp = import_oruk(app, "ftp://example.org/openreferral")
    secret = import_oruk(app, "https://someone:secret@example.org/openreferral")
    not_json = tmp_path / "page.json"
    not_json.write_text("<html>Not a feed</html>")
    html = import_oruk(app, not_json)

    assert unknown.exit_code == 1 and "There is no council 'nowhere'" in unknown.output
    assert missing.exit_code == 1 and "is neither a web address nor a file or directory here" in missing.output
    assert ftp.exit_code == 1 and "is not an http or https address" in ftp.output
    assert secret.exit_code == 1 and "without a user name or password" in secret.output
    assert html.exit_code == 1 and "page.json is not an Open Referral UK list of services: it is not JSON" in html.output
    assert imported() == {}


def test_a_feed_already_imported_into_another_councils_catalogue_is_not_taken_over(app, aldermoor, make):
    import_oruk(app, FEED)
    make.council("birchley")

    result = import_oruk(app, FEED, council="birchley")

    assert "Created: 0. Updated: 0. Unchanged: 0. Skipped: 6." in result.output
    assert f"Skipped page 1, id {WALK}: it was imported into another council's catalogue." in result.output
    assert {listing.council_id for listing in imported().values()} == {aldermoor.id}


def test_a_feed_of_more_pages_than_are_read_in_one_go_stops_and_says_so(app, aldermoor, monkeypatch):
    monkeypatch.setattr("marketplace.openreferral.cli.MAX_PAGES", 1)

    result = import_oruk(app, FEED)

    assert result.exit_code == 1
    assert "Pages read: 1. Created: 3." in result.output
    assert "the feed has 2 pages and at most 1 are read in one go; the first 1 were imported" in result.output
    assert set(imported()) == {WALK, CAFE, PEERS}


# --- bad records ---------------------------------------------------------------------------

GOOD = {"id": "1", "name": "Good", "status": "active"}


@pytest.mark.parametrize("changes, reason", [
    ({"id": None}, "it has no id"),
    ({"id": 7}, "its id is not text"),
    ({"id": "x" * 101}, "its id is empty, longer than 100 characters or unprintable"),
    ({"name": ""}, "it has no name"),
    ({"name": "<b></b>"}, "it has no name"),
    ({"name": "n" * 201}, "its name is longer than 200 characters"),
    ({"description": "d" * 8001}, "its description is longer than 8000 characters"),
    ({"url": "javascript:alert(1)"}, "its url is not a web address starting http:// or https://"),
    ({"url": "ftp://example.org/file"}, "its url is not a web address starting http:// or https://"),
    ({"email": "not an address"}, "its email is not an email address"),
    ({"minimum_age": "12"}, "its minimum_age is not a number"),
    ({"maximum_age": 400}, "its maximum_age is not between 0 and 130"),
    ({"minimum_age": 60, "maximum_age": 18}, "The minimum age must not be above the maximum age"),
    ({"service_areas": "SK4"}, "its service_areas is not a list of objects"),
    ({"service_areas": [{"service_area": "SK1"}] * 201}, "its service_areas has more than 200 entries"),
    ({"service_at_locations": [{"location": "Stockport"}]}, "a location of it is not an object"),
    ({"cost_options": [{"amount": "five pounds"}]}, "its amount is not a number"),
    ({"status": "defunct"}, "the feed marks it defunct"),
])
def test_a_bad_record_is_refused_with_its_reason(app, changes, reason):
    record = {**GOOD, **changes}
    with pytest.raises(BadRecord) as refused:
        record_id(record)
        map_service(record)
    assert str(refused.value) == reason


@pytest.mark.parametrize("costs, description", [
    ({"cost_options": [{"option": "Public price", "amount": 0, "amount_description": "Free"}], "fees": "Free"}, "Meets weekly."),
    ({"cost_options": [{"amount": 2, "amount_description": "a session"}]}, "Meets weekly.\n\nCost: £2.00 (a session)."),
    ({"cost_options": [{"option": "Donations welcome"}]}, "Meets weekly.\n\nCost: Donations welcome."),
    ({"fees": "£3 for materials"}, "Meets weekly.\n\nCost: £3 for materials."),
])
def test_a_cost_stays_free_here_and_is_written_into_the_description(app, costs, description):
    fields = map_service({**GOOD, "description": "Meets weekly.", **costs})
    assert fields["description"] == description
    assert "price_pence" not in fields


def test_html_is_reduced_to_plain_text_and_plain_text_is_left_alone():
    assert plain_text("<h2>Who</h2><ul><li>Carers</li><li>Friends &amp; family</li></ul><style>p{}</style>") == \
        "Who\n\n- Carers\n\n- Friends & family"
    assert plain_text("Fish < chips, 2 > 1\n\nSecond paragraph") == "Fish < chips, 2 > 1\n\nSecond paragraph"
    assert plain_text("Meet at the <library> steps, <b>10am</b>") == "Meet at the <library> steps, 10am"
    assert plain_text("<a href='javascript:x'>Click</a>\x00 me", one_line=True) == "Click me"


def test_a_page_with_bad_and_duplicate_records_imports_only_the_whole_good_ones(app, aldermoor, tmp_path):
    page = {"total_pages": 1, "page_number": 1, "contents": [
        {"id": "a", "name": "First", "status": "active"},
        {"id": "b", "name": "Half good", "url": "javascript:alert(1)", "description": "Would be saved if checked late."},
        "not even an object",
        {"id": "a", "name": "First again", "status": "active"},
        {"id": "c", "name": "Last", "status": "active"},
    ]}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))

    result = import_oruk(app, path)

    assert "Created: 2. Updated: 0. Unchanged: 0. Skipped: 3." in result.output
    assert "Skipped page 1, id b: its url is not a web address starting http:// or https://." in result.output
    assert "Skipped page 1, id (no id): it is not an object." in result.output
    assert "Skipped page 1, id a: the feed has it twice (first on page 1)." in result.output
    assert {i: listing.title for i, listing in imported().items()} == {"a": "First", "c": "Last"}


# --- a feed over HTTP ----------------------------------------------------------------------


class FeedHandler(BaseHTTPRequestHandler):
    """Serves the fixture pages under /<mode>/openreferral/services: "ok", "slow" (page 2 takes longer
    than the import waits), "broken" (a 500 error page) or "html" (a web page, not a feed)."""

    def do_GET(self):
        url = urlsplit(self.path)
        mode = url.path.split("/")[1]
        page = int(parse_qs(url.query).get("page", ["1"])[0])
        self.server.requests.append(self.path)
        if mode == "broken":
            return self._send(500, "text/html", b"<html><h1>Internal Server Error</h1></html>")
        if mode == "html":
            return self._send(200, "text/html", b"<html><h1>Our directory</h1></html>")
        if mode == "slow" and page == 2:
            time.sleep(TIMEOUT * 4)
        body = (FEED / f"services-{page}.json").read_bytes() if page in (1, 2) else b'{"contents": []}'
        self._send(200, "application/json", body)

    def _send(self, status, content_type, body):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the importer gave up waiting and hung up
            pass

    def log_message(self, *_args):
        pass


@pytest.fixture
def server():
    made = ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    made.daemon_threads = True
    made.requests = []
    thread = threading.Thread(target=made.serve_forever, daemon=True)
    thread.start()
    yield made, f"http://127.0.0.1:{made.server_address[1]}"
    made.shutdown()
    made.server_close()


def test_a_feed_over_http_is_walked_page_by_page_and_its_services_url_is_the_same_feed(app, aldermoor, server):
    httpd, root = server

    first = import_oruk(app, f"{root}/ok/openreferral/", "--timeout", str(TIMEOUT))
    again = import_oruk(app, f"{root}/ok/openreferral/services?page=1", "--timeout", str(TIMEOUT))

    assert "Pages read: 2. Created: 5." in first.output and first.exit_code == 0
    assert "Pages read: 2. Created: 0. Updated: 0. Unchanged: 5." in again.output
    assert httpd.requests[:2] == ["/ok/openreferral/services?page=1&per_page=50&full=true",
                                  "/ok/openreferral/services?page=2&per_page=50&full=true"]
    assert {listing.imported_from for listing in imported().values()} == {f"{root}/ok/openreferral"}


def test_a_slow_feed_stops_with_a_clear_message_and_keeps_the_pages_already_imported(app, aldermoor, server):
    _httpd, root = server

    started = time.monotonic()
    result = import_oruk(app, f"{root}/slow/openreferral", "--timeout", str(TIMEOUT))

    assert time.monotonic() - started < TIMEOUT * 4
    assert result.exit_code == 1
    assert "Pages read: 1. Created: 3." in result.output
    assert (f"The import stopped: {root}/slow/openreferral/services?page=2&per_page=50&full=true did not answer "
            f"within {TIMEOUT:g} seconds. What was imported before this stays.") in result.output
    assert set(imported()) == {WALK, CAFE, PEERS}


def test_a_broken_or_non_feed_address_stops_with_a_clear_message(app, aldermoor, server):
    _httpd, root = server

    broken = import_oruk(app, f"{root}/broken/openreferral", "--timeout", str(TIMEOUT))
    html = import_oruk(app, f"{root}/html/openreferral", "--timeout", str(TIMEOUT))
    down = import_oruk(app, "http://127.0.0.1:9/openreferral", "--timeout", str(TIMEOUT))

    assert broken.exit_code == html.exit_code == down.exit_code == 1
    assert "answered 500 Internal Server Error: the feed is not working" in broken.output
    assert "is not an Open Referral UK list of services: it is not JSON" in html.output
    assert "could not reach http://127.0.0.1:9/openreferral/services" in down.output
    assert imported() == {}


# --- our own feed, into a second instance ----------------------------------------------------


@pytest.fixture
def second_app(tmp_path):
    """Another instance of the product on its own empty database, migrated; yields inside its context."""
    from flask_migrate import upgrade

    database = Database(tmp_path)
    other = make_app(database, tmp_path)
    with other.app_context():
        upgrade()
        factories.council("aldermoor")
        yield other
        db.session.remove()
        db.engine.dispose()
    database.drop()


def fetch_with(client):
    """Reads the feed through a Flask test client instead of the network (the importer's ``fetch``)."""
    def fetch(url, _timeout):
        parts = urlsplit(url)
        response = client.get(f"{parts.path}?{parts.query}")
        if response.status_code != 200:
            raise ImportStopped(f"{url} answered {response.status_code}")
        return response.data
    return fetch


def test_importing_our_own_feed_into_an_empty_instance_reproduces_its_services(app, make, client, second_app):
    with app.app_context():
        council = make.council("aldermoor")
        provider = make.organisation(name="Greenfingers Co-op", approved_in=[council])
        make.listing(council=council, title="Reddish walking group", summary="A gentle walk every Monday.",
                     description="Meet at the <library> steps & bring water.", areas=("SK5", "SK4"), price_pence=None,
                     delivery_modes=("venue",), how_to_join="Just turn up at 10am.", contact="walks@example.org")
        make.listing(council=council, title="Online carers' circle", summary="A weekly video call.", areas=(),
                     delivery_modes=("online",), price_pence=None)
        make.listing(provider, title="Garden help", summary="Mowing and weeding.", description="Tools provided.",
                     areas=("SK1",), price_pence=2000)
        make.listing(council=council, title="Still waiting", status="submitted", price_pence=None)
    published = client.get("/openreferral/services?full=true&per_page=100").get_json()["contents"]
    assert len(published) == 3

    feed = web_feed("http://localhost/openreferral", per_page=2, fetch=fetch_with(client))
    (aldermoor,) = db.session.scalars(db.select(Council)).all()
    steps = list(run(feed, aldermoor))
    summary = steps[-1][2]

    assert (summary.pages, summary.created, summary.skipped) == (2, 3, [])
    made = {listing.title: listing for listing in db.session.scalars(db.select(Listing))}
    for service in published:
        listing = made[service["name"]]
        assert listing.status == "submitted" and listing.imported_id == service["id"]
        assert listing.areas == [area["name"] for area in service.get("service_areas", [])]
        paid = service["cost_options"][0]["amount"]
        cost = f"\n\nCost: £{paid:,.2f} (Public price an hour)." if paid else ""
        assert listing.description == service["description"] + cost

    with writes() as statements:
        again = list(run(web_feed("http://localhost/openreferral/services", fetch=fetch_with(client)), aldermoor))[-1][2]
    assert (again.created, again.updated, again.unchanged, again.skipped) == (0, 0, 3, [])
    assert statements == []
