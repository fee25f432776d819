"""Small helpers shared by the plan and budget tests."""
from __future__ import annotations

from datetime import date

from marketplace.extensions import db


def yearly(weekly_pence: int) -> int:
    """The yearly amount whose weekly cost (the plan's total over 52 weeks, rounded up) is ``weekly_pence``."""
    return weekly_pence * 52


def date_fields(day: date) -> list[str]:
    """A date as the GOV.UK date input posts it: three fields with the same name."""
    return [str(day.day), str(day.month), str(day.year)]


def fresh(obj):
    """``obj`` as the database has it now (after requests that ran in their own sessions)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def read(response) -> str:
    """The page's visible text, with the spaces page_text leaves before full stops and commas
    (where a tag closed) taken out: what a person reads."""
    from ..helpers import page_text

    return page_text(response).replace(" .", ".").replace(" ,", ",")
