"""CQC ratings come from the CQC's care directory, matched on the location id each organisation gave:
the import tolerates the file's preamble, column order and encoding, skips and reports rows it cannot
read, lists rows it cannot match and organisations missing from the file; providers cannot type a rating."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.providers import cqc

from ..helpers import Browser, page_text

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "cqc_directory.csv"
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW) as frozen:
        yield frozen


@pytest.fixture
def regulated(make):
    """Organisations as their providers typed the ids: spaces, lower case; one the file does not have,
    one whose row in the file is unreadable (it keeps its earlier rating)."""
    council = make.council("aldermoor")

    def org(name, location_id, **fields):
        organisation, _admin = make.provider(council, name=name)
        organisation.cqc_location_id = location_id
        for key, value in fields.items():
            setattr(organisation, key, value)
        return organisation

    made = {
        "brightwater": org("Brightwater", "1-101000001"),
        "elm": org("Elm Court", " 1-101 000 002 "),
        "harbour": org("Harbour Lodge", "1-101000003"),
        "kestrel": org("Kestrel", "rxx01"),
        "dawn": org("New Dawn", "1-101000005", cqc_rating="Good"),  # now not yet rated
        "calendar": org("Calendar Care", "1-101000006", cqc_rating="Good", cqc_checked_on=date(2024, 1, 2)),
        "typo": org("Typo Care", "1-555555555"),
        "unregulated": org("Gardeners", None),
    }
    db.session.commit()
    return made


def text_of(response) -> str:
    """The page's text as a person reads it: no space before the punctuation that follows a tag."""
    return re.sub(r"\(\s+", "(", re.sub(r"\s+([,.)])", r"\1", page_text(response)))


def ratings(made: dict) -> dict:
    db.session.expire_all()
    return {key: (o.cqc_rating, o.cqc_checked_on) for key, o in made.items()}


def test_matches_each_row_on_the_location_id_whatever_its_case_and_spaces(regulated):
    result = cqc.import_directory(FIXTURE.read_bytes())
    assert ratings(regulated) == {
        "brightwater": ("Outstanding", date(2026, 5, 3)),
        "elm": ("Good", date(2026, 4, 14)),
        "harbour": ("Requires improvement", date(2025, 11, 1)),
        "kestrel": ("Inadequate", date(2026, 1, 20)),
        "dawn": (None, None),
        "calendar": ("Good", date(2024, 1, 2)),  # its row has a bad date: skipped whole, never half-applied
        "typo": (None, None),
        "unregulated": (None, None),
    }
    assert regulated["brightwater"].cqc_url == "https://www.cqc.org.uk/location/1-101000001"
    assert regulated["brightwater"].cqc_imported_at == NOW
    assert regulated["calendar"].cqc_imported_at is None
    assert (result.rows, result.updated) == (8, 5)
    assert {m.organisation_name: m.cqc_name for m in result.matched}["Elm Court"] == "Elm Court, Care & Nursing <Home>"


def test_reports_the_rows_it_could_not_match_and_could_not_read_by_line(regulated):
    result = cqc.import_directory(FIXTURE.read_bytes())
    assert [(u.line, u.location_id, u.name) for u in result.unmatched] == [(10, "1-999999999", "Faraway House")]
    assert [(u.line, u.location_id) for u in result.unreadable] == [(11, "1-101000006"), (12, "1-101000007")]
    assert "31/02/2026" in result.unreadable[0].why and "is not a date" in result.unreadable[0].why
    assert '"Excellent" is not one the CQC gives' in result.unreadable[1].why


def test_reports_the_organisations_whose_location_id_is_not_in_the_file(regulated):
    result = cqc.import_directory(FIXTURE.read_bytes())
    assert [(m.name, m.location_id) for m in result.missing] == [("Typo Care", "1-555555555")]


def test_any_column_order_header_names_preamble_and_windows_1252(regulated):
    text = ("Some other title line\r\n\r\n"
            "Overall rating,  location ID ,Name,Date of latest check,Location URL\r\n"
            "Good,1-101000001,Brightwater Café\x07,1 May 2026,javascript:alert(1)\r\n"
            ",,No id here,,\r\n"
            "\r\n"
            "good,1-101000003,Harbour Lodge,2026-02-01,https://www.cqc.org.uk/location/1-101000003\r\n")
    result = cqc.import_directory(text.encode("cp1252"))
    assert (ratings(regulated)["brightwater"], ratings(regulated)["harbour"]) == (
        ("Good", date(2026, 5, 1)), ("Good", date(2026, 2, 1)))
    assert regulated["brightwater"].cqc_url is None  # only an http or https link is kept
    assert result.matched[0].cqc_name == "Brightwater Café"  # the bell character is dropped
    assert [(u.line, u.why) for u in result.unreadable] == [(5, "There is no CQC location ID.")]
    assert result.rows == 3  # the blank line is not a row


