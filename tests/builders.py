"""Build provincial workbooks cell by cell (openpyxl), to control exactly what a test reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from toolkit import schema
from toolkit.sample import sample_records

INFO = {
    "ma_tinh": "92",
    "ten_tinh": "Cần Thơ",
    "ky_bao_cao": "2026-H1",
    "don_vi": "LHH thành phố Cần Thơ",
    "nguoi_lap": "Trần Thị Mai",
    "email": "mai.tran@lhhcantho.org.vn",
    "dien_thoai": "0292 3821 456",
    "ngay_lap": date(2026, 7, 5),
    "phien_ban_mau": schema.TEMPLATE_VERSION,
}


ROOT = Path(__file__).resolve().parents[1]


def load_script(name: str):
    """A module of scripts/ (not part of the package), loaded from its file."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def records(needs: int = 3, register: int = 3, province="92", period="2026-H1", seed=7):
    """Clean records to mutate in a test."""
    return sample_records(province, period, needs, register, seed)


def write_book(
    path: Path,
    info: dict | None = None,
    needs: list[dict] | None = None,
    register: list[dict] | None = None,
    *,
    headers: dict[str, list[str]] | None = None,
    sheet_names: dict[str, str] | None = None,
    font: dict[tuple[str, str], str] | None = None,
) -> Path:
    """Write a workbook; `headers` overrides a table's header texts (in order of its keys),
    `sheet_names` overrides sheet names, `font` sets a font name on (table key, "row:col key") cells."""
    wb = Workbook()
    wb.remove(wb.active)
    names = {
        "info": schema.INFO.vi,
        "needs": schema.NEEDS_SHEET.vi,
        "register": schema.REGISTER_SHEET.vi,
        **(sheet_names or {}),
    }
    if info is not False:
        ws = wb.create_sheet(names["info"])
        for key, value in {**INFO, **(info or {})}.items():
            label = schema.INFO_BY_KEY[key].vi if key in schema.INFO_BY_KEY else key
            ws.append([label, value])
    for table, rows in (("needs", needs), ("register", register)):
        if rows is None:
            continue
        spec = schema.TABLE_BY_KEY[table]
        keys = list((headers or {}).get(table + "_keys") or [c.key for c in spec.columns])
        titles = (headers or {}).get(table) or [
            spec.column(k).vi if k in [c.key for c in spec.columns] else k for k in keys
        ]
        ws = wb.create_sheet(names[table])
        ws.append(titles)
        for record in rows:
            ws.append([record.get(k) for k in keys])
        for (t, where), name in (font or {}).items():
            if t == table:
                row, key = where.split(":")
                ws.cell(int(row), keys.index(key) + 1).font = Font(name=name)
    wb.save(path)
    return path
