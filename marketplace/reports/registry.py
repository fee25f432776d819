"""The reports there are: each registers itself with a name, a title, one line on what it answers, and
the function that builds its tables for a set of filters."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import reading
from .filters import Filters
from .tables import Table


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    question: str
    build: Callable[[Filters], list[Table]]

    def tables(self, filters: Filters) -> list[Table]:
        """The tables with the privacy rules applied: what every page, chart and CSV shows (kept in the
        shared cache until something they read changes, and read from the replica when there is one)."""
        return reading.tables(self, filters)


REPORTS: dict[str, Report] = {}


def report(name: str, title: str, question: str):
    def register(build: Callable[[Filters], list[Table]]):
        REPORTS[name] = Report(name, title, question, build)
        return build
    return register
