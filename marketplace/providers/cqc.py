"""The Care Quality Commission's ratings, imported from its monthly care directory (a CSV file
anyone can download from the CQC's website) and matched on the CQC location id each provider gave.

Providers cannot type a rating in: the regulator's word comes from the regulator's file. The file
has a few lines of preamble before its header row and its columns come in any order, so the header
is found by name. A row that cannot be read is skipped whole and reported, never half-applied.
"""
from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO, Iterator

from .. import clock
from ..errors import DomainError
from ..extensions import db
from .models import Organisation

MAX_BYTES = 50 * 1024 * 1024  # the whole of England's directory is well under this
HEADER_SEARCH_ROWS = 50  # the preamble is a few lines; a file without a header this far down is not the directory
MAX_URL = 300  # Organisation.cqc_url
MAX_NAME = 200  # a name as the report shows it

RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
_RATING_BY_KEY = {r.casefold(): r for r in RATINGS}
_NOT_RATED = {"", "not yet rated", "not rated"}

# Each column the import reads, and the header names it is known by (compared lower-case, spaces collapsed).
LOCATION = ("cqc location (for office use only)", "cqc location id (for office use only)", "cqc location id",
            "location id", "cqc location")
RATING = ("latest overall rating", "overall rating", "rating", "location latest overall rating", "latest rating")
CHECKED = ("date of latest check", "latest check date", "date of latest inspection", "inspection date", "publication date")
URL = ("location url", "url")
NAME = ("name", "location name")

_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%m-%Y")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_URL = re.compile(r"^https?://[!-~]+$", re.IGNORECASE)  # printable, no spaces: the CQC's page, nothing else
_LOCATION_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")  # like 1-123456789, or an NHS site's code like RW602


@dataclass(frozen=True)
class Matched:
    line: int
    organisation_id: int
    organisation_name: str
    cqc_name: str  # the name the CQC gives the location: a mismatch is worth a look
    rating: str | None


@dataclass(frozen=True)
class Unreadable:
    line: int
    why: str
    location_id: str = ""
    name: str = ""


@dataclass(frozen=True)
class Unmatched:
    line: int
    location_id: str
    name: str


@dataclass(frozen=True)
class Missing:
    organisation_id: int
    name: str
    location_id: str


@dataclass
class ImportResult:
    rows: int = 0
    matched: list[Matched] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)  # organisations that gave an id the file does not have

    @property
    def updated(self) -> int:
        return len({m.organisation_id for m in self.matched})


def normalise_id(value: str | None) -> str:
    """" 1-123 456 789 " and "1-123456789" are the same location: spaces go, letters are upper-case."""
    return re.sub(r"\s+", "", value or "").upper()


def import_directory(source: bytes | BinaryIO, *, commit: bool = True) -> ImportResult:
    """Read the CQC's care directory and write each matched organisation's rating, inspection date
    and CQC page. Raises DomainError, changing nothing, when the file cannot be read at all."""
    rows = _rows(_text(source))
    columns = _header(rows)
    by_id: dict[str, list[Organisation]] = {}
    for organisation in db.session.scalars(db.select(Organisation).where(Organisation.cqc_location_id.is_not(None))
                                           .order_by(Organisation.id)):
        if normalise_id(organisation.cqc_location_id):
            by_id.setdefault(normalise_id(organisation.cqc_location_id), []).append(organisation)
    result, used, present, moment = ImportResult(), {}, set(), clock.now()
    for line, row in rows:  # after the header: _header read up to it
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        cell = _cells(row, columns)
        location_id, name = normalise_id(cell("location")), _plain(cell("name"))[:MAX_NAME]
        present.add(location_id)
        why, values = _read(location_id, cell, used)
        if why:
            result.unreadable.append(Unreadable(line, why, _plain(location_id)[:40], name))
            continue
        used[location_id] = line
        if location_id not in by_id:
            result.unmatched.append(Unmatched(line, location_id, name))
            continue
        for organisation in by_id[location_id]:
            organisation.cqc_rating, organisation.cqc_checked_on, organisation.cqc_url = values
            organisation.cqc_imported_at = moment
            result.matched.append(Matched(line, organisation.id, organisation.name, name, values[0]))
    result.missing = [Missing(o.id, o.name, o.cqc_location_id) for key, found in by_id.items() if key not in present
                      for o in found]
    db.session.flush()
    if commit:
        db.session.commit()
    return result


