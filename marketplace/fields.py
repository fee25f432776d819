"""Form fields shared by every area."""
from __future__ import annotations

from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from .money import MoneyParseError, parse_pounds


class PoundsField(StringField):
    """A money input: people type pounds ("40", "12.50", "£1,200"); ``pence`` holds the parsed value."""

    pence: int | None = None

    def pre_validate(self, form):
        self.pence = None
        text = (self.data or "").strip()
        if text:
            try:
                self.pence = parse_pounds(text)
            except MoneyParseError as error:
                raise ValidationError(str(error)) from None


def strip_whitespace(value):
    """Phones and autofill often add a space around an email address; it is never meant."""
    return value.strip() if isinstance(value, str) else value


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' SelectChoice, the shape WTForms 3.3 wants (tuples are deprecated)."""
    return [pair if isinstance(pair, SelectChoice) else SelectChoice(*pair) for pair in pairs]
