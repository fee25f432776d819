"""The case timeline as the person reads it: each stage done (with its date), the one now (who it waits
on, and by when), and those to come (how long they usually take, from the council's timescales)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import timescales
from .models import STAGE_NAMES, STAGES, SupportRequest

WAITING_ON = {"council": "the council", "person": "you", "meeting": "your assessment meeting"}


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    state: str  # "done", "now", "to_come", "stopped"
    on: date | None = None  # when it was done
    waiting_on: str | None = None
    expected_by: date | None = None
    usually: str | None = None


def _usually(request: SupportRequest, key: str) -> str | None:
    figures = timescales.for_council(request.council)
    return {
        "submitted": f"The council answers within {figures['first_contact_working_days']} working days.",
        "assessment_booked": f"The council aims to assess within {figures['assessment_within_days']} days of a request.",
        "assessed": f"The council decides within {figures['decision_working_days']} working days of the assessment.",
        "set_up": None,
    }[key]


def _reached(request: SupportRequest) -> dict[str, date]:
    """The first day the case reached each stage, from its steps."""
    reached: dict[str, date] = {}
    for step in request.steps:
        key = "submitted" if step.status == "more_info" else step.status
        if key in STAGES and key not in reached:
            reached[key] = step.at.date()
    return reached


def stages(request: SupportRequest) -> list[Stage]:
    """One entry per stage, from the first day (sending) to being set up."""
    current = "submitted" if request.status == "more_info" else request.status
    reached = _reached(request)
    position = STAGES.index(current) if current in STAGES else None
    if request.status == "closed":
        position = max((STAGES.index(k) for k in reached), default=-1)
    result = []
    for index, key in enumerate(STAGES):
        if position is None or index > position or (request.status == "closed" and key not in reached):
            state = "stopped" if request.status == "closed" else "to_come"
            result.append(Stage(key, STAGE_NAMES[key], state, usually=None if state == "stopped" else _usually(request, key)))
        elif index < position or key == "set_up" or request.status == "closed":
            result.append(Stage(key, STAGE_NAMES[key], "done", on=reached.get(key)))
        else:
            result.append(Stage(key, STAGE_NAMES[key], "now", on=reached.get(key),
                                waiting_on=WAITING_ON.get(request.waiting_on or ""), expected_by=request.expected_by,
                                usually=_usually(request, key)))
    return result


def is_late(request: SupportRequest, today: date) -> bool:
    """Waiting on the council past the date it gave."""
    return request.waiting_on == "council" and request.expected_by is not None and request.expected_by < today
