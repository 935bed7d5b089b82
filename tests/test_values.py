from datetime import date, datetime
from decimal import Decimal

import pytest

from toolkit.values import (
    BadValue,
    is_email,
    is_placeholder,
    is_vietnamese_phone,
    parse_date,
    parse_integer,
    parse_number,
)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1.234.567", "1234567"),
        ("1.234.567,5", "1234567.5"),
        ("25,4 tỷ", "25400000000"),
        ("300 triệu", "300000000"),
        ("1,234.56", "1234.56"),
        ("2,5", "2.5"),
        ("2.5", "2.5"),
        ("1 234 567", "1234567"),
        ("12 USD", "12"),
        ("0,272", "0.272"),
        ("-5", "-5"),
        (1234.5, "1234.5"),
        (7, "7"),
        ("1,234,567", "1234567"),
    ],
)
def test_numbers(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["47,272", "47.272", "1.200"])
def test_ambiguous_numbers_are_never_guessed(text):
    with pytest.raises(BadValue) as bad:
        parse_number(text)
    assert bad.value.rule == "ambiguous-number"


@pytest.mark.parametrize("text", ["abc", "1.23.4", "12 con", "", True, "1,2.3,4"])
def test_not_numbers(text):
    with pytest.raises(BadValue) as bad:
        parse_number(text)
    assert bad.value.rule == "invalid-number"


def test_integer_thousands_reading_is_the_only_whole_one():
    assert parse_integer("1.200") == 1200
    with pytest.raises(BadValue):
        parse_integer("12,5")


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("05/03/2026", date(2026, 3, 5)),
        ("5/3/2026", date(2026, 3, 5)),
        ("05-03-2026", date(2026, 3, 5)),
        ("2026-03-05", date(2026, 3, 5)),
        (datetime(2026, 3, 5, 0, 0), date(2026, 3, 5)),
    ],
)
def test_dates(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["03/15/2026", "31/02/2026", "tháng 3", 46000.0])
def test_bad_dates(raw):
    with pytest.raises(BadValue):
        parse_date(raw)


def test_serial_number_dates_get_a_hint():
    with pytest.raises(BadValue) as bad:
        parse_date(46086.0)
    assert bad.value.suggestion == "05/03/2026"


def test_emails_phones_placeholders():
    assert is_email("mai.tran@lhhcantho.org.vn") and not is_email("a@b") and not is_email("a b@c.vn")
    assert is_vietnamese_phone("0912 345 678") and is_vietnamese_phone("+84 292 3821 456")
    assert not is_vietnamese_phone("12345")
    assert all(is_placeholder(t) for t in ("n/a", "NA", "-", " N/A "))
    assert not is_placeholder("Nam")
