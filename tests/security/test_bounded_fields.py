"""Every number and date a form takes is bounded in the field itself, so that nothing typed reaches
a calculation or a column it would break (hole 5: a community event in year 9999 broke the listing
and moderation pages; a 400-digit number broke WTForms' NumberRange)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from catalogue import community
from catalogue.models import CommunityEvent
from marketplace import clock
from marketplace.errors import DomainError
from marketplace.fields import DateField, PoundsField, QuantityField, WholeNumberField, today, years_ahead

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)


class Sample(FlaskForm):
    class Meta:
        csrf = False

    amount = PoundsField("Amount")
    quantity = QuantityField("Quantity")
    hours = WholeNumberField("Hours", most=1440)
    on = DateField("On")
    paid_on = DateField("Paid on", latest=today)
    event_on = DateField("Event on", latest=years_ahead(5))


def _errors(app, **data) -> dict:
    formdata = MultiDict()
    for name, value in data.items():
        for part in value if isinstance(value, list) else [value]:
            formdata.add(name, part)
    with clock.frozen(NOW), app.test_request_context(method="POST"):
        form = Sample(formdata=formdata)
        form.validate()
        return {name: errors for name, errors in form.errors.items() if errors}


@pytest.mark.parametrize("typed", ["1" + "0" * 400, "99999999999", "-1", "1441", "1.5", "NaN", "١٢"])
def test_a_whole_number_outside_its_bounds_is_refused_in_plain_words(app, typed):
    assert "hours" in _errors(app, hours=typed)


def test_a_whole_number_inside_its_bounds_is_taken(app):
    assert "hours" not in _errors(app, hours="1440")
    assert "hours" not in _errors(app, hours="0")


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "-Infinity", "1e309", "1e-999", "sNaN", "0", "-2", "10001", "1.234", "9" * 30])
def test_a_quantity_that_is_not_a_plain_number_in_range_is_refused(app, typed):
    assert "quantity" in _errors(app, quantity=typed)


def test_a_quantity_in_range_is_taken(app):
    assert "quantity" not in _errors(app, quantity="1.5")
    assert "quantity" not in _errors(app, quantity="10000")


@pytest.mark.parametrize("typed", ["1000000.01", "£100,000,000,000,000,000", "1" * 25])
def test_an_amount_past_a_million_pounds_is_refused(app, typed):
    errors = _errors(app, amount=typed)
    assert errors["amount"]


def test_an_amount_of_a_million_pounds_is_taken(app):
    assert "amount" not in _errors(app, amount="£1,000,000")


@pytest.mark.parametrize("parts", [["1", "1", "9999"], ["1", "1", "1066"], ["1" * 5000, "1", "2026"], ["31", "2", "2026"], ["", "", "2026"]])
def test_a_date_outside_the_years_people_mean_is_refused(app, parts):
    errors = _errors(app, on=parts)
    assert errors["on"]


def test_a_date_in_the_years_people_mean_is_taken(app):
    assert "on" not in _errors(app, on=["1", "1", "2100"])
    assert "on" not in _errors(app, on=["1", "1", "1900"])


def test_a_payment_date_cannot_be_in_the_future(app):
    assert _errors(app, paid_on=["17", "11", "2026"])["paid_on"] == ["Enter a date on or before 16 November 2026"]
    assert "paid_on" not in _errors(app, paid_on=["16", "11", "2026"])


def test_an_event_date_is_at_most_five_years_ahead(app):
    assert "event_on" in _errors(app, event_on=["17", "11", "2031"])
    assert "event_on" not in _errors(app, event_on=["16", "11", "2031"])


def test_the_service_refuses_a_community_date_years_ahead_too(app, make):
    council = make.council()
    listing = make.listing(make.organisation(approved_in=[council]), title="Walking group")
    with clock.frozen(NOW):
        with pytest.raises(DomainError, match="next 5 years"):
            community.add_event(None, listing, starts_on=date(9999, 12, 30), repeats="weekly")
        with pytest.raises(DomainError, match="next 5 years"):
            community.add_event(None, listing, starts_on=date(2027, 1, 1), repeats="weekly", until=date(9999, 1, 1))


@pytest.mark.parametrize("repeats", ["weekly", "fortnightly", "monthly"])
def test_dates_repeating_past_the_last_date_there_is_stop_instead_of_failing(repeats):
    event = CommunityEvent(starts_on=date(9999, 12, 1), repeats=repeats, until=None)
    assert event.next_dates(date(9999, 11, 1), count=5)[0] == date(9999, 12, 1)
