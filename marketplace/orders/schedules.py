"""Dates of a schedule order: which days it falls on, inside the plan period."""
from __future__ import annotations

from datetime import date, timedelta

from .models import WEEKDAYS


def occurrence_dates(days: list[str], starts_on: date, ends_on: date) -> list[date]:
    """Every date from ``starts_on`` to ``ends_on`` (inclusive) that falls on one of ``days``."""
    wanted = {WEEKDAYS.index(d) for d in days if d in WEEKDAYS}
    if not wanted or ends_on < starts_on:
        return []
    found, day = [], starts_on
    while day <= ends_on:
        if day.weekday() in wanted:
            found.append(day)
        day += timedelta(days=1)
    return found


def schedule_window(schedule: dict, budget) -> tuple[date, date, bool]:
    """(first day, last day, cut_short): a schedule runs to its end date or the plan end, whichever is first."""
    starts_on = date.fromisoformat(schedule["starts_on"])
    wanted_end = date.fromisoformat(schedule["ends_on"]) if schedule.get("ends_on") else budget.ends_on
    ends_on = min(wanted_end, budget.ends_on)
    return max(starts_on, budget.starts_on), ends_on, wanted_end > budget.ends_on
