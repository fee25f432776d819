"""Checking a receipt before it is kept: by what the file is, never by its name or the type the
browser claims.

- A photo (JPEG, PNG or WebP, found by Pillow from its first bytes) is drawn afresh without what the
  camera wrote beside it (GPS position, time, device), turned upright, as catalogue photos are. Anything
  appended after the picture (a script hidden in a "photo") does not survive the redraw.
- A PDF must start with a PDF header, end with a cross-reference pointer that points at one, and hold
  matching objects; its compressed streams are opened (bounded) so nothing hides in them. One that can
  run script, launch a program, embed a file or is password-protected is refused. A PDF is stored as given.
"""
from __future__ import annotations

import base64
import binascii
import io
import re
import zlib
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import DomainError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000  # pixels: a receipt photo needs far fewer; bigger ones are refused before they are drawn
MAX_INFLATED = 50 * 1024 * 1024  # bytes a PDF's compressed streams may open up to, all together
_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
WRONG_TYPE = "The receipt must be a photo (JPG, PNG or WebP) or a PDF."
# Names in a PDF that run something or carry another file inside it.
_DANGEROUS = {b"JS", b"JavaScript", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"XFA"}
# Stream filters: those undone here so the stream's contents can be checked, and those that hold only
# a picture. Any other filter (LZW, run-length, encryption) cannot be checked, and a receipt needs none.
_IMAGE_FILTERS = {b"DCTDecode", b"DCT", b"JPXDecode", b"CCITTFaxDecode", b"CCF", b"JBIG2Decode"}
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<!end)stream\r?\n")


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    data: bytes

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}[self.content_type]


def check_receipt(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedFile:
    """The receipt as it will be kept, or DomainError saying in plain words what is wrong."""
    if not data:
        raise DomainError("The file is empty. Choose the photo or PDF of the receipt.")
    if len(data) > max_bytes:
        raise DomainError(f"The receipt must be smaller than {max_bytes // (1024 * 1024)} MB. "
                          "A photo taken at a lower size, or a PDF of a single page, will fit.")
    if data.lstrip()[:5] == b"%PDF-":
        return CheckedFile("application/pdf", _checked_pdf(data))
    return _checked_image(data)


# --- photos --------------------------------------------------------------------------

def _checked_image(data: bytes) -> CheckedFile:
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, width, height = image.format, image.width, image.height
            if kind not in _IMAGE_TYPES:
                raise DomainError(WRONG_TYPE)
            if width > MAX_SIDE or height > MAX_SIDE:
                raise DomainError(f"The photo must be at most {MAX_SIDE} pixels wide and high.")
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)
            if kind == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            upright.save(out, kind, **({"quality": 90} if kind in ("JPEG", "WEBP") else {}))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise DomainError(WRONG_TYPE) from None
    return CheckedFile(_IMAGE_TYPES[kind], out.getvalue())


# --- PDFs ----------------------------------------------------------------------------

def _checked_pdf(data: bytes) -> bytes:
    if not re.match(rb"%PDF-[12]\.[0-9]", data):
        raise DomainError(WRONG_TYPE)
    tail = data[-2048:]
    pointer = re.findall(rb"startxref\s+([0-9]{1,12})\s+%%EOF", tail)
    if not pointer:
        raise DomainError("The PDF could not be read: it may be damaged or cut short. Try saving it again.")
    offset = int(pointer[-1])
    at = data[offset:offset + 40] if offset < len(data) else b""
    if not (at.startswith(b"xref") or re.match(rb"[0-9]+\s+[0-9]+\s+obj\b", at)):
        raise DomainError("The PDF could not be read: it may be damaged or cut short. Try saving it again.")
    objects, ends = len(re.findall(rb"[0-9]+\s+[0-9]+\s+obj\b", data)), data.count(b"endobj")
    if objects == 0 or objects != ends:
        raise DomainError("The PDF could not be read: it may be damaged or cut short. Try saving it again.")
    for text in (data, *_decoded_streams(data)):
        names = set(_names(text))
        if b"Encrypt" in names:
            raise DomainError("The PDF is protected with a password. Save it without one, or take a photo of the receipt.")
        if names & _DANGEROUS:
            raise DomainError("The PDF contains a script, an action or another file inside it, so it cannot be kept. "
                              "Print it to a new PDF, or take a photo of the receipt.")
    return data


def _names(text: bytes) -> list[bytes]:
    """The names in ``text`` as a reader sees them (``/J#53`` is ``/JS``)."""
    return [_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name) for name in _NAME.findall(text)]


def _decoded_streams(data: bytes):
    """The contents of every stream, its filters undone (ASCII85, hex, Flate), so nothing hides in a
    compressed stream or an object stream. Flate is opened with a limit, so a small file cannot unpack
    into gigabytes. A stream that will not decode makes the PDF unreadable."""
    budget = MAX_INFLATED
    for match in _STREAM.finditer(data):
        dictionary = data[max(0, match.start() - 1000):match.start()].rsplit(b"obj", 1)[-1]
        end = data.find(b"endstream", match.end())
        body = data[match.end():end if end >= 0 else len(data)]
        declared = re.search(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)", _HEX.sub(lambda m: bytes([int(m.group(1), 16)]), dictionary))
        filters = _names(declared.group(1)) if declared else []
        if b"/Filter" in dictionary and not filters:
            raise _unreadable("stored in a way that cannot be checked")
        for name in filters:
            if name in _IMAGE_FILTERS:
                break
            try:
                if name in (b"ASCII85Decode", b"A85"):
                    body = base64.a85decode(body.strip().split(b"~>")[0].replace(b"<~", b""), ignorechars=b" \t\r\n\x0c")
                elif name in (b"ASCIIHexDecode", b"AHx"):
                    digits = re.sub(rb"\s", b"", body.split(b">")[0])
                    body = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
                elif name in (b"FlateDecode", b"Fl"):
                    body = zlib.decompressobj().decompress(body, budget + 1)
                    if len(body) > budget:
                        raise _unreadable("too large once opened")
                    budget -= len(body)
                else:
                    raise _unreadable("stored in a way that cannot be checked")
            except (ValueError, binascii.Error, zlib.error):
                raise _unreadable("damaged") from None
        else:
            yield body


def _unreadable(why: str) -> DomainError:
    return DomainError(f"The PDF could not be checked: it is {why}. Print it to a new PDF, or take a photo of the receipt.")
