"""Importing another directory's Open Referral UK (HSDS-UK 3.0) feed into a council's community
catalogue, so that nobody retypes what a council, the NHS or a charity already publishes.

Each service becomes a community entry waiting for moderation (kind "community", status
"submitted"), exactly like a suggestion from the public: a council administrator checks and
publishes it, and nothing imported is searchable before that. Community entries are free, so a
service with costs stays free here and its costs are written into its description.

Decisions:

- An entry is matched by (feed, service id): the feed's base URL (``.../openreferral``, whatever
  the command was given), or the resolved path of the file or directory read. One feed's
  services belong to one council's catalogue; a service already imported into another council's
  catalogue is reported and skipped.
- What was imported is kept as a digest. A service whose mapped fields give the same digest is
  unchanged and nothing is written, even if an administrator has since edited the entry.
- A changed service updates its entry only while the entry still waits for moderation. Once an
  administrator has published or turned it down, the entry keeps its status and its text: the
  feed cannot change what a person checked. Such entries are reported as "changed in the feed,
  left as moderated" on every import until someone looks at them.
- A bad record (no id or name, a wrong type, a field over its bound, a web address that is not
  http or https, an email address that is not one) is reported with its page and id and skipped
  whole: every field is checked before anything is written. HTML is reduced to plain text.
- Services the feed marks inactive or defunct are skipped; services gone from the feed are left
  alone (an administrator archives them).
- Each page is committed on its own, so a feed that fails half-way leaves the pages before it
  imported, and running the command again carries on where it matters.

Reading the feed (pages of a URL or files) is ``marketplace.openreferral.cli``'s job; this module
maps records and saves them. Importing needs no policy rule: it is run by the operator from the
command line, and what it makes waits for a council administrator.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import SQLAlchemyError

from catalogue.listings import clean_fields
from catalogue.models import LANGUAGES, LISTING, Listing
from marketplace import clock, taxonomy
from marketplace.errors import DomainError
from marketplace.events import service as events
from marketplace.extensions import db

DEFAULT_CATEGORY = "community-activities"
MAX_NAME = 200  # Listing.title
MAX_SUMMARY = 300  # Listing.summary
MAX_DESCRIPTION = 8000
MAX_ID = 100  # Listing.imported_id
MAX_URL = 300
MAX_EMAIL = 254
MAX_PHONE = 40
MAX_SHORT_TEXT = 300  # an address line, a cost, a taxonomy term, a service area
MAX_RAW_TEXT = 100_000  # any text before its HTML is removed
MAX_ITEMS = 200  # entries in any one list of a record (areas, locations, addresses, terms, costs)
MAX_AREAS = 100  # postcode districts of one service
MAX_AGE = 130
INACTIVE = ("inactive", "defunct")
FREE_WORDS = ("free", "none", "no charge", "nothing", "£0", "£0.00", "0")


class BadRecord(Exception):
    """One service cannot be imported; the message says why in plain words."""


class ImportStopped(Exception):
    """The import cannot go on (the feed is down, slow or not HSDS-UK, or a page could not be saved).
    Pages already saved stay saved."""


@dataclass
class Summary:
    pages: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    held: list[str] = field(default_factory=list)  # ids changed in the feed whose entry was already moderated
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (page, id, reason)


# --- text ------------------------------------------------------------------------------

_MARKUP = re.compile(r"<[a-zA-Z/!?]|&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "blockquote",
           "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
_HIDDEN = {"script", "style", "template", "head", "title", "iframe", "object", "svg", "math", "noscript"}
# Other elements a directory's text may be marked up with; anything else in angle brackets is words
# ("meet at the <library> steps").
_INLINE = {"a", "abbr", "address", "b", "big", "body", "button", "caption", "center", "cite", "code", "col", "colgroup",
           "dd", "del", "dfn", "dl", "dt", "em", "embed", "figcaption", "figure", "font", "footer", "form", "header",
           "html", "i", "img", "input", "ins", "kbd", "label", "link", "main", "mark", "meta", "nav", "nobr", "option",
           "pre", "q", "s", "samp", "select", "small", "span", "strike", "strong", "sub", "sup", "tbody", "td",
           "textarea", "tfoot", "th", "thead", "time", "tt", "u", "var", "wbr", "aside"}


class _PlainText(HTMLParser):
    """Keeps the words of an HTML fragment, a line break for each block, nothing of scripts or styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n- " if tag == "li" else "\n")
        elif tag not in _INLINE:
            self.handle_data(self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag not in _INLINE and tag not in _HIDDEN:
            self.handle_data(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag not in _INLINE:
            self.handle_data(f"</{tag}>")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def plain_text(value: str, *, one_line: bool = False) -> str:
    """HTML reduced to its words (plain text is left as it is), without control characters."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if _MARKUP.search(text):
        parser = _PlainText()
        parser.feed(text)
        parser.close()
        lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    text = _CONTROL.sub("", text).strip()
    return " ".join(text.split()) if one_line else text


def _text(record: dict, key: str, limit: int, *, one_line: bool = True, required: bool = False) -> str:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise BadRecord(f"it has no {key}")
        return ""
    if not isinstance(value, str):
        raise BadRecord(f"its {key} is not text")
    if len(value) > MAX_RAW_TEXT:
        raise BadRecord(f"its {key} is longer than {limit} characters")
    text = plain_text(value, one_line=one_line)
    if required and not text:
        raise BadRecord(f"it has no {key}")
    if len(text) > limit:
        raise BadRecord(f"its {key} is longer than {limit} characters")
    return text


def _items(record: dict, key: str) -> list[dict]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise BadRecord(f"its {key} is not a list of objects")
    if len(value) > MAX_ITEMS:
        raise BadRecord(f"its {key} has more than {MAX_ITEMS} entries")
    return value


def _number(record: dict, key: str, low: float, high: float) -> float | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRecord(f"its {key} is not a number")
    if not low <= value <= high:
        raise BadRecord(f"its {key} is not between {low:g} and {high:g}")
    return value


def _url(record: dict) -> str:
    value = _text(record, "url", MAX_URL)
    if not value:
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in value:
        raise BadRecord("its url is not a web address starting http:// or https://")
    return value


def _email(record: dict) -> str:
    value = _text(record, "email", MAX_EMAIL)
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise BadRecord("its email is not an email address") from None


# --- one service -----------------------------------------------------------------------


def record_id(record) -> str:
    """The service's id in its feed, checked."""
    if not isinstance(record, dict):
        raise BadRecord("it is not an object")
    value = record.get("id")
    if value is None or value == "":
        raise BadRecord("it has no id")
    if not isinstance(value, str):
        raise BadRecord("its id is not text")
    value = value.strip()
    if not value or len(value) > MAX_ID or _CONTROL.search(value):
        raise BadRecord(f"its id is empty, longer than {MAX_ID} characters or unprintable")
    return value


def shown_id(record) -> str:
    """The id to name a bad record by, whatever it holds."""
    value = record.get("id") if isinstance(record, dict) else None
    text = _CONTROL.sub("", str(value))[:MAX_ID] if value not in (None, "") else ""
    return text or "(no id)"


def map_service(record: dict) -> dict:
    """The listing fields for one HSDS-UK service; raises BadRecord before anything is written."""
    status = _text(record, "status", 40).lower()
    if status in INACTIVE:
        raise BadRecord(f"the feed marks it {status}")
    name = _text(record, "name", MAX_NAME, required=True)
    description = _text(record, "description", MAX_DESCRIPTION, one_line=False)
    url, email, phone = _url(record), _email(record), _phone(record)
    areas, modes, venue = _places(record)
    category, outcomes = _terms(record)
    costs = _costs(record)
    min_age, max_age = _number(record, "minimum_age", 0, MAX_AGE), _number(record, "maximum_age", 0, MAX_AGE)
    fields = {
        "title": name,
        "summary": _summary(description),
        "description": "\n\n".join(part for part in (description, costs) if part),
        "category": category,
        "outcomes": outcomes,
        "areas": areas,
        "delivery_modes": modes or ["venue"],
        "venue_address": venue or None,
        "min_age": None if min_age is None else int(min_age),
        "max_age": None if max_age is None else int(max_age),
        "languages": _languages(record),
        "how_to_join": _how_to_join(email, phone, url),
        "contact": _contact(email, phone, url),
    }
    try:
        return clean_fields(fields)
    except DomainError as error:
        raise BadRecord(error.message.rstrip(".")) from None


def _summary(description: str) -> str:
    """The description's first paragraph, cut at a word to fit the summary."""
    first = " ".join(description.split("\n\n")[0].split())
    if len(first) <= MAX_SUMMARY:
        return first
    return first[:MAX_SUMMARY - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _phone(record: dict) -> str:
    for phone in _items(record, "phones"):
        number = _text(phone, "number", MAX_PHONE)
        if number:
            return number
    return ""


def _contact(email: str, phone: str, url: str) -> str | None:
    parts = [p for p in (email, phone, url) if p]
    contact = ", ".join(parts)
    if len(contact) > MAX_SHORT_TEXT:  # Listing.contact: the web address goes (it stays in how to join)
        contact = ", ".join(p for p in (email, phone) if p)
    return contact or None


def _how_to_join(email: str, phone: str, url: str) -> str | None:
    ways = [f"email {email}" if email else "", f"phone {phone}" if phone else "", f"see {url}" if url else ""]
    ways = [w for w in ways if w]
    if not ways:
        return None
    return "Get in touch: " + (", ".join(ways[:-1]) + " or " + ways[-1] if len(ways) > 1 else ways[0])


def _places(record: dict) -> tuple[list[str], list[str], str]:
    """Postcode districts (from service areas and locations' postcodes), where it happens, a venue address."""
    districts, modes, venue = [], [], ""
    for area in _items(record, "service_areas"):
        for key in ("service_area", "name"):
            for token in re.split(r"[,;/]", _text(area, key, MAX_SHORT_TEXT)):
                district = taxonomy.normalise_district(token)
                if district:
                    districts.append(district)
    for at in _items(record, "service_at_locations"):
        location = at.get("location")
        if location is None:
            continue
        if not isinstance(location, dict):
            raise BadRecord("a location of it is not an object")
        if _text(location, "location_type", 20).lower() == "virtual":
            modes.append("online")
            continue
        modes.append("venue")
        for address in _items(location, "addresses"):
            postcode = _text(address, "postal_code", 20)
            district = taxonomy.normalise_district(postcode)
            if district:
                districts.append(district)
            line = ", ".join(p for p in (_text(address, "address_1", MAX_SHORT_TEXT), _text(address, "city", 100), postcode) if p)
            venue = venue or line
    districts = list(dict.fromkeys(districts))
    if len(districts) > MAX_AREAS:
        raise BadRecord(f"it covers more than {MAX_AREAS} postcode districts")
    return districts, list(dict.fromkeys(modes)), venue


def _terms(record: dict) -> tuple[str, list[str]]:
    """Our category and Care Act outcomes, where the service's taxonomy terms name them."""
    names = []
    for attribute in _items(record, "attributes"):
        term = attribute.get("taxonomy_term")
        if term is None:
            continue
        if not isinstance(term, dict):
            raise BadRecord("a taxonomy term of it is not an object")
        names += [_text(term, key, MAX_SHORT_TEXT).lower() for key in ("name", "term")]
    categories = {slug: slug for slug in taxonomy.categories()}
    categories.update({c["name"].lower(): slug for slug, c in taxonomy.categories().items()})
    outcomes = {}
    for code, outcome in taxonomy.outcomes().items():
        outcomes.update({code.lower(): code, outcome["name"].lower(): code, outcome["plain"].lower(): code})
    category = next((categories[n] for n in names if n in categories), DEFAULT_CATEGORY)
    return category, list(dict.fromkeys(outcomes[n] for n in names if n in outcomes))


def _costs(record: dict) -> str:
    """What it costs, in words: community entries are free, so a cost goes in the description.
    An option of amount 0 is free whatever its words; one without an amount is a cost unless its words say free.
    The deprecated ``fees`` counts only where there are no cost options (feeds often give both)."""
    costs = []
    for option in _items(record, "cost_options"):
        amount = _number(option, "amount", 0, 100_000)
        words = " ".join(p for p in (_text(option, "option", MAX_SHORT_TEXT), _text(option, "amount_description", MAX_SHORT_TEXT)) if p)
        if amount:
            costs.append(f"£{amount:,.2f}" + (f" ({words})" if words else ""))
        elif amount is None and words and words.lower() not in FREE_WORDS:
            costs.append(words)
    fees = _text(record, "fees", MAX_SHORT_TEXT)  # deprecated: read only from a feed without cost options
    if fees and fees.lower() not in FREE_WORDS and not record.get("cost_options"):
        costs.append(fees)
    return ("Cost: " + "; ".join(dict.fromkeys(costs)) + ".") if costs else ""


def _languages(record: dict) -> list[str]:
    by_name = {name.lower(): code for code, name in LANGUAGES.items()}
    found = []
    for language in _items(record, "languages"):
        for key in ("code", "name"):
            text = _text(language, key, 100).lower()
            code = text if text in LANGUAGES else by_name.get(text)
            if code:
                found.append(code)
    return list(dict.fromkeys(found))


def digest(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


# --- saving ----------------------------------------------------------------------------


class Import:
    """One run of one feed into one council's community catalogue: ``page`` saves each page read."""

    def __init__(self, council, source: str, label: str):
        self.council, self.source, self.label = council, source, label
        self.summary = Summary()
        self._seen: dict[str, int] = {}  # service id -> the page it was first read on

    def page(self, number: int, contents: list) -> None:
        """Check every record of the page, then write the new and changed ones in one commit.
        The summary counts the page only once it is saved."""
        tally, ready = Summary(pages=1), []
        for record in contents:
            try:
                ident = record_id(record)
                if ident in self._seen:
                    raise BadRecord(f"the feed has it twice (first on page {self._seen[ident]})")
                self._seen[ident] = number
                fields = map_service(record)
            except BadRecord as problem:
                tally.skipped.append((number, shown_id(record), str(problem)))
                continue
            ready.append((ident, fields))
        existing = {}
        if ready:
            existing = {listing.imported_id: listing for listing in db.session.scalars(db.select(Listing).where(
                Listing.imported_from == self.source, Listing.imported_id.in_([ident for ident, _ in ready])))}
        for ident, fields in ready:
            self._save(tally, number, ident, fields, existing.get(ident))
        try:
            db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            raise ImportStopped(f"page {number} could not be saved ({type(error).__name__}); the pages before it were") from None
        for name in ("pages", "created", "updated", "unchanged"):
            setattr(self.summary, name, getattr(self.summary, name) + getattr(tally, name))
        self.summary.held += tally.held
        self.summary.skipped += tally.skipped

    def _save(self, tally: Summary, number: int, ident: str, fields: dict, listing: Listing | None) -> None:
        stamp = digest(fields)
        if listing is None:
            self._create(ident, fields, stamp)
            tally.created += 1
        elif listing.council_id != self.council.id:
            tally.skipped.append((number, ident, "it was imported into another council's catalogue"))
        elif listing.imported_digest == stamp:
            tally.unchanged += 1
        elif listing.status != "submitted":
            tally.held.append(ident)
        else:
            changed = [key for key, value in fields.items() if getattr(listing, key) != value]
            for key in changed:
                setattr(listing, key, fields[key])
            listing.imported_digest = stamp
            listing.last_confirmed_at = clock.now()
            events.record("listing.updated", obj=listing, fields=changed, source=self.source)
            tally.updated += 1

    def _create(self, ident: str, fields: dict, stamp: str) -> None:
        listing = Listing(kind="community", council_id=self.council.id, price_pence=None, price_unit="session",
                          suggested_by_name=f"Open Referral UK feed: {self.label}"[:MAX_NAME], suggested_by_email=None,
                          last_confirmed_at=clock.now(), imported_from=self.source, imported_id=ident,
                          imported_digest=stamp, **fields)
        db.session.add(listing)
        LISTING.start(listing, "submitted", reason=f"Imported from {self.label}"[:MAX_SHORT_TEXT], source=self.source)
