"""Today, or a simulated day: the `--now` option of status, remind and acknowledge."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from .errors import AidkitError

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$")


class BadNow(AidkitError, ValueError):
    """The --now text is neither an ISO date/time nor dd/mm/yyyy."""

    key = "now-invalid"

    def __init__(self, text: str):
        from .sentences import bilingual

        super().__init__(*bilingual(self.key, text=str(text)))


def parse_now(text: str | date | datetime | None) -> datetime:
    """A moment from `2026-07-15`, `2026-07-15T08:00`, `15/07/2026` or `15/07/2026 08:00`.

    A date without a time means the start of that day. None means the real current time.
    :raises BadNow: for anything else (never guesses mm/dd).
    """
    if text is None or text == "":
        return datetime.now().replace(microsecond=0)
    if isinstance(text, datetime):
        return text.replace(tzinfo=None)
    if isinstance(text, date):
        return datetime.combine(text, time())
    raw = str(text).strip()
    m = _DMY.match(raw)
    try:
        if m:
            day, month, year = int(m[1]), int(m[2]), int(m[3])
            hour, minute = (int(m[4]), int(m[5])) if m[4] else (0, 0)
            return datetime(year, month, day, hour, minute)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise BadNow(raw) from None
    return moment.replace(tzinfo=None) if moment.tzinfo else moment


def vn_date(day: date | datetime | None) -> str:
    """dd/mm/yyyy, as a Vietnamese office user writes a date."""
    return "" if day is None else day.strftime("%d/%m/%Y")


def vn_moment(moment: datetime | None) -> str:
    """dd/mm/yyyy HH:MM."""
    return "" if moment is None else moment.strftime("%d/%m/%Y %H:%M")


def local_moment(moment: datetime) -> datetime:
    """A moment in this computer's local time, without tzinfo, to the second (how the ledger keeps times)."""
    moment = moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
    return moment.replace(microsecond=0)