def test_the_same_location_twice_uses_the_first_row_and_reports_the_second(regulated):
    text = ("CQC Location (for office use only),Latest overall rating\n1-101000001,Good\n1-101000001,Inadequate\n")
    result = cqc.import_directory(text.encode())
    assert ratings(regulated)["brightwater"][0] == "Good"
    assert [(u.line, u.why) for u in result.unreadable] == [(3, "The same location ID is on line 2, which was used.")]


def test_importing_the_same_file_twice_gives_the_same_result(regulated, frozen_clock):
    first = cqc.import_directory(FIXTURE.read_bytes())
    before = ratings(regulated)
    frozen_clock.advance(hours=1)
    second = cqc.import_directory(FIXTURE.read_bytes())
    assert ratings(regulated) == before
    assert (second.rows, second.matched, second.unmatched, second.unreadable, second.missing) == (
        first.rows, first.matched, first.unmatched, first.unreadable, first.missing)


@pytest.mark.parametrize("data, problem", [
    (b"", "The file is empty."),
    (b"Name,Postcode\nSomewhere,SK4 1AA\n", "This does not look like the CQC's care directory"),
    (b"CQC Location (for office use only),Name\n1-101000001,Brightwater\n", "no column for the latest overall rating"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "This does not look like the CQC's care directory"),
])
def test_a_file_that_is_not_the_directory_is_refused_and_changes_nothing(regulated, data, problem):
    with pytest.raises(DomainError, match=problem.replace("(", r"\(")):
        cqc.import_directory(data)
    db.session.rollback()
    assert ratings(regulated)["dawn"] == ("Good", None)


def test_a_file_over_the_limit_is_refused(regulated, monkeypatch):
    monkeypatch.setattr(cqc, "MAX_BYTES", 100)
    with pytest.raises(DomainError, match="larger than"):
        cqc.import_directory(io.BytesIO(FIXTURE.read_bytes()))


def test_the_demo_directory_imports_through_the_same_code(regulated):
    organisations = [regulated["brightwater"], regulated["typo"]]
    text = cqc.demo_directory(organisations)
    assert text.startswith("Care directory with ratings") and "\r\n\r\n" in text  # a preamble, as the CQC's has
    result = cqc.import_directory(text.encode())
    assert (result.rows, result.updated, result.unreadable, result.unmatched) == (2, 2, [], [])
    assert regulated["typo"].cqc_url == "https://www.cqc.org.uk/location/1-555555555"


# --- the command ------------------------------------------------------------------------------

