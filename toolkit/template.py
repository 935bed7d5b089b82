"""Generate the standard provincial workbook from the schema (xlsxwriter)."""

from __future__ import annotations

import math
import os
from datetime import date, datetime
from pathlib import Path

from . import schema
from .carry import CARRIED_FROM
from .errors import AidkitError
from .periods import Period
from .provinces import province_named
from .rates import Rates
from .sentences import bilingual
from .sheets import BUILD_DATE, print_setup, write_value

CARRIED_FILL = "#DDEBF7"  # a carried row (pale blue)
UPDATE_FILL = "#E2EFDA"  # on a carried row, a field the province updates each period (pale green)

DATA_ROWS = 1000  # rows that carry dropdowns and formats below the header

INSTRUCTIONS = (
    ("MẪU BÁO CÁO VIỆN TRỢ PCPNN — HƯỚNG DẪN", "FOREIGN-NGO AID WORKBOOK — INSTRUCTIONS"),
    (
        '1. Trang "Thông tin": điền cột B (mã tỉnh, kỳ báo cáo, đơn vị, người lập, email, ngày lập).',
        '1. "Info" sheet: fill column B (province code, period, organisation, prepared by, email, date).',
    ),
    (
        '2. Trang "Nhu cầu tài trợ": mỗi dòng một đề xuất kêu gọi tài trợ; mã dạng 92-N2026-001.',
        '2. "Funding needs" sheet: one proposal per row; IDs like 92-N2026-001.',
    ),
    (
        '3. Trang "Dự án PCPNN": mỗi dòng một khoản viện trợ; mã dạng 92-V2026-001.',
        '3. "Projects" sheet: one aid item per row; IDs like 92-V2026-001.',
    ),
    (
        '4. Trang "Hoạt động đối ngoại": mỗi dòng một hoạt động đối ngoại nhân dân (đón đoàn, đoàn ra, hội nghị, '
        "giao lưu, thông tin tuyên truyền); mã dạng 92-H2026-001.",
        '4. "Activities" sheet: one people-to-people activity per row (delegations received and sent, conferences, '
        "exchanges, information work); IDs like 92-H2026-001.",
    ),
    (
        "5. Chọn giá trị trong danh sách thả xuống; không đổi tên cột, không chèn dòng trên tiêu đề.",
        "5. Pick values from the dropdowns; do not rename columns or insert rows above the header.",
    ),
    (
        "6. Số tiền nhập dạng số (ví dụ 125000 hoặc 125.000); ngày nhập dd/mm/yyyy.",
        "6. Type amounts as numbers (e.g. 125000 or 125.000); dates as dd/mm/yyyy.",
    ),
    (
        "7. Gõ chữ bằng Unicode (Times New Roman, Arial); không dùng phông .VnTime hoặc VNI.",
        "7. Type text in Unicode fonts (Times New Roman, Arial); not .VnTime or VNI fonts.",
    ),
    (
        '8. Nhấn "Kiểm tra dữ liệu" (hoặc chạy aidkit validate) trước khi gửi; sửa hết các ô tô đỏ.',
        '8. Press "Check data" (or run aidkit validate) before sending; fix every red cell.',
    ),
)


class UnknownProvince(AidkitError, ValueError):
    """The province code does not exist for the period asked for."""


def template(
    out: str | os.PathLike,
    province: str | None = None,
    period: str | None = None,
    *,
    organisation: str | None = None,
    preparer: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    prepared_on: date | None = None,
    previous: str | os.PathLike | None = None,
) -> Path:
    """Write the standard workbook for a province and period to `out` (atomically).

    :param previous: a submission of an earlier period: the workbook starts with what is still open in it
        (toolkit.carry; `prepared_on` then defaults to today, so that the carried rows need no Info first).
    :raises ValueError: for a period or province code that does not exist.
    :raises findings.Refusal: for an output that would replace a file that is not an unchanged aidkit template
        (a filled one is the province's), or is not .xlsx,
        and for a `previous` that cannot be read.
    :raises carry.CannotCarry: for a `previous` with errors, of another province, or not of an earlier period.
    """
    import xlsxwriter

    from .outputs import check_output, mark_xlsxwriter, output_path

    out = check_output(out, "template", (".xlsx",), inputs=[previous] if previous else ())
    rows = None
    if previous is not None:
        from .carry import CannotCarry, carry

        if not period:
            raise CannotCarry(*bilingual("carry-needs-period", file=Path(previous).name))
        carried = carry(previous, period, province)
        province, rows = carried.province, carried.rows
        preparer, email = preparer or carried.info.get("nguoi_lap"), email or carried.info.get("email")
        prepared_on = prepared_on or date.today()
    with output_path(out, "template") as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        fill_template(
            book,
            province,
            period,
            rows=rows,
            organisation=organisation,
            preparer=preparer,
            email=email,
            phone=phone,
            prepared_on=prepared_on,
        )
        mark_xlsxwriter(book, "template")
        book.close()
    return out


