"""Form fields shared by every area, each bounded so that no value typed into it can reach the
database or a calculation it would break (a year 9999 date, a 400-digit number, "NaN")."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from wtforms import DateField as _WTFormsDateField
from wtforms import IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from . import clock
from .money import MOST_PENCE, MoneyParseError, format_pence, parse_pounds

EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


class PoundsField(StringField):
    """A money input: people type pounds ("40", "12.50", "£1,200"); ``pence`` holds the parsed value."""

    pence: int | None = None

    def __init__(self, *args, most_pence: int = MOST_PENCE, what: str = "The amount", **kwargs):
        super().__init__(*args, **kwargs)
        self.most_pence, self.what = most_pence, what

    def pre_validate(self, form):
        self.pence = None
        text = (self.data or "").strip()
        if text:
            if len(text) > 20:
                raise ValidationError("Enter an amount in pounds, like 40 or 12.50")
            try:
                pence = parse_pounds(text)
            except MoneyParseError as error:
                raise ValidationError(str(error)) from None
            if pence > self.most_pence:
                raise ValidationError(f"{self.what} must be {format_pence(self.most_pence, whole_pounds=True)} or less")
            self.pence = pence


class QuantityField(StringField):
    """A positive number with up to two decimals (hours, sessions, items), at most ``most``."""

    def __init__(self, *args, most: int = 10_000, **kwargs):
        super().__init__(*args, **kwargs)
        self.most = most

    def pre_validate(self, form):
        text = (self.data or "").strip()
        if not text:
            return
        value = self.decimal
        if value is None:
            raise ValidationError("Enter a number, like 2 or 1.5")
        if value <= 0 or value > self.most or value != value.quantize(Decimal("0.01")):
            raise ValidationError(f"Enter a number more than 0 and up to {self.most:,}, with at most two decimal places")

    @property
    def decimal(self) -> Decimal | None:
        """The number typed, or None for anything that is not a plain finite number ("NaN", "1e309", "1,5")."""
        text = (self.data or "").strip()
        if len(text) > 20:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
        return value if value.is_finite() else None


class WholeNumberField(IntegerField):
    """A whole number between ``least`` and ``most``. WTForms' NumberRange would fail on a 400-digit
    number (it asks math.isnan of it), so the bounds are checked here, on at most nine digits."""

    _DIGITS = re.compile(r"^\s*-?[0-9]{1,9}\s*$")

    def __init__(self, *args, least: int = 0, most: int = 1_000_000, what: str = "The number", **kwargs):
        super().__init__(*args, **kwargs)
        self.least, self.most, self.what = least, most, what

    @property
    def problem(self) -> str:
        return f"{self.what} must be a whole number from {self.least:,} to {self.most:,}"

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0] not in ("", None) and not self._DIGITS.match(str(valuelist[0])):
            self.data = None
            raise ValueError(self.problem)
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        if self.data is not None and not self.least <= self.data <= self.most:
            raise ValidationError(self.problem)


class DateField(_WTFormsDateField):
    """A date typed as day, month and year (GovDateInput), between ``earliest`` and ``latest``
    (dates, or callables giving one, so "not in the future" can be said).

    The widget needs exactly three raw parts to show the form again, so a request that left the
    fields out (or sent too many) gets three, and a plain error message instead of a crash."""

    def __init__(self, *args, earliest=date(EARLIEST_YEAR, 1, 1), latest=date(LATEST_YEAR, 12, 31),
                 format="%d %m %Y", **kwargs):
        kwargs.setdefault("invalid_value_message", "Enter a real date, like 27 3 2027")
        super().__init__(*args, format=format, **kwargs)
        self.earliest, self.latest = earliest, latest

    def process(self, formdata, *args, **kwargs):
        super().process(formdata, *args, **kwargs)
        if self.raw_data is not None and formdata is not None and len(self.raw_data) != 3:
            self.raw_data = (list(self.raw_data) + ["", "", ""])[:3]

    def process_formdata(self, valuelist):
        if valuelist and any(len(str(part)) > 4 for part in valuelist):
            self.data = None
            raise ValueError(self.invalid_value_message)
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        if self.data is None:
            return
        earliest = self.earliest() if callable(self.earliest) else self.earliest
        latest = self.latest() if callable(self.latest) else self.latest
        if earliest and self.data < earliest:
            raise ValidationError(f"Enter a date on or after {_long(earliest)}")
        if latest and self.data > latest:
            raise ValidationError(f"Enter a date on or before {_long(latest)}")


def today() -> date:
    """For ``latest=today``: a date that cannot be in the future."""
    return clock.today()


def years_ahead(years: int):
    """For ``latest=years_ahead(n)``: a date at most ``n`` years from today."""
    def latest() -> date:
        now = clock.today()
        return now.replace(year=now.year + years, day=min(now.day, 28))
    return latest


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def strip_whitespace(value):
    """Phones and autofill often add a space around an email address; it is never meant."""
    return value.strip() if isinstance(value, str) else value


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' SelectChoice, the shape WTForms 3.3 wants (tuples are deprecated)."""
    return [pair if isinstance(pair, SelectChoice) else SelectChoice(*pair) for pair in pairs]
