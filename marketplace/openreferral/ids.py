"""The feed's identifiers: UUIDs that stay the same through a restart, a search reindex or a new
web node, because each is a name-based UUID (version 5) of "<kind>:<key>" in one namespace fixed
here for good: ``service:123`` is listing 123, ``organization:45`` organisation 45, ``council:3`` a
council that lists its own community resources, ``taxonomy:categories``, and
``taxonomy_term:category:gardening`` or ``taxonomy_term:outcome:community``.

A name-based UUID cannot be read backwards, so ``key_for`` maps one back by naming the candidates
(the database's ids) and remembering every UUID it has worked out: a key's UUID never changes, so
what it remembers is never wrong, only sometimes incomplete.
"""
from __future__ import annotations

import re
import uuid
from typing import Callable, Iterable

# Never change this: every identifier the feed has ever published is made from it.
NAMESPACE = uuid.UUID("34d26ee9-46a8-5159-90b2-38f694676c8d")

SERVICE = "service"
ORGANIZATION = "organization"
COUNCIL = "council"
TAXONOMY = "taxonomy"
TAXONOMY_TERM = "taxonomy_term"
SERVICE_AT_LOCATION = "service_at_location"

_WRITTEN = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_known: dict[str, tuple[str, str]] = {}  # UUID -> (kind, key)
_worked_out: set[tuple[str, str]] = set()


def make(kind: str, key: object) -> str:
    """The UUID of ``kind`` ``key``, as lower-case text with hyphens."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def service(listing_id: int) -> str:
    return make(SERVICE, listing_id)


def organization(organisation_id: int) -> str:
    return make(ORGANIZATION, organisation_id)


def council(council_id: int) -> str:
    return make(COUNCIL, council_id)


def taxonomy(name: str) -> str:
    return make(TAXONOMY, name)


def taxonomy_term(taxonomy_name: str, code: str) -> str:
    return make(TAXONOMY_TERM, f"{taxonomy_name}:{code}")


def service_at_location(listing_id: int) -> str:
    return make(SERVICE_AT_LOCATION, listing_id)


def part(kind: str, *keys: object) -> str:
    """The UUID of a part of a record that has no row of its own (a listing's cost option, schedule,
    language or area), from the record's key and the part's: as stable as the record's."""
    return make(kind, ":".join(str(key) for key in keys))


def canonical(text: str | None) -> str | None:
    """``text`` as the feed writes UUIDs (lower case), or None unless it is a UUID written the usual
    way: 8-4-4-4-12 hexadecimal digits with hyphens, as the OpenAPI document's ``format: uuid`` says."""
    if not text or not _WRITTEN.fullmatch(text):
        return None
    return text.lower()


def key_for(kind: str, value: str, candidates: Callable[[], Iterable[object]]) -> str | None:
    """The key of ``kind`` whose UUID is ``value`` (canonical), looking through ``candidates`` (called
    only when the UUID is not yet known), or None when none of them has it."""
    found = _known.get(value)
    if found is None:
        for key in candidates():
            name = (kind, str(key))
            if name not in _worked_out:
                _worked_out.add(name)
                _known[make(kind, key)] = name
        found = _known.get(value)
    return found[1] if found is not None and found[0] == kind else None
