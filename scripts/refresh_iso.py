"""Regenerate toolkit/data/iso.json (ISO 3166 countries, ISO 4217 currencies) from pycountry.

aidkit reads the small JSON at run time instead of importing pycountry: that import
and data load cost about 30 ms on every button press. tests/test_vocabulary.py
checks that the JSON still equals what pycountry gives.
"""

import json
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "toolkit" / "data" / "iso.json"


def iso_data() -> dict:
    import pycountry

    countries = {}
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        names = [c.name] + [
            n for n in (getattr(c, "common_name", None), getattr(c, "official_name", None)) if n and n != c.name
        ]
        countries[c.alpha_2] = names
    currencies = sorted(c.alpha_3 for c in pycountry.currencies)
    return {"source": "pycountry (ISO 3166-1, ISO 4217)", "countries": countries, "currencies": currencies}


def render() -> str:
    return json.dumps(iso_data(), ensure_ascii=False, indent=0, sort_keys=True) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
