"""Catalogue records as HSDS-UK 3.0 records: a listing becomes a ``service``, an organisation (or a
council, for its own community resources) an ``organization``, and a listing with a venue a
``service_at_location``. Optional fields with no value are left out, never sent as null.

What a record may say is what the catalogue's own public pages already say (catalogue/listing.html
and catalogue/organisation.html), and less where the standard has no place for it:

- prices: the public price only (``price_for(listing, None)``), never a council's agreed rate;
- personal assistants and peer brokers: their display name and role, as a contact; not their
  skills, checks, availability or lived experience, and no email address or website of a personal
  assistant's own organisation (an address they typed into the listing as its contact is published);
- buyers' ratings: left out (HSDS-UK 3.0 has no field for an aggregate rating);
- phone numbers: left out (HSDS-UK 3.0 has no phone on a service, organisation or contact);
- venues: a location named by the venue's address as typed (the catalogue keeps no structured
  address or map position, and HSDS-UK addresses need a town and county it does not know).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import url_for

from catalogue.models import DAYS, LANGUAGES, Listing
from marketplace.clock import LONDON
from marketplace.councils.models import Council
from marketplace.money import format_pence
from marketplace.pricing.service import price_for
from marketplace.providers.models import Organisation
from marketplace.taxonomy import PRICE_UNITS

from . import ids, terms

PERSONAL_ASSISTANTS = ("personal_assistant",)  # kinds of organisation that are one person
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
# ISO 639-1 where there is one; British Sign Language has only ISO 639-3's "bfi".
_LANGUAGE_CODES = {"bsl": "bfi"}
_ROLES = {"personal_assistant": "Personal assistant", "peer_broker": "Peer broker"}


def _present(record: dict) -> dict:
    """The record without the fields that have no value."""
    return {key: value for key, value in record.items() if value is not None and value != [] and value != ""}


def _timestamp(moment) -> str | None:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z") if moment is not None else None


def _website(text: str | None) -> str | None:
    """An absolute http(s) address, or None: "www.example.org" gets https:// in front."""
    text = (text or "").strip()
    if not text or any(c.isspace() for c in text):
        return None
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else None


# --- organisations ---------------------------------------------------------------------


def organization_id(listing: Listing) -> str:
    return ids.organization(listing.organisation_id) if listing.organisation_id else ids.council(listing.council_id)


def organization(owner: Organisation | Council) -> dict:
    """The one-to-one fields of an organisation or a council (the organization_list shape)."""
    if isinstance(owner, Council):
        return {"id": ids.council(owner.id), "name": owner.name,
                "description": f"{owner.name}, which lists free community groups and activities in its area.",
                "uri": url_for("catalogue.index", council=owner.slug, _external=True)}
    one_person = owner.kind in PERSONAL_ASSISTANTS
    email = (owner.email or "").strip()
    return _present({
        "id": ids.organization(owner.id), "name": owner.name,
        "description": (owner.description or "").strip() or (owner.summary or "").strip() or owner.kind_label,
        "email": email if email and _EMAIL.fullmatch(email) and not one_person else None,
        "website": None if one_person else _website(owner.website),
        "uri": url_for("catalogue.organisation", organisation_id=owner.id, _external=True),
    })


def full_organization(owner: Organisation | Council, listings: list[Listing], *, full_services: bool) -> dict:
    """An organisation with its services (their one-to-one fields, or whole with ``full_services``)."""
    record = organization(owner)
    if isinstance(owner, Organisation) and owner.cqc_location_id and owner.cqc_url:
        record["organization_identifiers"] = [{
            "id": ids.part("organization_identifier", owner.id, "cqc"), "organization_id": record["id"],
            "identifier_type": "Care Quality Commission location ID", "identifier": owner.cqc_location_id}]
    record["services"] = [service(listing, full=full_services) for listing in listings]
    return record


# --- services --------------------------------------------------------------------------


def _description(listing: Listing) -> str:
    parts = [listing.summary, listing.description]
    if listing.kind == "community":
        parts += [f"How to join: {listing.how_to_join}" if listing.how_to_join else None,
                  f"Contact: {listing.contact}" if listing.contact else None]
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def _email(listing: Listing) -> str | None:
    """The email address the listing's page gives to ask questions, if it gives one."""
    contact = (listing.contact or "").strip()
    if contact:
        return contact if _EMAIL.fullmatch(contact) else None
    organisation = listing.organisation
    if organisation is None or organisation.phone or organisation.kind in PERSONAL_ASSISTANTS:
        return None  # the page offers the phone number first; a personal assistant's own address stays on the site
    email = (organisation.email or "").strip()
    return email if _EMAIL.fullmatch(email) else None


def _is_free(listing: Listing) -> bool:
    return listing.kind == "community" or price_for(listing, None).is_free


def _fees(listing: Listing) -> str:
    if _is_free(listing):
        return "Free"
    price = price_for(listing, None)
    vat = f", including VAT at {listing.vat_rate_percent}%" if listing.vat_rate_percent else ""
    return f"{format_pence(price.pence)} {PRICE_UNITS.get(price.unit, price.unit)}{vat}"