def info_values(
    province: str | None,
    period: str | None,
    *,
    organisation=None,
    preparer=None,
    email=None,
    phone=None,
    prepared_on=None,
) -> dict[str, object]:
    """The pre-filled Info values for a province and period."""
    values: dict[str, object] = {"phien_ban_mau": schema.TEMPLATE_VERSION}
    if period:
        parsed = Period.parse(period)
        values["ky_bao_cao"] = str(parsed)
        if province:
            found = province_named(province, parsed.end)  # "92", or its name: "Cần Thơ", "Can Tho"
            if found is None:
                raise UnknownProvince.of("template-unknown-province", province=str(province), period=str(parsed))
            values.update(
                ma_tinh=found.code,
                ten_tinh=found.short,
                don_vi=f"Liên hiệp các tổ chức hữu nghị {found.name[0].lower()}{found.name[1:]}",
            )
    elif province:
        found = province_named(province, date.today())
        values["ma_tinh"] = found.code if found and not province.strip().isdigit() else province
    values.update(
        {
            k: v
            for k, v in (
                ("don_vi", organisation),
                ("nguoi_lap", preparer),
                ("email", email),
                ("dien_thoai", phone),
                ("ngay_lap", prepared_on),
            )
            if v
        }
    )
    return values


def fill_template(book, province=None, period=None, rows=None, title=(), totals=False, **info) -> None:
    """Add the standard sheets to an open xlsxwriter workbook.

    :param rows: optional {"needs": [...], "register": [...], "activities": [...]} records (dicts by column
        key) to fill in.
    :param title: lines written above each table's header, as official forms carry them (samples only:
        the standard's header is in row 1).
    :param totals: add a `Tổng cộng` row of sums (formulas with their computed values) below each table.
    """
    book.set_properties(
        {
            "title": "Báo cáo viện trợ PCPNN / Foreign-NGO aid workbook",
            "created": BUILD_DATE,
            "comments": f"aidkit template {schema.TEMPLATE_VERSION}",
        }
    )
    f = _formats(book)
    carried = {r[CARRIED_FROM] for records in (rows or {}).values() for r in records if r.get(CARRIED_FROM)}
    _instructions(book, f, sorted(carried))
    _info(book, f, info_values(province, period, **info))
    lists = _lists(book, f)
    for table in schema.TABLES:
        _table(book, f, table, lists, (rows or {}).get(table.key, ()), title=title, totals=totals)


def _formats(book) -> dict[object, object]:
    header = {
        "bold": True,
        "text_wrap": True,
        "valign": "vcenter",
        "align": "center",
        "border": 1,
        "bg_color": "#1F4E78",
        "font_color": "#FFFFFF",
        "font_name": "Arial",
        "font_size": 10,
    }
    base = {"font_name": "Arial", "font_size": 10}
    return {
        "header": book.add_format(header),
        "title": book.add_format({**base, "bold": True, "font_size": 14, "font_color": "#1F4E78"}),
        "label": book.add_format({**base, "bold": True}),
        "muted": book.add_format({**base, "italic": True, "font_color": "#666666"}),
        "muted_wrap": book.add_format(
            {**base, "italic": True, "font_color": "#666666", "text_wrap": True, "valign": "top"}
        ),
        "text": book.add_format({**base, "num_format": "@"}),
        "wrap": book.add_format({**base, "text_wrap": True, "valign": "top"}),
        schema.USD_FORMAT: book.add_format({**base, "num_format": schema.USD_FORMAT}),
        schema.VND_FORMAT: book.add_format({**base, "num_format": schema.VND_FORMAT}),
        schema.DATE_FORMAT: book.add_format({**base, "num_format": schema.DATE_FORMAT}),
        schema.INTEGER_FORMAT: book.add_format({**base, "num_format": schema.INTEGER_FORMAT}),
        "plain": book.add_format(base),
        **{
            (fill, key): book.add_format(
                {
                    **base,
                    "bg_color": fill,
                    "border": 4,
                    "border_color": "#9BC2E6",
                    **(
                        {"num_format": key}
                        if key not in ("text", "plain")
                        else {"num_format": "@"}
                        if key == "text"
                        else {}
                    ),
                }
            )
            for fill in (CARRIED_FILL, UPDATE_FILL)
            for key in (
                "text",
                "plain",
                schema.USD_FORMAT,
                schema.VND_FORMAT,
                schema.DATE_FORMAT,
                schema.INTEGER_FORMAT,
            )
        },
    }


