"""The Open Referral UK feed's tests: a small fixed catalogue, and every response checked against the
published HSDS-UK 3.0 schemas kept in ``schemas/`` (unchanged; see schemas/NOTICE.md).

The standard's open_api.json names its schemas by their raw.githubusercontent.com addresses; the
registry below answers those addresses from the local copies, so nothing is fetched."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from catalogue.models import PersonProfile
from marketplace import clock
from marketplace.councils.service import reference_council_rules, upsert_councils
from marketplace.extensions import db
from marketplace.providers.models import Organisation, OrganisationApproval

from .. import factories

SCHEMAS = Path(__file__).parent / "schemas"
PUBLISHED_AT = "https://raw.githubusercontent.com/tpximpact/OpenReferralApi/refs/heads/main/OpenReferralApi/Schemas/V3.0-UK/"
STANDARD = "urn:oruk:open_api.json"
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def _registry() -> Registry:
    resources = [(PUBLISHED_AT + path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
                 for path in sorted(SCHEMAS.glob("*.json"))]
    resources.append((STANDARD, Resource.from_contents(schema("open_api"), default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


REGISTRY = _registry()
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(text) -> bool:
    return not isinstance(text, str) or datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo is not None


@FORMATS.checks("uri", raises=ValueError)
def _uri(text) -> bool:
    return not isinstance(text, str) or (urlsplit(text).scheme in ("http", "https") and bool(urlsplit(text).netloc))


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def errors(schema_ref: dict, instance) -> list[str]:
    validator = Draft202012Validator(schema_ref, registry=REGISTRY, format_checker=FORMATS)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def against_file(name: str, instance) -> list[str]:
    """Problems of ``instance`` against one HSDS-UK schema file (by its published address)."""
    return errors({"$ref": PUBLISHED_AT + f"{name}.json"}, instance)


def against_standard(path: str, instance) -> list[str]:
    """Problems of ``instance`` against the 200 response the standard's open_api.json gives ``path``."""
    pointer = f"/paths/{_escape(path)}/get/responses/200/content/{_escape('application/json')}/schema"
    return errors({"$ref": f"{STANDARD}#{pointer}"}, instance)


# The standard's Page (open_api.json components/schemas/Page), with every field required, as the
# *_list.json schemas' "allOf" means but, as written, does not check.
PAGE = {**schema("open_api")["components"]["schemas"]["Page"], "additionalProperties": False,
        "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"]}
PAGE["properties"] = {**PAGE["properties"], "contents": {"type": "array"}}


def nulls(value, where: str = "") -> list[str]:
    """Where ``value`` holds a null (the UK profile leaves optional fields out instead)."""
    if value is None:
        return [where or "/"]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in nulls(item, f"{where}/{key}")]
    if isinstance(value, list):
        return [found for n, item in enumerate(value) for found in nulls(item, f"{where}/{n}")]
    return []


def build_feed_catalogue() -> SimpleNamespace:
    """Seven public listings (four of one provider, a personal assistant, a community group's and a
    council's own resource) and, around them, what must stay out of the feed. The clock moves a day
    between each, so ``modified_after`` has something to tell apart. Call inside an app context."""
    aldermoor, birchley = upsert_councils([r for r in reference_council_rules() if r["slug"] in ("aldermoor", "birchley")])

    def org(name, kind="provider", status="approved", council=aldermoor, **fields):
        made = Organisation(name=name, kind=kind, email=f"{name.split()[0].lower()}@example.org", **fields)
        made.approvals = [OrganisationApproval(council_id=council.id, status=status)]
        db.session.add(made)
        db.session.flush()
        return made

    with clock.frozen(START) as moment:
        sunrise = org("Sunrise Care", website="www.sunrise.example.org", description="Home care across Aldermoor.",
                      cqc_location_id="1-000000001", cqc_rating="Good", cqc_url="https://www.cqc.org.uk/location/1-000000001")
        allotment = org("Allotment Friends", kind="community_group")
        pa = org("Amira Hussain", kind="personal_assistant", phone=None)
        suspended = org("Shut Down Ltd", status="suspended")
        pending = org("Not Yet Ltd", status="pending", council=birchley)

        def listing(owner, title, **fields):
            made = factories.listing(owner, title=title, commit=False, **fields)
            db.session.commit()
            moment.advance(days=1)
            return made

        made = SimpleNamespace(aldermoor=aldermoor, birchley=birchley, sunrise=sunrise, allotment=allotment, pa=pa,
                               suspended=suspended, pending=pending)
        made.personal_care = listing(sunrise, "Personal care at home", category="personal-care", price_pence=2500,
                                     outcomes=["hygiene", "clothing"], languages=["en", "pl", "bsl"], days=["mon", "wed"],
                                     times="8am to 8pm", min_age=18, vat_rate_percent=20, scores=[5, 4])
        made.domestic = listing(sunrise, "Cleaning and tidying", category="domestic-help", price_pence=1800,
                                outcomes=["habitable_home"], areas=["SK4", "SK5"])
        made.sitting = listing(sunrise, "Evening sitting service", category="support-worker", price_pence=2100,
                               delivery_modes=["home", "online"], areas=[])
        made.shopping = listing(sunrise, "Shopping trips", category="transport", price_pence=1500, price_unit="session",
                                areas=["SK1"], contact="bookings@sunrise.example.org")
        made.garden = listing(allotment, "Community allotment", category="gardening", price_pence=None, areas=["SK2"],
                              delivery_modes=["venue"], venue_address="Allotment 7\nVicarage Lane\nAldermoor SK2 6AB",
                              days=["sat"], times="10am to 1pm", outcomes=["community"])
        made.assistant = listing(pa, "Personal assistant in Aldermoor", kind="person", category="personal-assistant",
                                 price_pence=1600, areas=["SK3"], description="Patient and reliable.")
        made.assistant.person = PersonProfile(display_name="Amira H.", role="personal_assistant", skills=["Secret skill"],
                                              lived_experience="Private lived experience", availability="Weekday mornings")
        db.session.commit()
        made.walking = listing(None, "Wednesday walking group", council=aldermoor, category="community-activities",
                               price_pence=None, areas=["SK4"], delivery_modes=["venue"], venue_address="Aldermoor Park gates",
                               how_to_join="Meet at the gates at 10am.", contact="Call the park office on 0161 000 0000")
        # What never appears: not published, or an organisation no council approves now.
        made.draft = listing(sunrise, "Draft listing", status="draft")
        made.paused = listing(sunrise, "Paused listing", status="paused")
        made.archived = listing(sunrise, "Archived listing", status="archived")
        made.suggestion = listing(None, "Suggested knitting circle", council=aldermoor, status="submitted",
                                  suggested_by_email="suggester@example.org", suggested_by_name="Sam Suggester")
        made.rejected = listing(None, "Rejected suggestion", council=aldermoor, status="rejected")
        made.of_suspended = listing(suspended, "Listing of a suspended provider")
        made.of_pending = listing(pending, "Listing of a pending provider")
        factories.agreed_price(made.personal_care, aldermoor, 1234, note="Secret agreed rate")
    made.public = [made.personal_care, made.domestic, made.sitting, made.shopping, made.garden, made.assistant, made.walking]
    made.hidden = [made.draft, made.paused, made.archived, made.suggestion, made.rejected, made.of_suspended, made.of_pending]
    return made


@pytest.fixture
def feed(make):
    return build_feed_catalogue()
