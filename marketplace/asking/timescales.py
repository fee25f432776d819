"""Each council's published timescales for a request (marketplace/data/request_timescales.json), and the
expected-by dates they give. The dates are the council's promise, shown to the person; a date passed
shows as overdue in the council's queue."""
from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "request_timescales.json"
KEYS = ("first_contact_working_days", "assessment_within_days", "decision_working_days", "answer_days")


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def for_council(council) -> dict[str, int]:
    """The council's figures, each falling back to the defaults (the file says which it gives)."""
    data = _data()
    own = data["councils"].get(council.slug, {})
    return {key: int(own.get(key, data["defaults"][key])) for key in KEYS}


def add_working_days(start: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``start``."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def first_contact_by(council, sent_on: date) -> date:
    return add_working_days(sent_on, for_council(council)["first_contact_working_days"])


def assessment_by(council, sent_on: date) -> date:
    return sent_on + timedelta(days=for_council(council)["assessment_within_days"])


def decision_by(council, assessed_on: date) -> date:
    return add_working_days(assessed_on, for_council(council)["decision_working_days"])


def answer_by(council, asked_on: date) -> date:
    return asked_on + timedelta(days=for_council(council)["answer_days"])
