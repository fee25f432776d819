"""Each council's published estimator figures, read from ``marketplace/data/estimate_rules.json`` and
checked once: the questionnaire, points per answer, pounds per point, the band shown either side,
and the English charging rules with the few keys a council replaces.

Why data: the figures are the council's, not ours, and change every April; a council's new table
is a data change that the tests check, not code. A file that does not add up raises ``RulesError``
naming the council and the key, so a bad edit fails its test (and the page) clearly.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

CHARGING_KEYS = ("capital_upper_pence", "capital_lower_pence", "tariff_step_pence", "tariff_per_step_pence",
                 "dre_allowance_weekly_pence", "income_share_percent", "plan_cost_share_percent")
COUNCIL_MAY_SET = ("dre_allowance_weekly_pence", "income_share_percent", "plan_cost_share_percent")
MOST_PENCE = 10**12  # no published figure comes near; bounds every product the calculation makes


class RulesError(ValueError):
    """The estimator data is wrong: the message says where."""


@dataclass(frozen=True)
class Question:
    key: str
    legend: str
    hint: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Charging:
    """The charging rules that apply in one council: the national ones with the council's own keys."""

    source: str
    published: date
    capital_upper_pence: int
    capital_lower_pence: int
    tariff_step_pence: int
    tariff_per_step_pence: int
    mig_weekly_pence: dict[str, int]
    dre_allowance_weekly_pence: int
    income_share_percent: int
    plan_cost_share_percent: int | None
    council_sets: frozenset[str]  # the keys the council published itself; the rest are national defaults


@dataclass(frozen=True)
class CouncilRules:
    slug: str
    source: str
    published: date
    points: dict[str, tuple[int, ...]]
    pence_per_point_per_year: int
    range_percent: int
    charging: Charging
    assumptions: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    questions: tuple[Question, ...]
    age_bands: dict[str, str]  # key -> label, in order
    councils: dict[str, CouncilRules]

    def for_council(self, slug: str) -> CouncilRules | None:
        return self.councils.get(slug)


def _money(where: str, value, *, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MOST_PENCE:
        raise RulesError(f"{where} must be a whole number of pence from 0 to {MOST_PENCE}, not {value!r}")
    return value


def _percent(where: str, value, *, nullable: bool = False, most: int = 100) -> int | None:
    if value is None and nullable:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
        raise RulesError(f"{where} must be a whole percentage from 0 to {most}, not {value!r}")
    return value


def _text(where: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{where} must be some plain words")
    return value.strip()


def _date(where: str, value) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RulesError(f"{where} must be a date like 2025-04-01, not {value!r}") from None


def _charging(national: dict, own: dict, slug: str, bands: dict[str, str]) -> Charging:
    unknown = set(own) - set(COUNCIL_MAY_SET)
    if unknown:
        raise RulesError(f"{slug}: charging may only set {', '.join(COUNCIL_MAY_SET)}, not {', '.join(sorted(unknown))}")
    merged = {**national, **own}
    where = f"{slug}: charging"
    values = {key: (_percent(f"{where}.{key}", merged.get(key), nullable=key == "plan_cost_share_percent")
                    if key.endswith("_percent") else _money(f"{where}.{key}", merged.get(key)))
              for key in CHARGING_KEYS}
    if values["capital_lower_pence"] >= values["capital_upper_pence"] or values["tariff_step_pence"] == 0:
        raise RulesError(f"{where}: the lower capital limit must be below the upper one, and the tariff step more than 0")
    mig = merged.get("mig_weekly_pence")
    if not isinstance(mig, dict) or set(mig) != set(bands):
        raise RulesError(f"{where}.mig_weekly_pence must give one figure for each age band: {', '.join(bands)}")
    return Charging(source=_text(f"{where}.source", merged.get("source")), published=_date(f"{where}.published", merged.get("published")),
                    mig_weekly_pence={band: _money(f"{where}.mig_weekly_pence.{band}", mig[band]) for band in bands},
                    council_sets=frozenset(own), **values)


def _council(slug: str, raw: dict, questions: tuple[Question, ...], national: dict, bands: dict[str, str]) -> CouncilRules:
    if not isinstance(raw, dict):
        raise RulesError(f"{slug}: expected an object of figures")
    points = raw.get("points")
    if not isinstance(points, dict) or set(points) != {q.key for q in questions}:
        raise RulesError(f"{slug}: points must give every question ({', '.join(q.key for q in questions)}) and nothing else")
    for question in questions:
        row = points[question.key]
        if not isinstance(row, list) or len(row) != len(question.levels):
            raise RulesError(f"{slug}: points.{question.key} must give {len(question.levels)} numbers, one for each answer")
        for value in row:
            _money(f"{slug}: points.{question.key}", value)
    assumptions = raw.get("assumptions")
    if not isinstance(assumptions, list) or not assumptions:
        raise RulesError(f"{slug}: assumptions must list at least one plain sentence")
    return CouncilRules(
        slug=slug, source=_text(f"{slug}: source", raw.get("source")), published=_date(f"{slug}: published", raw.get("published")),
        points={key: tuple(row) for key, row in points.items()},
        pence_per_point_per_year=_money(f"{slug}: pence_per_point_per_year", raw.get("pence_per_point_per_year")),
        range_percent=_percent(f"{slug}: range_percent", raw.get("range_percent"), most=50),
        charging=_charging(national, raw.get("charging") or {}, slug, bands),
        assumptions=tuple(_text(f"{slug}: assumptions", a) for a in assumptions))


def parse(data: dict) -> Rules:
    """The whole file, checked; raises RulesError at the first thing that does not add up."""
    if not isinstance(data, dict):
        raise RulesError("the estimator data must be an object")
    questions = []
    for i, q in enumerate(data.get("questions") or []):
        levels = q.get("levels") if isinstance(q, dict) else None
        if not isinstance(levels, list) or not 2 <= len(levels) <= 5:
            raise RulesError(f"questions[{i}] must have 2 to 5 answers to choose from")
        questions.append(Question(key=_text(f"questions[{i}].key", q.get("key")), legend=_text(f"questions[{i}].legend", q.get("legend")),
                                  hint=q.get("hint") or "", levels=tuple(_text(f"questions[{i}].levels", x) for x in levels)))
    if not questions or len({q.key for q in questions}) != len(questions):
        raise RulesError("questions must list at least one question, each with its own key")
    bands = {_text("age_bands.key", b.get("key")): _text("age_bands.label", b.get("label")) for b in data.get("age_bands") or []}
    if not bands:
        raise RulesError("age_bands must list the Minimum Income Guarantee's age bands")
    national, councils = data.get("national"), data.get("councils")
    if not isinstance(national, dict) or not isinstance(councils, dict) or not councils:
        raise RulesError("the data needs 'national' charging rules and at least one council")
    return Rules(questions=tuple(questions), age_bands=bands,
                 councils={slug: _council(slug, raw, tuple(questions), national, bands) for slug, raw in councils.items()})


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The shipped figures, read and checked once a process."""
    text = resources.files("marketplace.data").joinpath("estimate_rules.json").read_text(encoding="utf-8")
    return parse(json.loads(text))
