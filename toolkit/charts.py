"""The report's two charts of the aid approved in a period, as PNG pictures drawn with Pillow.

Not matplotlib: xlwings imports matplotlib (and numpy) at its own import whenever it is installed,
which would add about 0.4 s to every Excel button press; Pillow is imported here only, when a chart
is drawn (about 15 ms). Text uses Times New Roman where installed (Windows, macOS), else DejaVu
Serif or Sans, which have every Vietnamese letter.
"""

from __future__ import annotations

import io
import math
import os
import textwrap
from functools import cache
from pathlib import Path

from .consolidation.figures import PeriodFigures
from .numbers import format_number

WIDTH = 1860  # pixels: 15.5 cm at 300 dpi
LABEL_CHARS = 34  # a label longer than this wraps
#: The body's Times New Roman first (Liberation Serif has its metrics), each with Vietnamese.
FONTS = ("times.ttf", "Times New Roman.ttf", "LiberationSerif-Regular.ttf", "DejaVuSerif.ttf", "DejaVuSans.ttf")
FONT_DIRS = (
    Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts/Supplemental"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)


def approved_charts(f: PeriodFigures) -> tuple[bytes, bytes]:
    """Two PNG bar charts of the aid approved in the period (USD): by province and by sector."""
    members = [m for m in f.members if m.submitted]
    return (
        bars([m.name or m.code for m in members], [m.usd_approved for m in members], "#1F4E78"),
        bars([s for s, _, _ in f.sectors], [usd for _, _, usd in f.sectors], "#C55A11"),
    )


@cache
def font_path() -> str | None:
    """The first font of FONTS found in FONT_DIRS (None: Pillow's own)."""
    for name in FONTS:
        for folder in FONT_DIRS:
            if (folder / name).is_file():
                return str(folder / name)
    return None


def _font(size: int):
    from PIL import ImageFont

    path = font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def nice_step(top: float, ticks: int = 3) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) that splits 0…top into about `ticks` parts."""
    raw = max(top, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def bars(labels: list[str], values: list[float], colour: str) -> bytes:
    """A horizontal bar chart, largest value first as given, each bar labelled with its value."""
    from PIL import Image, ImageDraw

    text, small = _font(34), _font(30)
    wrapped = [textwrap.fill(label, LABEL_CHARS) for label in labels] or ["—"]
    values = list(values) or [0.0]
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    label_width = max(probe.multiline_textbbox((0, 0), w, font=text, spacing=4)[2] for w in wrapped)
    rows = [max(84, 44 * (w.count("\n") + 1) + 34) for w in wrapped]
    top_value = max(max(values), 1.0)
    step = nice_step(top_value)
    axis_max = step * math.ceil(top_value / step)
    x0, right = label_width + 40, WIDTH - 230  # room for the last bar's value
    height = sum(rows) + 150
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    y = 20
    for label, value, row in zip(wrapped, values, rows, strict=True):
        middle = y + row // 2
        draw.multiline_text((x0 - 16, middle), label, font=text, fill="black", anchor="rm", align="right", spacing=4)
        end = x0 + (right - x0) * value / axis_max
        draw.rectangle((x0, middle - 26, max(end, x0 + 1), middle + 26), fill=colour)
        draw.text((end + 12, middle), format_number(value, "vi", 0), font=small, fill="black", anchor="lm")
        y += row
    draw.line((x0, 10, x0, y + 6), fill="black", width=2)
    draw.line((x0, y + 6, right, y + 6), fill="black", width=2)
    tick = 0.0
    while tick <= axis_max + step / 2:
        x = x0 + (right - x0) * tick / axis_max
        draw.line((x, y + 6, x, y + 18), fill="black", width=2)
        draw.text((x, y + 24), format_number(tick, "vi", 0), font=small, fill="black", anchor="ma")
        tick += step
    draw.text(((x0 + right) / 2, y + 80), "USD", font=small, fill="black", anchor="ma")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(300, 300), optimize=True)
    return out.getvalue()