def _cost_option(listing: Listing, service_id: str) -> dict:
    price = price_for(listing, None)
    free = _is_free(listing)
    return {"id": ids.part("cost_option", listing.id), "service_id": service_id,
            "amount": 0 if free else round(price.pence / 100, 2),
            "amount_description": "Free" if free else PRICE_UNITS.get(price.unit, price.unit),
            "option": "Public price"}


def _schedule(listing: Listing, service_id: str) -> dict | None:
    days = [day for day in listing.days or [] if day in _BYDAY]
    times = (listing.times or "").strip()
    if not days and not times:
        return None
    day_names = ", ".join(DAYS[day] for day in days)
    return _present({"id": ids.part("schedule", listing.id), "service_id": service_id,
                     "freq": "WEEKLY" if days else None, "byday": ",".join(_BYDAY[day] for day in days) or None,
                     "description": ", ".join(text for text in (day_names, times) if text)})


def _languages(listing: Listing, service_id: str) -> list[dict]:
    return [{"id": ids.part("language", listing.id, code), "service_id": service_id, "name": LANGUAGES[code],
             "code": _LANGUAGE_CODES.get(code, code)} for code in listing.languages or [] if code in LANGUAGES]


def _service_areas(listing: Listing, service_id: str) -> list[dict]:
    return [{"id": ids.part("service_area", listing.id, district), "service_id": service_id, "name": district,
             "service_area": f"Postcode district {district}", "extent_type": "text"} for district in listing.areas or []]


def _contacts(listing: Listing, service_id: str) -> list[dict]:
    person = listing.person
    if person is None or not (person.display_name or "").strip():
        return []
    return [_present({"id": ids.part("contact", listing.id), "service_id": service_id,
                      "name": person.display_name.strip(), "title": _ROLES.get(person.role)})]


def _attributes(listing: Listing, service_id: str) -> list[dict]:
    """Links to the listing's category and outcome terms."""
    found = []
    for name, code in terms.term_keys_of(listing.category, listing.outcomes):
        term = terms.term_record(name, code)
        found.append({"id": ids.part("attribute", listing.id, name, code), "link_id": service_id,
                      "taxonomy_term_id": term["id"], "link_type": "category" if name == terms.CATEGORIES else "outcome",
                      "taxonomy_term": term})
    return found


def _accreditations(listing: Listing) -> str | None:
    organisation = listing.organisation
    if organisation is not None and organisation.cqc_rating:
        return f"Care Quality Commission rating: {organisation.cqc_rating}"
    return None


def service(listing: Listing, *, full: bool = False) -> dict:
    """A listing as a service: its one-to-one fields and organisation, or, with ``full``, everything."""
    service_id = ids.service(listing.id)
    owner = listing.organisation if listing.organisation_id else listing.council
    record = _present({
        "id": service_id, "organization_id": organization_id(listing), "name": listing.title,
        "url": url_for("catalogue.listing", listing_id=listing.id, _external=True), "email": _email(listing),
        "status": "active", "fees": _fees(listing), "accreditations": _accreditations(listing),
        "minimum_age": listing.min_age, "maximum_age": listing.max_age,
        "assured_date": listing.last_confirmed_at.astimezone(LONDON).date().isoformat() if listing.last_confirmed_at else None,
        "last_modified": _timestamp(listing.updated_at), "organization": organization(owner),
    })
    if not full:
        return record
    schedule = _schedule(listing, service_id)
    record.update(_present({
        "description": _description(listing), "schedules": [schedule] if schedule else [],
        "service_areas": _service_areas(listing, service_id),
        "service_at_locations": [_service_at_location(listing, with_service=False)] if has_venue(listing) else [],
        "languages": _languages(listing, service_id), "cost_options": [_cost_option(listing, service_id)],
        "contacts": _contacts(listing, service_id), "attributes": _attributes(listing, service_id),
    }))
    return record


def minimal_service(listing: Listing) -> dict:
    """``minimal``: the id and when it last changed, with the name and status HSDS-UK requires."""
    return {"id": ids.service(listing.id), "name": listing.title, "status": "active",
            "last_modified": _timestamp(listing.updated_at)}


# --- venues ----------------------------------------------------------------------------


def has_venue(listing: Listing) -> bool:
    return bool((listing.venue_address or "").strip())


def _location(listing: Listing) -> dict:
    address = ", ".join(line.strip() for line in (listing.venue_address or "").splitlines() if line.strip())
    return {"id": ids.part("location", listing.id), "location_type": "physical", "name": address,
            "description": f"Where {listing.title} happens."}


def _service_at_location(listing: Listing, *, with_service: bool, full: bool = False) -> dict:
    location = _location(listing)
    record = {"id": ids.service_at_location(listing.id), "service_id": ids.service(listing.id),
              "location_id": location["id"], "location": location}
    if with_service:
        record["service"] = service(listing, full=full)
        record["service"].pop("service_at_locations", None)  # the record is itself the service at this location
    return record


def service_at_location(listing: Listing, *, full: bool = False) -> dict:
    """A listing's venue and the service there (its one-to-one fields, or whole with ``full``)."""
    return _service_at_location(listing, with_service=True, full=full)
