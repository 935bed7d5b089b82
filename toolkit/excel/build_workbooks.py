"""The Excel-button workbooks: the provincial template and the cluster control workbook (.xlsm).

Each is written with xlsxwriter from the schema (`template.fill_template`,
`control.fill_control`) plus an ``xlwings.conf`` sheet, then `xlsm.build_xlsm` adds the
VBA of macros/*.bas, xlwings' standalone module and the labelled buttons. Nothing re-saves
the file after that. The build is deterministic, so a rebuild shows whether
workbooks/*.xlsm are current.
"""

from __future__ import annotations

import os
import tempfile
from importlib.resources import files
from pathlib import Path

from .. import schema
from ..errors import AidkitError
from ..findings import Refusal
from ..sentences import bilingual
from .xlsm import Button

#: The xlwings.conf row of the provincial workbook naming its export folder (read by toolkit.macros).
EXPORT_FOLDER_KEY = "Aidkit Export Folder"
PROVINCE_FILE, CLUSTER_FILE = "aidkit-tinh.xlsm", "aidkit-cum.xlsm"
KIND = "button-workbook"  # the kind of output (toolkit.outputs)
CONTROL_SHEET = "Điều khiển"
PROVINCE_MODULE, CLUSTER_MODULE = "AidkitProvince", "AidkitCluster"
PROVINCE_BUTTONS = (
    Button(schema.INFO.vi, "E3", "Kiểm tra dữ liệu", "KiemTraDuLieu"),
    Button(schema.INFO.vi, "E6", "Xóa đánh dấu", "XoaDanhDau"),
    Button(schema.INFO.vi, "E9", "Xuất file nộp", "XuatFileNop"),
    Button(schema.INFO.vi, "E12", "Xuất danh mục kêu gọi tài trợ", "XuatDanhMucTaiTro"),
    Button(schema.INFO.vi, "E15", "Tạo mẫu kỳ sau", "TaoMauKySau"),
)
CLUSTER_BUTTONS = (
    Button(CONTROL_SHEET, "B4", "Tổng hợp", "TongHop"),
    Button(CONTROL_SHEET, "B7", "Tình trạng nộp", "TinhTrangNop"),
    Button(CONTROL_SHEET, "B10", "Gửi nhắc nhở", "GuiNhacNho"),
    Button(CONTROL_SHEET, "B13", "Nhận bài nộp", "NhanBaiNop"),
    Button(CONTROL_SHEET, "B16", "Xuất danh mục kêu gọi tài trợ", "XuatDanhMucTaiTro"),
    Button(CONTROL_SHEET, "B19", "Báo cáo sơ kết", "BaoCaoSoKet"),
    Button(CONTROL_SHEET, "B22", "Mở kỳ báo cáo", "MoKyBaoCao"),
    Button(CONTROL_SHEET, "B25", "Cài việc hằng ngày", "CaiViecHangNgay"),
)
#: What each cluster button does, written beside it (Vietnamese, English).
CLUSTER_HELP = (
    (
        'Gộp mọi tệp trong "Thư mục nhận" (trang Cấu hình) thành tệp tổng hợp trong "Thư mục kết quả"; '
        "tóm tắt ở trang Tổng quan.",
        "Merges every file in the submissions folder into one workbook in the output folder; overview on Tổng quan.",
    ),
    (
        "Nhận các tệp mới, rồi liệt kê tình trạng nộp của từng tỉnh ở trang Tình trạng nộp.",
        "Receives new files, then lists each province's submission status on the Tình trạng nộp sheet.",
    ),
    (
        "Gửi ngay các thư nhắc nộp đến hạn hôm nay (cần cấu hình máy chủ thư ở trang Cấu hình).",
        "Sends today's due reminders now (needs the mail server on the Settings sheet).",
    ),
    (
        'Lấy các tệp Excel các tỉnh gửi qua email (hộp thư IMAP ở trang Cấu hình) vào "Thư mục nhận"; không xóa thư.',
        "Takes the workbooks provinces e-mailed (IMAP mailbox, Settings sheet) into the submissions folder.",
    ),
    (
        "Đăng các nhu cầu đang kêu gọi tài trợ của cả cụm: trang web index.html và bản tin ban-tin.pdf trong "
        '"Thư mục kết quả"/danh-muc.',
        "Publishes the cluster's open funding needs: the web page index.html and the bulletin ban-tin.pdf in the "
        "output folder's danh-muc folder.",
    ),
    (
        'Soạn dự thảo báo cáo sơ kết (Word) của kỳ vừa kết thúc vào "Thư mục kết quả"; tiêu đề, người ký: Cấu hình.',
        "Drafts the Word review report of the period just ended into the output folder; letterhead: Settings.",
    ),
    (
        "Mở kỳ báo cáo sắp tới: gửi mỗi tỉnh thư đề nghị báo cáo, kèm mẫu đã điền sẵn từ bài nộp hợp lệ gần nhất "
        "(mỗi tỉnh một lần mỗi kỳ).",
        "Opens the coming period: mails each province the call for reports with its workbook prefilled from its "
        "latest accepted submission (once per province and period).",
    ),
    (
        "Cài việc chạy tự động mỗi ngày lúc 07:00 trên máy này: nhận bài nộp, gửi xác nhận, gửi thư nhắc "
        "(không cần quyền quản trị; nhật ký aidkit-job.log cạnh tệp này).",
        "Installs the daily run at 07:00 on this computer: collect, acknowledge, remind "
        "(no admin rights needed; log aidkit-job.log beside this file).",
    ),
)
CLUSTER_NOTES = (
    (
        "Sửa các trang Thành viên, Lịch nộp, Cấu hình rồi LƯU tệp (Ctrl+S) trước khi bấm nút: các nút đọc tệp đã lưu.",
        "Edit Members, Schedule and Settings, then SAVE (Ctrl+S) before pressing a button: "
        "the buttons read the saved file.",
    ),
    (
        "Các thành viên và lịch nộp có sẵn là ví dụ (Cụm 5, địa chỉ @example.vn): hãy thay bằng của cụm mình.",
        "The members and schedule shipped here are examples (Cluster 5, @example.vn addresses): "
        "replace them with yours.",
    ),
    (
        "Nút bấm cần Python và aidkit trên máy; trang xlwings.conf chỉ tới Python (xem docs/excel.md).",
        "The buttons need Python and aidkit on this computer; the xlwings.conf sheet points to Python "
        "(see docs/excel.md).",
    ),
)
#: Where the Windows bundle's install script puts aidkit's Python (xlwings expands the variable),
#: so that no one edits a path by hand.
INTERPRETER_KEY = "Interpreter_Win"
INTERPRETER_WIN = "%LOCALAPPDATA%\\aidkit\\venv\\Scripts\\pythonw.exe"
#: The xlwings.conf sheet, read by xlwings' VBA (key in A from A1 down, value in B) and by
#: toolkit.macros (the export folder): key, value, what it is for.
XLWINGS_SETTINGS = (
    (
        INTERPRETER_KEY,
        INTERPRETER_WIN,
        "Python chạy các nút, do cai-dat-aidkit.cmd cài / the Python that runs the buttons, installed by "
        "cai-dat-aidkit.cmd; cài cách khác thì ghi python hoặc đường dẫn pythonw.exe / installed otherwise: "
        "python or the path of pythonw.exe",
    ),
    ("PYTHONPATH", "", "Để trống khi đã cài aidkit bằng pip / leave empty when aidkit is installed with pip"),
    (
        EXPORT_FOLDER_KEY,
        "",
        'Thư mục lưu file nộp; để trống là thư mục của tệp này / folder for "Xuất file nộp"; empty: this '
        "workbook's folder",
    ),
)


