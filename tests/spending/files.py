"""Receipt files for the tests, made here: photos with Pillow, PDFs with ReportLab, and hostile ones."""
from __future__ import annotations

import io
import re
import zlib

from PIL import Image
from reportlab.pdfgen import canvas


def photo(kind: str = "JPEG", size=(40, 30), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, "white")
    extra = {"exif": exif} if exif is not None else {}
    image.save(out, kind, **extra)
    return out.getvalue()


def photo_with_gps() -> bytes:
    """A JPEG whose EXIF says where it was taken and on what phone."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "SecretPhone 9"  # Model
    exif[0x8825] = {1: "N", 2: (53.0, 24.0, 0.0), 3: "W", 4: (2.0, 9.0, 0.0)}  # GPS
    return photo("JPEG", exif=exif.tobytes())


def pdf(text: str = "Leisure centre: swimming pass, 25.00") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def _pointed(data: bytes) -> bytes:
    """The PDF with its startxref pointing at its cross-reference table again after an edit."""
    return re.sub(rb"startxref\s+[0-9]+", b"startxref\n%d" % data.rfind(b"xref\n0 "), data)


def pdf_with_catalogue(extra: bytes) -> bytes:
    """A real PDF whose catalogue carries ``extra`` (an /OpenAction, say)."""
    return _pointed(pdf().replace(b"/Type /Catalog", b"/Type /Catalog " + extra, 1))


def pdf_with_hidden_stream(content: bytes) -> bytes:
    """A real PDF with one more object: a Flate-compressed object stream holding ``content``."""
    packed = zlib.compress(content)
    body = pdf()
    at = body.rfind(b"xref\n0 ")
    extra = b"99 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(packed), packed)
    return _pointed(body[:at] + extra + body[at:])
