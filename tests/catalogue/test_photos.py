"""Providers add photos to listings; only real, modest PNG, JPEG or WebP images are kept."""
from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from catalogue import listings
from catalogue.models import ListingPhoto
from marketplace.errors import DomainError
from marketplace.extensions import db

from ..helpers import page_text

NOT_A_PHOTO = "The file must be a photo in JPG, PNG or WebP format."


def image_bytes(fmt="PNG", size=(40, 30), noise=False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (34, 139, 34))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def listing(make):
    council = make.council("aldermoor")
    organisation, admin = make.provider(council, name="Greenfingers Co-op")
    made = make.listing(organisation, title="Bramble clearing", category="gardening")
    return made, admin


def _upload(browser, listing, data: bytes, filename: str, alt_text="A tidy garden after clearing"):
    preview = f"/provider/listings/{listing.id}/preview"
    return browser.submit(f"/provider/listings/{listing.id}/photos",
                          {"photo": (io.BytesIO(data), filename), "alt_text": alt_text}, form_url=preview,
                          follow_redirects=True)


def _photos():
    return db.session.scalars(db.select(ListingPhoto)).all()


def test_real_png_is_accepted_and_shown_on_the_listing(listing, browser, client):
    made, admin = listing
    browser.sign_in(admin.email)
    png = image_bytes("PNG")

    response = _upload(browser, made, png, "garden.png")

    assert "Photo added." in page_text(response)
    (photo,) = _photos()
    assert (photo.content_type, photo.width, photo.height, photo.alt_text) == ("image/png", 40, 30,
                                                                              "A tidy garden after clearing")
    served = client.get(f"/catalogue/photos/{photo.id}")
    assert (served.status_code, served.mimetype, served.data) == (200, "image/png", png)
    assert f'src="/catalogue/photos/{photo.id}" alt="A tidy garden after clearing"' in client.get(
        f"/catalogue/listings/{made.id}").get_data(as_text=True)


@pytest.mark.parametrize("fmt, filename, content_type", [("JPEG", "garden.jpg", "image/jpeg"),
                                                         ("WEBP", "garden.webp", "image/webp")])
def test_real_jpeg_and_webp_are_accepted(listing, browser, fmt, filename, content_type):
    made, admin = listing
    browser.sign_in(admin.email)

    _upload(browser, made, image_bytes(fmt), filename)

    assert [p.content_type for p in _photos()] == [content_type]


def test_text_file_renamed_png_is_refused_with_a_clear_message(listing, browser):
    made, admin = listing
    browser.sign_in(admin.email)

    response = _upload(browser, made, b"This is not a picture of a garden.\n" * 20, "garden.png")

    assert NOT_A_PHOTO in page_text(response)
    assert _photos() == []


def test_gif_renamed_png_is_refused(listing, browser):
    made, admin = listing
    browser.sign_in(admin.email)

    response = _upload(browser, made, image_bytes("GIF"), "garden.png")

    assert NOT_A_PHOTO in page_text(response)
    assert _photos() == []


def test_truncated_png_is_refused(listing, browser):
    made, admin = listing
    browser.sign_in(admin.email)

    response = _upload(browser, made, image_bytes("PNG", size=(200, 200), noise=True)[:300], "garden.png")

    assert NOT_A_PHOTO in page_text(response)
    assert _photos() == []


def test_photo_over_2_mb_is_refused(listing, browser):
    made, admin = listing
    browser.sign_in(admin.email)
    big = image_bytes("PNG", size=(900, 900), noise=True)
    assert len(big) > 2 * 1024 * 1024

    response = _upload(browser, made, big, "garden.png")

    assert "The photo must be smaller than 2 MB." in page_text(response)
    assert _photos() == []


def test_photo_wider_than_6000_pixels_is_refused(listing, browser):
    made, admin = listing
    browser.sign_in(admin.email)

    response = _upload(browser, made, image_bytes("PNG", size=(6001, 1)), "banner.png")

    assert "The photo must be at most 6000 pixels wide and high." in page_text(response)
    assert _photos() == []


def test_file_without_a_photo_extension_is_refused(listing, browser):
    made, admin = listing
    browser.sign_in(admin.email)

    response = _upload(browser, made, image_bytes("PNG"), "garden.txt")

    assert "The file must be a JPG, PNG or WebP photo" in page_text(response)
    assert _photos() == []


def test_photo_needs_a_description_for_people_who_cannot_see_it(listing, browser):
    made, admin = listing
    browser.sign_in(admin.email)

    response = _upload(browser, made, image_bytes("PNG"), "garden.png", alt_text="")

    assert "Describe the photo" in page_text(response)
    assert _photos() == []


def test_listing_holds_at_most_six_photos(listing):
    made, admin = listing
    for n in range(6):
        listings.add_photo(admin, made, image_bytes("PNG"), f"Photo {n}")

    with pytest.raises(DomainError, match="A listing can have at most 6 photos."):
        listings.add_photo(admin, made, image_bytes("PNG"), "One too many")


def test_provider_can_remove_a_photo(listing, browser):
    made, admin = listing
    photo = listings.add_photo(admin, made, image_bytes("PNG"), "A garden")
    browser.sign_in(admin.email)

    response = browser.submit(f"/provider/photos/{photo.id}/delete", form_url=f"/provider/listings/{made.id}/preview",
                              follow_redirects=True)

    assert "Photo removed." in page_text(response)
    assert _photos() == []