class BuildToolsMissing(AidkitError, ImportError):
    """pyOpenVBA, which writes the VBA project and the buttons, is not installed (pip install "aidkit[build]")."""

    def __init__(self):
        super().__init__(*bilingual("build-tools-missing"))


def build_workbooks(out_dir: str | os.PathLike = "workbooks") -> list[Path]:
    """Build the provincial template and the cluster control workbook into `out_dir`; returns their paths.

    :raises BuildToolsMissing: when pyOpenVBA is not installed.
    :raises findings.Refusal: when `out_dir` is a file or holds a person's workbook of those names.
    """
    try:
        import pyopenvba  # noqa: F401
    except ImportError:
        raise BuildToolsMissing() from None
    from ..outputs import check_output, record_output

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise Refusal(str(out_dir), "output-not-a-folder")
    for name in (PROVINCE_FILE, CLUSTER_FILE):  # a filled control workbook of that name is the cluster's
        check_output(out_dir / name, KIND, (".xlsm",))
    out_dir.mkdir(parents=True, exist_ok=True)
    built = [
        _build(out_dir / PROVINCE_FILE, _province_sheets, PROVINCE_MODULE, PROVINCE_BUTTONS),
        _build(out_dir / CLUSTER_FILE, _cluster_sheets, CLUSTER_MODULE, CLUSTER_BUTTONS),
    ]
    return [record_output(path, KIND) for path in built]


