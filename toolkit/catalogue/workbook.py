"""``danh-muc.xlsx`` of the catalogue: every published need as a table, one sheet per language.

The amounts are numbers with a number format, so Excel shows them in the reader's own style;
the English sheet takes the English values where the workbook or the glossary has them.
"""

from __future__ import annotations

import io
from typing import Any

from .. import schema
from ..outputs import mark_xlsxwriter
from .result import FORM_LABELS

#: (Vietnamese header, English header, Vietnamese value, English value, width, number format)
_COLUMNS: tuple[tuple[str, str, str, str, int, str | None], ...] = (
    ("Mã đề xuất", "Proposal ID", "id", "id", 15, None),
    ("Tên chương trình, dự án", "Title", "title_vi", "title_en", 50, None),
    ("Tỉnh", "Province", "province", "province_en", 14, None),
    ("Địa bàn", "Location", "location", "location_en", 26, None),
    ("Lĩnh vực", "Sector", "sector_vi", "sector_en", 26, None),
    ("Hình thức", "Type of aid", "form_vi", "form_en", 14, None),
    ("Thời gian (tháng)", "Duration (months)", "months", "months", 10, "0"),
    ("Tổng kinh phí (USD)", "Total budget (USD)", "total_usd", "total_usd", 14, "#,##0"),
    ("Đề nghị tài trợ (USD)", "Requested (USD)", "requested_usd", "requested_usd", 14, "#,##0"),
    ("Vốn đối ứng (USD)", "Counterpart (USD)", "counterpart_usd", "counterpart_usd", 14, "#,##0"),
    ("Số người hưởng lợi", "Beneficiaries", "beneficiaries", "beneficiaries", 12, "#,##0"),
    ("Đối tượng hưởng lợi", "Beneficiary groups", "beneficiary_groups", "groups_en", 28, None),
    ("Mục tiêu", "Objectives", "objectives", "objectives_en", 60, None),
    ("Đơn vị đề xuất", "Proposing agency", "agency", "agency_en", 32, None),
    ("Người liên hệ", "Contact person", "contact", "contact_en", 22, None),
    ("Email", "E-mail", "email", "email", 30, None),
)
_FALLBACK = {
    "title_en": "title_vi",
    "province_en": "province",
    "location_en": "location",
    "groups_en": "beneficiary_groups",
    "objectives_en": "objectives",
    "agency_en": "agency",
    "contact_en": "contact",
}


def _values(need) -> dict:
    sector = next(s for s in schema.sectors() if s.code == need.sector)
    form_vi, form_en = FORM_LABELS[need.form]
    return need.to_dict() | {"sector_vi": sector.vi, "sector_en": sector.en, "form_vi": form_vi, "form_en": form_en}


def catalogue_workbook(result, intro: dict) -> bytes:
    """The workbook's bytes: sheet `Danh mục` in Vietnamese, sheet `Catalogue` in English."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    mark_xlsxwriter(book, "catalogue")
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    formats: dict[str | None, Any] = {
        f: book.add_format({"num_format": f, "valign": "top"}) for f in {c[5] for c in _COLUMNS if c[5]}
    }
    rows = [_values(n) for n in result.needs]
    for lang, sheet in (("vi", "Danh mục"), ("en", "Catalogue")):
        ws = book.add_worksheet(sheet)
        title = result.title if lang == "vi" else (result.title_en or result.title)
        ws.write_string(
            0,
            0,
            f"{'Danh mục kêu gọi tài trợ' if lang == 'vi' else 'Projects seeking funding'} – "
            f"{title}" + (f" · {intro[lang]['period']}" if intro[lang]["period"] else ""),
        )
        for col, column in enumerate(_COLUMNS):
            ws.write_string(2, col, column[0] if lang == "vi" else column[1], head)
            ws.set_column(col, col, column[4], formats.get(column[5], wrap))
            key = column[2] if lang == "vi" else column[3]
            for row, values in enumerate(rows, start=3):
                value = values.get(key) or values.get(_FALLBACK.get(key, ""))
                if isinstance(value, (int, float)):
                    ws.write_number(row, col, value, formats[column[5]])
                elif value:
                    ws.write_string(row, col, str(value), wrap)
        ws.freeze_panes(3, 2)
        ws.autofilter(2, 0, 2 + len(rows), len(_COLUMNS) - 1)
    book.close()
    return buffer.getvalue()
