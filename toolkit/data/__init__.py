"""The reference tables shipped with aidkit (sectors, provinces, countries, rates), read from this folder."""

from __future__ import annotations

import csv
import os

DATA_DIR = os.path.dirname(__file__)


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of a CSV file of toolkit/data as dicts."""
    with open(os.path.join(DATA_DIR, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
