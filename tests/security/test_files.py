"""Holes 8 and 9: what people download is escaped for its format (invoice PDFs, payment-run CSV
files), and photos are stored without the camera's metadata (a GPS position was published)."""
from __future__ import annotations

import csv
import io

from PIL import Image
from reportlab.platypus import Paragraph

from catalogue import listings
from marketplace.billing import payments
from marketplace.billing.gateways.manual import payment_run_csv
from marketplace.billing.pdf import invoice_pdf
from marketplace.providers import banking

from ..billing.support import fresh, invoice_of
from ..factories import PASSWORD


def test_markup_in_names_is_printed_in_the_invoice_pdf_not_obeyed(market, monkeypatch):
    jo = market()
    jo.organisation.name = 'Bold <b>Care & Co <img src="/etc/passwd" width="9" height="9"/>'
    jo.holder.name = "Jo <i>Holder"
    invoice = invoice_of(jo.order())
    written = []
    real = Paragraph.__init__

    def record(self, text, *args, **kwargs):
        written.append(text)
        real(self, text, *args, **kwargs)
    monkeypatch.setattr(Paragraph, "__init__", record)
    pdf = invoice_pdf(invoice)
    assert pdf.startswith(b"%PDF")
    assert all("<img" not in text and "<b>" not in text and "<i>" not in text for text in written)
    assert any("&lt;img src=&quot;/etc/passwd&quot;" in text or "&lt;img src=\"/etc/passwd\"" in text for text in written)


def test_a_formula_in_a_name_reaches_the_bank_file_as_text(market):
    jo = market(deployment="council_managed")
    jo.organisation.name = '=HYPERLINK("http://evil.example","Pay here")'
    banking.set_bank_details(jo.provider_user, jo.organisation, account_name=jo.organisation.name, sort_code="200000",
                             account_number="12345678")
    invoice = invoice_of(jo.order())
    payments.approve(jo.finance, invoice)
    (payment,) = fresh(invoice).payments
    rows = list(csv.reader(io.StringIO(payment_run_csv([payment]))))
    payee = rows[0][2]  # the bank file has no header row; the name on the account is the third column
    assert not payee.startswith(("=", "+", "-", "@")) and "HYPERLINK" in payee


def _photo_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "green")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (53.0, 24.0, 0.0), 3: "W", 4: (2.0, 9.0, 0.0)}  # GPSInfo: Stockport
    exif[0x010F] = "Phone maker"
    exif[0x0112] = 6  # taken on its side
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_photos_location_and_camera_details_are_not_stored(make):
    council = make.council()
    organisation, person = make.provider(council)
    listing = make.listing(organisation)
    original = _photo_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get(0x8825)
    photo = listings.add_photo(person, listing, original, "A green field")
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert not stored.getexif() and "exif" not in stored.info
        assert (stored.width, stored.height, photo.width, photo.height) == (30, 40, 30, 40)  # turned upright


def test_control_characters_typed_into_a_form_are_dropped_and_a_nul_never_reaches_the_database(app, make):
    from marketplace.accounts.models import User
    from marketplace.extensions import db

    from ..helpers import Browser

    make.user(email="sam@example.com", name="Sam")
    browser = Browser(app.test_client())
    browser.sign_in("sam@example.com", PASSWORD)
    response = browser.submit("/account", {"details-name": "Sam\x00 Person\x1b[31m\tthe second", "details-phone": "0161\x00",
                                           "details-submit": "Save"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.scalar(db.select(User).filter_by(email="sam@example.com"))
    assert (user.name, user.phone) == ("Sam Person[31m\tthe second", "0161")


def test_a_path_part_with_a_nul_is_not_found(client):
    assert client.get("/councils/ald%00ermoor/brand.css").status_code == 404