def carried_note(periods) -> tuple[str, str]:
    """The instruction about carried rows (Hướng dẫn sheet, and the note on each table's ID header)."""
    since = ", ".join(periods)
    fields = {t.key: ", ".join(t.column(k).vi for k in schema.UPDATED_EACH_PERIOD[t.key]) for t in schema.TABLES}
    fields_en = {t.key: ", ".join(t.column(k).en for k in schema.UPDATED_EACH_PERIOD[t.key]) for t in schema.TABLES}
    return (
        f"9. Dòng tô xanh nhạt được chuyển sang từ kỳ {since} (dự án chưa kết thúc, đề xuất còn đang kêu gọi): "
        f"giữ nguyên mã, cập nhật các ô tô xanh lá ({fields['register']}; nhu cầu: {fields['needs']}). "
        "Giải ngân lũy kế là số đầu kỳ; nhập giải ngân trong kỳ. Dự án đã kết thúc vẫn ghi, với tình trạng "
        '"Đã kết thúc"; thêm dòng mới bên dưới.',
        f"9. Pale blue rows are carried from {since} (projects not finished, needs still open): keep their IDs, "
        f"update the pale green cells ({fields_en['register']}; needs: {fields_en['needs']}). Disbursed to "
        "date is the opening figure; enter this period's disbursement. A project that finished stays, with "
        'the status "Đã kết thúc"; add new rows below.',
    )


def _instructions(book, f, carried=()) -> None:
    ws = book.add_worksheet(schema.INSTRUCTIONS.vi)
    print_setup(ws)
    ws.set_column(0, 0, 72, f["wrap"])  # the two languages side by side on one landscape page, full size
    ws.set_column(1, 1, 72, f["muted_wrap"])
    lines = INSTRUCTIONS + ((carried_note(carried),) if carried else ())
    for row, (vi, en) in enumerate(lines):
        if row:  # the wrapped lines' height: Excel and LibreOffice do not grow a row xlsxwriter wrote
            ws.set_row(row, 15 * max(math.ceil(len(vi) / 95), math.ceil(len(en) / 95)))
        ws.write_string(row, 0, vi, f["title"] if row == 0 else f["wrap"])
        ws.write_string(row, 1, en, f["title"] if row == 0 else f["muted_wrap"])
    ws.write_string(len(lines) + 1, 0, "Lĩnh vực (mã – tên) / Sectors (code – name):", f["label"])
    for i, s in enumerate(schema.sectors(), start=len(lines) + 2):
        ws.write_string(i, 0, f"{s.code} – {s.vi}", f["wrap"])
        ws.write_string(i, 1, f"{s.code} – {s.en} (DAC {s.dac})", f["muted_wrap"])


def _info(book, f, values: dict[str, object]) -> None:
    ws = book.add_worksheet(schema.INFO.vi)
    print_setup(ws)
    ws.set_column(0, 0, 24, f["label"])
    ws.set_column(1, 1, 46, f["text"])
    ws.set_column(2, 2, 44, f["muted"])
    for row, field in enumerate(schema.INFO_FIELDS):
        ws.write_string(row, 0, field.vi, f["label"])
        value = values.get(field.key)
        if isinstance(value, date):
            ws.write_datetime(row, 1, datetime.combine(value, datetime.min.time()), f[schema.DATE_FORMAT])
        elif value is not None:
            ws.write_string(row, 1, str(value), f["text"])
        elif field.type == schema.DATE:
            ws.write_blank(row, 1, None, f[schema.DATE_FORMAT])
        ws.write_string(row, 2, f"{field.en}{' (bắt buộc / required)' if field.required else ''}", f["muted"])
        ws.data_validation(
            row, 1, row, 1, {"validate": "any", "input_title": field.vi[:32], "input_message": _hint(field)}
        )


def _lists(book, f) -> dict[str, str]:
    """A hidden sheet of every vocabulary; returns column key type → range formula."""
    ws = book.add_worksheet(schema.LISTS.vi)
    columns = {
        "hinh_thuc": schema.AID_FORMS,
        "trang_thai_needs": schema.NEEDS_STATUSES,
        "trang_thai_register": schema.REGISTER_STATUSES,
        "uu_tien": schema.PRIORITIES,
        "sector": tuple(s.vi for s in schema.sectors()),
        "country": tuple(name for _, name, _ in schema.country_names_vi()),
        "currency": Rates().currencies(),
        "loai_hoat_dong": schema.ACTIVITY_TYPES,
    }
    ranges = {}
    sheet = schema.LISTS.vi
    for col, (key, words) in enumerate(columns.items()):
        ws.write_string(0, col, key, f["label"])
        for row, word in enumerate(words, start=1):
            ws.write_string(row, col, word)
        letter = chr(65 + col)
        ranges[key] = f"='{sheet}'!${letter}$2:${letter}${len(words) + 1}"
    ws.hide()
    return ranges