def _text(source: bytes | BinaryIO) -> str:
    """The file as text: UTF-8 (with or without the BOM spreadsheets add), else Windows-1252."""
    data = source if isinstance(source, bytes) else source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Check it is the CQC's care directory.")
    if not data.strip():
        raise DomainError("The file is empty.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(the line each row starts on, its cells), one row at a time: the file is read once, not copied."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for row in reader:
            yield line, row
            line = reader.line_num + 1
    except csv.Error as error:
        raise DomainError(f"The file could not be read as CSV at line {line}: {error}.") from None


def _key(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").split()).casefold()


def _header(rows: Iterator[tuple[int, list[str]]]) -> dict[str, int]:
    """Read up to the header row (the first naming the location id column): where each column is in it."""
    for _line, row in itertools.islice(rows, HEADER_SEARCH_ROWS):
        keys = [_key(cell) for cell in row]
        if any(k in LOCATION for k in keys):
            columns = {}
            for column, names in (("location", LOCATION), ("rating", RATING), ("checked", CHECKED), ("url", URL),
                                  ("name", NAME)):
                found = next((i for i, k in enumerate(keys) if k in names), None)
                if found is not None:
                    columns[column] = found
            if "rating" not in columns:
                raise DomainError("The file has no column for the latest overall rating. Download the CQC's care "
                                  "directory with ratings.")
            return columns
    raise DomainError("This does not look like the CQC's care directory: no row near the top names the column "
                      "\"CQC Location (for office use only)\".")


def _cells(row: list[str], columns: dict[str, int]):
    def cell(column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""
    return cell


def _read(location_id: str, cell, used: dict[str, int]) -> tuple[str | None, tuple]:
    """(why the row cannot be used, or None; (rating, inspection date, CQC page) when it can)."""
    if not location_id:
        return "There is no CQC location ID.", ()
    if not _LOCATION_ID.match(location_id):
        return "The CQC location ID does not look like one (like 1-123456789).", ()
    if location_id in used:
        return f"The same location ID is on line {used[location_id]}, which was used.", ()
    raw = _plain(cell("rating"))
    if raw.casefold() in _NOT_RATED:
        rating = None
    elif raw.casefold() in _RATING_BY_KEY:
        rating = _RATING_BY_KEY[raw.casefold()]
    else:
        return f"The rating \"{raw[:40]}\" is not one the CQC gives (Outstanding, Good, Requires improvement, Inadequate).", ()
    checked = _plain(cell("checked"))
    checked_on = _date(checked)
    if checked and checked_on is None:
        return f"The date of the latest check \"{checked[:40]}\" is not a date (like 01/11/2026).", ()
    url = cell("url")
    url = url if _URL.match(url) and len(url) <= MAX_URL else None
    return None, (rating, checked_on, url)


def _plain(text: str) -> str:
    """Text from the file as the report shows it: one line, no control characters (a terminal obeys some)."""
    return " ".join(_CONTROL.sub("", text).split())


def _date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def demo_directory(organisations) -> str:
    """A small care directory in the CQC's shape for the demo's regulated organisations, so demo
    ratings arrive through the same import as real ones. The same organisations give the same file."""
    out = io.StringIO()
    out.write("Care directory with ratings (demo data: made up, not the CQC's)\r\nDate: 1 November 2026\r\n\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Name", "Also known as", "Address", "Postcode", "Phone number", "Service's website (if available)",
                     "Service types", "Date of latest check", "Specialisms/services", "Provider name", "Local Authority",
                     "Region", "Location URL", "CQC Location (for office use only)", "CQC Provider ID (for office use only)",
                     "Latest overall rating"])
    for n, organisation in enumerate(organisations):
        location_id = normalise_id(organisation.cqc_location_id)
        rating = ["Good", "Outstanding", "Good", "Requires improvement", "Good", ""][n % 6]
        checked = date(2025, 1 + (n * 5) % 12, 1 + (n * 11) % 28)
        writer.writerow([organisation.name, "", (organisation.address or "").replace("\n", ", "), "", organisation.phone or "",
                         organisation.website or "", "Homecare agencies", f"{checked:%d/%m/%Y}", "Caring for adults over 65 yrs",
                         organisation.name, "", "North West", f"https://www.cqc.org.uk/location/{location_id}", location_id,
                         f"1-{200000000 + organisation.id}", rating or "Not yet rated"])
    return out.getvalue()
