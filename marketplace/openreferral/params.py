"""Reading the feed's query parameters. Each reader returns a clean value or raises ``BadParameter``
with a sentence saying what was wrong, which the views answer with 400 in the one JSON error
shape. A parameter given twice is refused (which one would count?); parameters the feed does not
know are ignored, as the standard expects of a read-only API."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from flask import request

from marketplace.taxonomy import normalise_district

from . import ids

PER_PAGE = 50
MAX_PER_PAGE = 100  # a larger per_page is read as 100
MAX_PAGE = 1_000_000
MAX_SEARCH = 200  # characters of the search text that count
# What the OpenAPI document allows for ``postcode``: a full postcode, or just its district.
POSTCODE_PATTERN = r"^\s*[A-Za-z]{1,2}[0-9][0-9A-Za-z]?(\s*[0-9][A-Za-z]{2})?\s*$"
# RFC 3339's date-time; a space before the offset is a "+" that was not escaped in the URL.
_DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
                        r"([Zz]|[+\- ][0-9]{2}:[0-9]{2})")


class BadParameter(Exception):
    """A query parameter the feed cannot read; the message says which and why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def one(name: str) -> str | None:
    """The parameter's one value, or None when it is not given."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise BadParameter(f"Give {name} only once.")
    return values[0] if values else None


def _whole_number(name: str, text: str) -> int:
    if not re.fullmatch(r"\+?[0-9]+", text.strip()):
        raise BadParameter(f"{name} must be a whole number of 1 or more.")
    digits = text.strip().lstrip("+").lstrip("0") or "0"
    return int(digits) if len(digits) <= 12 else 10**12  # past any page there could be


def page() -> int:
    text = one("page")
    if text is None:
        return 1
    number = _whole_number("page", text)
    if not 1 <= number <= MAX_PAGE:
        raise BadParameter(f"page must be from 1 to {MAX_PAGE:,}.")
    return number


def per_page() -> int:
    """How many records a page holds: 50 unless asked, at most 100 (more is read as 100)."""
    text = one("per_page")
    if text is None:
        return PER_PAGE
    number = _whole_number("per_page", text)
    if number < 1:
        raise BadParameter("per_page must be a whole number of 1 or more.")
    return min(number, MAX_PER_PAGE)


def flag(name: str) -> bool:
    """A true or false parameter; not given means false."""
    text = one(name)
    if text is None:
        return False
    if text in ("true", "false"):
        return text == "true"
    raise BadParameter(f"{name} must be true or false.")


def identifier(name: str) -> str | None:
    """A UUID parameter (taxonomy_id, organization_id...), canonical, or None when not given."""
    text = one(name)
    if text is None:
        return None
    value = ids.canonical(text)
    if value is None:
        raise BadParameter(f"{name} must be a UUID, like 4b3f2f2e-6c1d-5a8e-9f0a-1c2d3e4f5a6b.")
    return value


def search_words() -> list[str]:
    """The search text's words, lower case (each must appear in the record)."""
    text = one("search")
    return (text or "")[:MAX_SEARCH].lower().split()


def modified_after() -> datetime | None:
    """An RFC 3339 date-time (2025-04-01T09:00:00Z, or with an offset like +01:00), in UTC."""
    text = one("modified_after")
    if text is None:
        return None
    found = _DATE_TIME.fullmatch(text)
    problem = BadParameter("modified_after must be a date and time like 2025-04-01T09:00:00Z.")
    if found is None:
        raise problem
    year, month, day, hour, minute, second, fraction, offset = found.groups()
    if int(second) > 60 or (offset not in ("Z", "z") and (int(offset[1:3]) > 23 or int(offset[-2:]) > 59)):
        raise problem
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), min(int(second), 59),
                          int((fraction or "0")[:6].ljust(6, "0")))  # a leap second's 60 is read as 59
        zone = timezone.utc
        if offset not in ("Z", "z"):
            hours, minutes = int(offset[1:3]), int(offset[-2:])
            zone = timezone((-1 if offset[0] == "-" else 1) * timedelta(hours=hours, minutes=minutes))
    except ValueError:
        raise problem from None
    try:
        return moment.replace(tzinfo=zone).astimezone(timezone.utc)
    except OverflowError:  # the first or last moment there is, seen from another time zone
        return datetime.min.replace(tzinfo=timezone.utc) if moment.year == 1 else datetime.max.replace(tzinfo=timezone.utc)


def postcode_district() -> str | None:
    """The postcode district of ``postcode`` ("SK4 2AB" and "sk4" are both SK4), or None when not given."""
    text = one("postcode")
    if text is None:
        return None
    district = normalise_district(text) if re.search(POSTCODE_PATTERN, text) else None
    if district is None:
        raise BadParameter("postcode must be a UK postcode, like SK4 2AB, or its first part, like SK4.")
    return district


def only_json() -> None:
    """``format``: the feed answers in JSON only (no ndjson stream)."""
    text = one("format")
    if text is not None and text != "json":
        raise BadParameter("format must be json: this feed does not stream ndjson.")


def unsupported(*names: str) -> None:
    """Parameters of the standard this feed cannot honour: refused rather than silently ignored."""
    for name in names:
        if name in request.args:
            raise BadParameter(f"{name} is not supported: the catalogue has no map positions.")
