"""The estimator's data: it validates, every council has figures, and a broken file fails clearly."""
from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from marketplace.councils.service import reference_council_rules
from marketplace.estimate.rules import RulesError, parse, rules


def _raw() -> dict:
    return json.loads(resources.files("marketplace.data").joinpath("estimate_rules.json").read_text(encoding="utf-8"))


def test_every_council_in_councils_json_has_estimator_figures():
    councils = json.loads(resources.files("marketplace.data").joinpath("councils.json").read_text(encoding="utf-8"))["councils"]
    loaded = rules()
    for council in councils:
        figures = loaded.for_council(council["slug"])
        assert figures is not None, council["slug"]
        assert figures.source and figures.assumptions and figures.published.year >= 2025


def test_the_plan_cost_share_agrees_with_the_councils_own_rules():
    """The help page says what council_rules.json says; the estimator must not say otherwise
    (Coldwater's 75%, 003:717; no other council publishes a share)."""
    for council in reference_council_rules():
        share = council.get("contribution_share")
        assert rules().for_council(council["slug"]).charging.plan_cost_share_percent == (round(share * 100) if share else None)


@pytest.mark.parametrize("breakage, says", [
    (lambda d: d["councils"]["coldwater"]["points"]["eating"].pop(), "coldwater: points.eating must give 4 numbers"),
    (lambda d: d["councils"]["birchley"]["charging"].update(capital_upper_pence=1), "birchley: charging may only set"),
    (lambda d: d["national"].update(capital_lower_pence=9_999_999), "lower capital limit must be below the upper one"),
    (lambda d: d["councils"]["dunmere"].update(range_percent=-5), "dunmere: range_percent must be a whole percentage"),
    (lambda d: d["national"]["mig_weekly_pence"].pop("pension"), "mig_weekly_pence must give one figure for each age band"),
])
def test_a_broken_file_fails_naming_what_is_wrong(breakage, says):
    data = copy.deepcopy(_raw())
    breakage(data)
    with pytest.raises(RulesError, match=says):
        parse(data)
