"""How the consolidated workbook's sheets print: A4 landscape, readable, with a header and a footer.

A sheet is printed one page wide only when that keeps the text at 60 % or more; a wider sheet
is printed at the scale that fills the fewest pages wide at 60 % or more, with its key columns
(an ID, a title, a province) repeated at the left of every page and its table header repeated
at the top. Only the columns a lead reads on paper are in the print area (provenance columns
such as SHA-256 stay on screen). Every page has the sheet's name, its page number and the date
it is printed in the footer, and the cluster and period in the header.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

PAGE_PX = 1045  # A4 landscape (297 mm) less 0.4" margins each side, in screen pixels at 100 %
MIN_SCALE = 60  # below this, text prints smaller than about 6 pt: go to more pages wide instead
WIDEST = 45  # a column of submitted text grows to show its longest value, up to this many characters
LABELS = 60  # a column of aidkit's own bilingual words ("Được tính / Counted") shows them whole
FOOTER = "&L&8&A&C&8Trang / page &P/&N&R&8In ngày / printed &D"


class Layout(NamedTuple):
    """What `print_pages` set: the scale (%), pages wide, and the last column of the first page."""

    scale: int
    pages_wide: int
    first_page_last_col: int


def column_px(width: float) -> int:
    """Pixels of a column `width` characters wide (Excel's rule for a 10-point font)."""
    return int(width * 7 + 5)


def text_width(column_width: float, longest: int, is_text: bool = True, widest: int = WIDEST) -> float:
    """A column's width: its own, or wide enough for its longest text value (up to `widest`)."""
    if not is_text or longest <= 0:
        return column_width
    return max(column_width, min(widest, math.ceil(longest * 1.05) + 1))


def print_pages(
    ws,
    widths: Sequence[float],
    last_row: int,
    header_row: int | None = None,
    keys: tuple[int, int] = (0, 0),
    header: str = "",
) -> Layout:
    """Print settings for `ws`, whose printed columns are `widths` (characters) from column A, down to
    `last_row` (0-based).

    :param header_row: the 0-based row repeated at the top of every page (the table header).
    :param keys: first and last column (0-based) repeated at the left when the sheet is printed
        more than one page wide.
    :param header: text of the page header (the cluster and period).
    """
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if header:
        ws.set_header("&L&8" + header.replace("&", "&&")[:200])
    ws.set_footer(FOOTER)
    if header_row is not None:
        ws.repeat_rows(header_row)
    ws.print_area(0, 0, last_row, len(widths) - 1)
    px = [column_px(w) for w in widths]
    total = sum(px)
    if total * MIN_SCALE <= PAGE_PX * 100:
        ws.fit_to_pages(1, 0)
        return Layout(min(100, PAGE_PX * 100 // total), 1, len(widths) - 1)
    first, last = keys
    while last > first and sum(px[first : last + 1]) * MIN_SCALE > PAGE_PX * 30:  # keys: under 30 % of a page
        last -= 1
    key = sum(px[first : last + 1])
    pages = 2
    while PAGE_PX * 100 < MIN_SCALE * (key + (total - key) / pages) and pages < 50:
        pages += 1
    scale = max(MIN_SCALE, min(100, int(PAGE_PX * 97 / (key + (total - key) / pages))))  # 3 % spare: whole columns
    ws.set_print_scale(scale)
    ws.repeat_columns(first, last)
    room, edge = PAGE_PX * 100 / scale, 0
    while edge + 1 < len(px) and sum(px[: edge + 2]) <= room:
        edge += 1
    return Layout(scale, pages, edge)
