"""Money is integer pence; marketplace.money is the one place that formats, parses and multiplies it."""
from __future__ import annotations

from decimal import InvalidOperation

import pytest

from marketplace.money import MoneyParseError, format_pence, multiply, parse_pounds


@pytest.mark.parametrize("pence, shown", [
    (0, "£0.00"),
    (1, "£0.01"),
    (99, "£0.99"),
    (100, "£1.00"),
    (123456, "£1,234.56"),
    (100000000, "£1,000,000.00"),
    (-250, "-£2.50"),
    (-123456, "-£1,234.56"),
])
def test_format_pence_shows_pounds_and_pence_with_thousands_separators(pence, shown):
    assert format_pence(pence) == shown


def test_format_pence_shows_nothing_for_no_amount():
    assert format_pence(None) == ""


@pytest.mark.parametrize("pence, shown", [(500, "£5"), (581300, "£5,813"), (-500, "-£5"), (550, "£5.50")])
def test_format_pence_can_drop_pence_only_for_whole_pounds(pence, shown):
    assert format_pence(pence, whole_pounds=True) == shown


@pytest.mark.parametrize("text, pence", [
    ("40", 4000),
    ("40.00", 4000),
    ("12.5", 1250),
    ("12.50", 1250),
    ("0.05", 5),
    ("0", 0),
    ("£1,234.5", 123450),
    ("£ 1,234.56", 123456),
    ("  £40  ", 4000),
    ("1,000,000", 100000000),
    ("1234", 123400),
])
def test_parse_pounds_reads_what_people_type_into_pence(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", [
    "", "   ", None, "£", "forty", "40p", "-5", "£-5", "12.345", "1,23", "1,2345", "1234,567",
    "12.", ".5", "1.2.3", "40 00", "£40 and 50p", "1e3", "0x10", "9" * 10_000,
])
def test_parse_pounds_refuses_anything_that_is_not_an_amount(text):
    with pytest.raises(MoneyParseError, match="Enter an amount in pounds"):
        parse_pounds(text)


def test_a_money_parse_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_pounds("lots")


@pytest.mark.parametrize("amount", [0, 5, 99, 1250, 123456, 100000000])
def test_parsing_a_formatted_amount_gives_back_the_same_pence(amount):
    assert parse_pounds(format_pence(amount)) == amount


@pytest.mark.parametrize("rate, quantity, pence", [
    (1250, 2, 2500),
    (1250, "1.5", 1875),
    (1250, 1.5, 1875),
    (333, "0.5", 167),      # 166.5 rounds half up
    (333, "0.25", 83),      # 83.25 rounds down
    (1999, 3, 5997),
    (1, "0.1", 0),
    (100, 0, 0),
    (-333, "0.5", -167),    # half rounds away from zero
])
def test_multiply_rounds_once_half_up_to_whole_pence(rate, quantity, pence):
    assert multiply(rate, quantity) == pence


def test_multiply_uses_the_float_as_written_not_its_binary_value():
    # 0.1 * 3 hours at £10.05 is £3.015 exactly as written: half up gives 302, not 301.
    assert multiply(1005, 0.3) == 302


def test_multiply_always_returns_an_int():
    assert type(multiply(1250, "1.5")) is int


@pytest.mark.parametrize("quantity", ["lots", "", "1,5"])
def test_multiply_refuses_a_quantity_that_is_not_a_number(quantity):
    with pytest.raises(InvalidOperation):
        multiply(1000, quantity)