def _table(book, f, table: schema.Table, lists: dict[str, str], records, *, title=(), totals=False) -> None:
    ws = book.add_worksheet(table.sheet.vi)
    for row, line in enumerate(title):
        ws.merge_range(row, 0, row, 8, line, f["label"] if row else f["title"])
    top = len(title) + 1 if title else 0  # a blank row between the title block and the header
    ws.freeze_panes(top + 1, 0)
    print_setup(ws, (top, top))
    ws.set_row(top, 42)
    last = DATA_ROWS + top
    for col, column in enumerate(table.columns):
        fmt = (
            f[column.number_format]
            if column.number_format
            else (f["text"] if column.type in (schema.PHONE, schema.TEXT) else f["plain"])
        )
        ws.set_column(col, col, column.width, fmt)
        ws.write_string(top, col, column.vi, f["header"])
        ws.data_validation(
            top, col, top, col, {"validate": "any", "input_title": column.vi[:32], "input_message": _hint(column)}
        )
        source = _list_for(table, column, lists)
        if source:
            strict = column.type in (schema.ENUM, schema.SECTOR)
            ws.data_validation(
                top + 1,
                col,
                last,
                col,
                {
                    "validate": "list",
                    "source": source,
                    "ignore_blank": True,
                    "show_error": strict,
                    "error_title": "Giá trị không hợp lệ",
                    "error_message": "Hãy chọn trong danh sách. / Please pick a value from the list.",
                },
            )
        elif column.type == schema.DATE:
            ws.data_validation(
                top + 1,
                col,
                last,
                col,
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": datetime(1990, 1, 1),
                    "maximum": datetime(2100, 12, 31),
                    "error_title": "Ngày không hợp lệ",
                    "error_message": "Nhập ngày dạng dd/mm/yyyy. / Enter a date as dd/mm/yyyy.",
                },
            )
    ws.autofilter(top, 0, top, len(table.columns) - 1)
    updated = schema.UPDATED_EACH_PERIOD[table.key]
    carried = sorted({r[CARRIED_FROM] for r in records if r.get(CARRIED_FROM)})
    for row, record in enumerate(records, start=top + 1):
        since = record.get(CARRIED_FROM)
        for col, column in enumerate(table.columns):
            fmt = column.number_format or "text"
            if since:
                fmt = (UPDATE_FILL if column.key in updated else CARRIED_FILL, fmt)
            write_value(ws, row, col, record.get(column.key), f[fmt])
            if since and record.get(column.key) is None:  # the carried row's fill shows on its empty cells
                ws.write_blank(row, col, None, f[fmt])
        if since:
            ws.write_comment(
                row,
                table.columns.index(table.column(table.id_key)),
                f"Chuyển từ kỳ {since} / carried from {since}",
                {"author": "aidkit"},
            )
    if carried:
        vi, en = carried_note(carried)
        ws.write_comment(
            top,
            table.columns.index(table.column(table.id_key)),
            f"{vi[3:]}\n\n{en[3:]}",
            {"author": "aidkit", "x_scale": 4, "y_scale": 4},
        )
    if totals and records:
        _totals(ws, f, table, records, top)


def _totals(ws, f, table: schema.Table, records, top: int) -> None:
    """A `Tổng cộng` row under the records: a SUM formula, with its value, under every amount column."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    row = top + 1 + len(records)
    ws.write_string(row, 2, "Tổng cộng", f["label"])
    for col, column in enumerate(table.columns):
        if column.type == schema.DECIMAL:
            total = sum(float(r[column.key]) for r in records if isinstance(r.get(column.key), (int, float)))
            first, end = xl_rowcol_to_cell(top + 1, col), xl_rowcol_to_cell(row - 1, col)
            ws.write_formula(row, col, f"=SUM({first}:{end})", f[column.number_format], total)


def _list_for(table, column, lists) -> str | None:
    if column.type == schema.ENUM:
        return lists["trang_thai_" + table.key] if column.key == "trang_thai" else lists[column.key]
    return {schema.SECTOR: lists["sector"], schema.COUNTRY: lists["country"], schema.CURRENCY: lists["currency"]}.get(
        column.type
    )


def _hint(column: schema.Column) -> str:
    text = f"{column.hint_vi}\n{column.en}: {column.hint_en}"
    if column.required:
        text = "Bắt buộc / Required. " + text
    return text[:255]
