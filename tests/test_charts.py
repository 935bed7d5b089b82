"""toolkit.charts: bar charts as PNG, with a font that has the Vietnamese letters."""

from __future__ import annotations

import io

from PIL import Image, ImageFont

from toolkit.charts import bars, font_path, nice_step


def test_round_axis_steps():
    assert [nice_step(v) for v in (3_466_000, 4_930_900, 900, 0)] == [2_000_000, 2_000_000, 500, 0.5]


def test_a_bar_chart_is_a_png_as_wide_as_the_page_and_taller_with_more_bars():
    one = Image.open(io.BytesIO(bars(["Cần Thơ"], [1_000.0], "#1F4E78")))
    many = Image.open(io.BytesIO(bars([f"Tỉnh {i}" for i in range(8)], [float(i) for i in range(8)], "#1F4E78")))
    assert one.format == "PNG" and one.width == many.width == 1860 and many.height > one.height
    assert len(one.convert("RGB").getcolors(maxcolors=1 << 16)) > 2  # bars, text and background were drawn


def test_the_font_draws_vietnamese_letters():
    path = font_path()
    assert path, "no Times New Roman or DejaVu font found"
    font = ImageFont.truetype(path, 40)
    # a letter the font lacks is drawn as the same empty box as any other missing letter
    boxes = {font.getmask(c).getbbox() for c in "ệ"} | {font.getmask("ữ").getbbox()}
    assert font.getmask("ệ").getbbox() != font.getmask("\uffff").getbbox() and len(boxes) == 2


def test_the_charts_are_in_the_body_s_serif_face():
    """Times New Roman where Windows has it, else a serif with its metrics (Liberation Serif) or DejaVu Serif."""
    family = ImageFont.truetype(font_path(), 40).getname()[0]
    assert family in ("Times New Roman", "Liberation Serif", "DejaVu Serif"), family