def test_the_command_imports_and_reports(app, regulated):
    result = app.test_cli_runner().invoke(args=["providers", "import-cqc", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert ("Read 8 rows. 5 organisations updated. 1 row matches no organisation. 2 rows could not be read and were "
            "skipped.") in result.output
    assert "line 10: 1-999999999 Faraway House" in result.output
    assert "line 12 (Mystery Care): The rating" in result.output
    assert "Typo Care (location 1-555555555)" in result.output
    assert ratings(regulated)["brightwater"] == ("Outstanding", date(2026, 5, 3))


def test_the_command_fails_when_the_file_cannot_be_read(app, regulated, tmp_path):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["providers", "import-cqc", str(tmp_path / "nowhere.csv")])
    assert missing.exit_code == 1 and "Could not open" in missing.output
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Name,Postcode\n")
    refused = runner.invoke(args=["providers", "import-cqc", str(wrong)])
    assert refused.exit_code == 1 and "does not look like the CQC's care directory" in refused.output


# --- the administrator's page -------------------------------------------------------------------

def upload(browser, data: bytes = None, **extra):
    body = {"directory": (io.BytesIO(data if data is not None else FIXTURE.read_bytes()), "directory.csv"), **extra}
    return browser.submit("/admin/cqc", body, content_type="multipart/form-data")


def test_an_administrator_uploads_the_directory_and_reads_the_report(app, make, regulated):
    admin = make.user(R.ADMINISTRATOR, make.council("birchley"))  # any council's administrator
    browser = Browser(app.test_client())
    browser.sign_in(admin.email)
    assert "Import CQC ratings from the CQC's care directory" in page_text(browser.get("/admin/organisations"))
    response = upload(browser)
    assert response.status_code == 200
    html, text = response.get_data(as_text=True), page_text(response)
    assert "Read 8 rows. 5 organisations updated. 1 row matches no organisation here. 2 rows could not be read" in text
    assert "Typo Care 1-555555555" in text
    assert "11 The date of the latest check \"31/02/2026\" is not a date" in text
    assert "10 1-999999999 Faraway House" in text
    assert "Elm Court, Care &amp; Nursing &lt;Home&gt;" in html and "<Home>" not in html
    assert html.count("<h1") == 1
    assert ratings(regulated)["harbour"][0] == "Requires improvement"


def test_the_page_says_what_is_wrong_with_a_file_that_is_not_the_directory(app, make, regulated):
    browser = Browser(app.test_client())
    browser.sign_in(make.user(R.ADMINISTRATOR, make.council("aldermoor")).email)
    response = upload(browser, b"Name,Postcode\n")
    assert response.status_code == 200 and "This does not look like the CQC's care directory" in page_text(response)
    assert "The file must be a CSV file" in page_text(browser.submit(
        "/admin/cqc", {"directory": (io.BytesIO(b"x"), "directory.xlsx")}, content_type="multipart/form-data"))


def test_the_page_takes_a_file_larger_than_other_uploads_and_refuses_one_over_its_limit(app, make, regulated, monkeypatch):
    browser = Browser(app.test_client())
    browser.sign_in(make.user(R.ADMINISTRATOR, make.council("aldermoor")).email)
    padding = b"".join(b",Somewhere Else %d,Good,,1-3%08d,01/01/2026\r\n" % (n, n) for n in range(250_000))
    big = FIXTURE.read_bytes() + padding  # over the 8 MB every other form is held to
    assert len(big) > app.config["MAX_CONTENT_LENGTH"]
    response = upload(browser, big)
    assert response.status_code == 200 and "Read 250008 rows. 5 organisations updated. 250001 rows match" in page_text(response)
    monkeypatch.setattr(cqc, "MAX_BYTES", 0)  # the page then takes 1 MB at most
    assert upload(browser, big).status_code == 413


@pytest.mark.parametrize("who", ["provider", "holder", "coordinator"])
def test_nobody_but_an_administrator_may_import(app, make, regulated, who):
    council = make.council("aldermoor")
    if who == "provider":
        _org, person = make.provider(council)
    elif who == "holder":
        person = make.user()
        make.holder(council, user=person)
    else:
        person = make.user(R.CARE_COORDINATOR, council)
    browser = Browser(app.test_client())
    browser.sign_in(person.email)
    assert browser.get("/admin/cqc").status_code == 403
    posted = browser.client.post("/admin/cqc", data={"directory": (io.BytesIO(FIXTURE.read_bytes()), "d.csv")},
                                 content_type="multipart/form-data")
    assert posted.status_code in (400, 403)
    assert ratings(regulated)["brightwater"] == (None, None)


def test_the_upload_needs_the_forms_csrf_token(app, make, regulated):
    browser = Browser(app.test_client())
    browser.sign_in(make.user(R.ADMINISTRATOR, make.council("aldermoor")).email)
    response = browser.client.post("/admin/cqc", data={"directory": (io.BytesIO(FIXTURE.read_bytes()), "d.csv")},
                                   content_type="multipart/form-data")
    assert response.status_code == 400
    assert ratings(regulated)["brightwater"] == (None, None)


# --- what providers and the public see -------------------------------------------------------------

def test_a_provider_cannot_set_a_rating_through_the_profile_form(app, make):
    council = make.council("aldermoor")
    organisation, admin = make.provider(council, name="Greenfingers")
    organisation.cqc_location_id, organisation.cqc_rating = "1-101000001", "Requires improvement"
    db.session.commit()
    browser = Browser(app.test_client())
    browser.sign_in(admin.email)
    url = f"/provider/organisations/{organisation.id}/profile"
    assert "cqc_rating" not in browser.get(url).get_data(as_text=True)
    response = browser.submit(url, {"name": "Greenfingers", "cqc_location_id": "1-101000001", "cqc_rating": "Outstanding"})
    assert response.status_code == 302
    db.session.expire_all()
    assert organisation.cqc_rating == "Requires improvement"
    browser.submit(url, {"name": "Greenfingers", "cqc_location_id": "1-999999999"})
    db.session.expire_all()
    assert (organisation.cqc_location_id, organisation.cqc_rating) == ("1-999999999", None)  # a new location waits for the import


def test_the_listing_and_organisation_pages_show_the_regulators_rating_with_its_date_and_link(app, make, regulated):
    listing = make.listing(regulated["brightwater"], title="Home care visits")
    not_rated = make.listing(regulated["dawn"], title="Evening visits")
    cqc.import_directory(FIXTURE.read_bytes())
    client = app.test_client()
    page = client.get(f"/catalogue/listings/{listing.id}")
    assert ("Care Quality Commission rating: Outstanding, inspected 3 May 2026 (see the CQC's report on Brightwater). "
            "This is the regulator's rating, not a rating by people who used the service.") in text_of(page)
    assert 'href="https://www.cqc.org.uk/location/1-101000001"' in page.get_data(as_text=True)
    assert "Care Quality Commission rating" not in text_of(client.get(f"/catalogue/listings/{not_rated.id}"))
    profile = text_of(client.get(f"/catalogue/organisations/{regulated['brightwater'].id}"))
    assert "Care Quality Commission rating: Outstanding, inspected 3 May 2026" in profile
    assert "has not rated New Dawn yet" in page_text(client.get(f"/catalogue/organisations/{regulated['dawn'].id}"))
    assert "not regulated by the Care Quality Commission" in page_text(
        client.get(f"/catalogue/organisations/{regulated['unregulated'].id}"))