def vba_source(module: str) -> str:
    """The VBA source of macros/<module>.bas (shipped in the wheel as toolkit.vba)."""
    return files("toolkit.vba").joinpath(f"{module}.bas").read_text(encoding="cp1252")


def _build(out: Path, fill, module: str, buttons) -> Path:
    import xlsxwriter

    from .xlsm import build_xlsm

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp, "source.xlsx")
        book = xlsxwriter.Workbook(str(source))
        fill(book, Path(tmp))
        _xlwings_conf(book)
        book.close()
        build_xlsm(source, out, {module: vba_source(module)}, list(buttons))
    return out


def _province_sheets(book, _tmp: Path) -> None:
    """The blank standard template; a line above the buttons on the Info sheet."""
    from ..template import fill_template

    fill_template(book)
    info = book.get_worksheet_by_name(schema.INFO.vi)
    info.write_string(0, 4, "Nút bấm / buttons:", book.add_format({"bold": True, "font_name": "Arial"}))


def _cluster_sheets(book, tmp: Path) -> None:
    """Điều khiển (buttons and help), then the control sheets with the example Cluster 5 members and schedule."""
    from ..control import fill_control, read_control
    from ..sample import sample_control

    blank_mail = {
        "may_chu_smtp": "",
        "cong": "",
        "bao_mat": "STARTTLS",
        "tai_khoan_gui": "",
        "email_truong_cum": "",
        "bao_mat_imap": "SSL",
        "hop_thu_nhan": "INBOX",
    }
    example = read_control(sample_control(tmp / "control.xlsx", ("2026-H1", "2026-H2"), smtp=blank_mail))
    fill_control(book, example.cluster, example.members, example.schedule, example.values, first_sheet=_control_sheet)


def _control_sheet(book) -> None:
    ws = book.add_worksheet(CONTROL_SHEET)
    title = book.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E78"})
    muted = book.add_format({"italic": True, "font_color": "#666666"})
    ws.set_column(0, 0, 3)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 110)
    ws.set_row(0, 24)
    ws.write_string(0, 1, "ĐIỀU HÀNH CỤM — aidkit", title)
    ws.write_string(1, 1, "Cluster control — aidkit", muted)
    for button, (vi, en) in zip(CLUSTER_BUTTONS, CLUSTER_HELP, strict=True):
        row = int(button.cell[1:]) - 1
        ws.write_string(row, 2, vi)
        ws.write_string(row + 1, 2, en, muted)
    first = int(CLUSTER_BUTTONS[-1].cell[1:]) + 3  # the notes go below the last button
    for i, (vi, en) in enumerate(CLUSTER_NOTES):
        ws.write_string(first + 2 * i, 1, vi)
        ws.write_string(first + 1 + 2 * i, 1, en, muted)


def _xlwings_conf(book) -> None:
    ws = book.add_worksheet(schema.XLWINGS_CONF.vi)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 50)  # the whole default interpreter path shows
    ws.set_column(2, 2, 150)
    ws.set_tab_color("#808080")
    for row, (key, value, hint) in enumerate(XLWINGS_SETTINGS):
        ws.write_string(row, 0, key)
        if value:
            ws.write_string(row, 1, value)
        ws.write_string(row, 2, hint)
