"""Reporting periods: `2026-H1`, `2026-H2` or `2026`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .errors import AidkitError

_PERIOD = re.compile(r"^(\d{4})(?:\s*-\s*H([12]))?$", re.IGNORECASE)


class BadPeriod(AidkitError, ValueError):
    """The text is not a period of the form YYYY-H1, YYYY-H2 or YYYY (its sentence: "period-invalid")."""

    key = "period-invalid"

    def __init__(self, text: object):
        from .sentences import bilingual

        super().__init__(*bilingual(self.key, value=str(text)))
        self.text = text


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int | None = None  # None = the whole year

    @classmethod
    def parse(cls, text: str) -> Period:
        m = _PERIOD.match(str(text).strip())
        if not m or not 2000 <= int(m.group(1)) <= 2100:
            raise BadPeriod(text)
        return cls(int(m.group(1)), int(m.group(2)) if m.group(2) else None)

    @property
    def start(self) -> date:
        return date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def __str__(self) -> str:
        return f"{self.year}-H{self.half}" if self.half else str(self.year)
