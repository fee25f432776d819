"""The feed's two taxonomies: the catalogue's categories (what the support is) and the ten Care Act
2014 eligibility outcomes (what it helps with), both from ``marketplace.taxonomy``. Their terms are
flat: no term has a parent."""
from __future__ import annotations

from flask import url_for

from marketplace import taxonomy

from . import ids

CATEGORIES = "categories"
OUTCOMES = "outcomes"
# The Care and Support (Eligibility Criteria) Regulations 2015, regulation 2(2), lists the outcomes.
OUTCOMES_URI = "https://www.legislation.gov.uk/uksi/2015/313/regulation/2"
TAXONOMY_TEXT = {
    CATEGORIES: ("Support Market categories",
                 "What the support is: the categories people search the catalogue by, covering every spend category "
                 "of personal budgets and what support markets sell."),
    OUTCOMES: ("Care Act 2014 eligibility outcomes",
               "The ten outcomes of the Care and Support (Eligibility Criteria) Regulations 2015 that a service can help "
               "a person achieve."),
}


def categories() -> dict[str, dict]:
    return taxonomy.categories()


def outcomes() -> dict[str, dict]:
    return taxonomy.outcomes()


def codes(name: str) -> list[str]:
    return list(categories() if name == CATEGORIES else outcomes())


def all_terms() -> list[tuple[str, str]]:
    """(taxonomy, code) of every term: the categories, then the outcomes, each in the file's order."""
    return [(name, code) for name in (CATEGORIES, OUTCOMES) for code in codes(name)]


def taxonomy_name(value: str) -> str | None:
    """CATEGORIES or OUTCOMES for its UUID, or None."""
    return next((name for name in (CATEGORIES, OUTCOMES) if ids.taxonomy(name) == value), None)


def term_key(value: str) -> tuple[str, str] | None:
    """(taxonomy, code) of the term with this UUID, or None."""
    found = ids.key_for(ids.TAXONOMY_TERM, value, lambda: (f"{name}:{code}" for name, code in all_terms()))
    if found is None:
        return None
    name, code = found.split(":", 1)
    return name, code


def taxonomy_record(name: str, *, with_terms: bool = False) -> dict:
    title, description = TAXONOMY_TEXT[name]
    record = {"id": ids.taxonomy(name), "name": title, "description": description,
              "uri": OUTCOMES_URI if name == OUTCOMES else url_for("catalogue.index", _external=True)}
    if with_terms:
        record["taxonomy_terms"] = [term_record(name, code) for code in codes(name)]
    return record


def term_record(name: str, code: str) -> dict:
    """A term: its name, a description, its taxonomy, its code (``term``) and the catalogue search for it."""
    if name == CATEGORIES:
        category = categories()[code]
        label, description = category["name"], f"{category['name']}, for example {category['examples']}."
        uri = url_for("catalogue.index", category=code, _external=True)
    else:
        outcome = outcomes()[code]
        label, description = outcome["name"], f"In plain words: {outcome['plain']}."
        uri = url_for("catalogue.index", outcome=code, _external=True)
    return {"id": ids.taxonomy_term(name, code), "name": label, "description": description,
            "taxonomy": TAXONOMY_TEXT[name][0], "taxonomy_id": ids.taxonomy(name), "term": code, "term_uri": uri}


def term_keys_of(category: str | None, outcome_codes: list[str]) -> list[tuple[str, str]]:
    """The terms a listing has: its category, then its outcomes (those still in the taxonomy)."""
    found = [(CATEGORIES, category)] if category in categories() else []
    return found + [(OUTCOMES, code) for code in outcome_codes or [] if code in outcomes()]
