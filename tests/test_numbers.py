"""Numbers in messages follow the reader's language, and whole numbers carry no decimals."""

import pytest

from toolkit.numbers import format_number


@pytest.mark.parametrize(
    "value, lang, decimals, expected",
    [
        (1234567.5, "vi", None, "1.234.567,5"),
        (1234567.5, "en", None, "1,234,567.5"),
        (4.0, "vi", None, "4"),
        (45693.0, "en", None, "45,693"),
        (100000, "vi", 2, "100.000,00"),
        (0.126, "vi", None, "0,13"),
        (-2500, "vi", None, "-2.500"),
        (2989000, "vi", 0, "2.989.000"),
        ("abc", "vi", None, "abc"),
        (None, "vi", None, ""),
    ],
)
def test_format_number(value, lang, decimals, expected):
    assert format_number(value, lang, decimals) == expected
