"""toolkit.macros, run against a real xlwings Book through the very code the buttons run.

The Book comes from xlwings' PRO remote engine, used in TESTS ONLY under its noncommercial
licence (tests/remote_excel.py); aidkit's production code uses xlwings' BSD API only.
"""

import inspect
import re
import subprocess
import sys
from datetime import date

import pytest
import xlwings as xw

from remote_excel import RemoteExcel, SheetState, remote_engine
from toolkit import macros, schema
from toolkit.annotate import cell_marks
from toolkit.control import Deadline, Member, write_control
from toolkit.excel.book import link
from toolkit.excel.build_workbooks import EXPORT_FOLDER_KEY
from toolkit.periods import Period
from toolkit.reader import read_workbook
from toolkit.sample import sample_workbook
from toolkit.sentences import bilingual
from toolkit.validate import validate

ENTRY_POINTS = (
    "validate",
    "clear_marks",
    "export_submission",
    "province_catalogue",
    "consolidate",
    "submission_status",
    "send_reminders_now",
    "collect_submissions",
    "cluster_catalogue",
    "review_report",
    "next_period",
    "open_reporting_period",
    "install_daily_job",
)
USER_FILL = "#D9E1F2"
USER_NOTE = "Số liệu này đã hỏi lại Sở Y tế ngày 3/7."


@pytest.fixture
def status_bar(monkeypatch):
    return remote_engine(monkeypatch)


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    folder = tmp_path_factory.mktemp("macros")
    sample = sample_workbook(
        folder / "92_bad.xlsx",
        "92",
        "2026-H1",
        needs=5,
        register=5,
        seed=5,
        defects=("missing-value", "invalid-email", "linked-proposal-missing", "ambiguous-number"),
    )
    return sample, validate(sample.path)


def opened(sample, report) -> RemoteExcel:
    """The workbook as its user has it open: a marked cell and another cell filled, a marked cell with a note."""
    excel = RemoteExcel.from_file(sample.path)
    (filled_sheet, filled), (noted_sheet, noted) = list(cell_marks(report))[:2]
    excel.sheet(filled_sheet).fills[filled] = USER_FILL
    excel.sheet(schema.INFO.vi).fills["A1"] = USER_FILL
    excel.sheet(noted_sheet).notes[noted] = USER_NOTE
    return excel


def snapshot(excel: RemoteExcel) -> dict:
    return {s.name: (s.values, dict(s.fills), dict(s.notes), s.visible) for s in excel.sheets}


def run(excel: RemoteExcel, entry_point) -> RemoteExcel:
    """Open the workbook, press the button, let Excel apply what it was told to do."""
    entry_point(excel.book())
    excel.sync()
    return excel


def alert_of(excel: RemoteExcel, code: str, **params) -> dict:
    vi, en = bilingual(code, **params)
    assert excel.alerts and excel.alerts[-1]["prompt"] == f"{vi}\n\n{en}", excel.alerts
    return excel.alerts[-1]


# --- every entry point can be a button's target --------------------------------------------


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_entry_points_take_the_calling_book_and_need_no_argument(name):
    signature = inspect.signature(getattr(macros, name))
    signature.bind()  # RunPython calls it with no argument
    assert list(signature.parameters) == ["book"] and signature.parameters["book"].default is None


def test_importing_the_module_asks_nothing_of_excel():
    # Book.caller() raises outside Excel, so this import would fail if it ran at import time.
    done = subprocess.run([sys.executable, "-c", "import toolkit.macros"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- validate -----------------------------------------------------------------------------------


def test_validate_colours_exactly_the_cells_of_the_findings_and_notes_them(bad, status_bar):
    sample, report = bad
    excel = opened(sample, report)
    before = snapshot(excel)
    run(excel, macros.validate)
    marks = cell_marks(report)
    assert marks and {p[1:3] for p in sample.planted} <= {k for k in marks}
    for name, (_, fills, notes, _) in before.items():
        sheet = excel.sheet(name)
        assert {ref: c for ref, c in sheet.fills.items() if (name, ref) not in marks} == {
            ref: c for ref, c in fills.items() if (name, ref) not in marks
        }
        assert {(name, ref) for ref in sheet.fills if sheet.fills[ref] != fills.get(ref)} <= set(marks)
        for ref, note in notes.items():
            assert sheet.notes[ref] == note  # the user's own note is left as it was
    for (name, ref), mark in marks.items():
        sheet = excel.sheet(name)
        assert sheet.fills[ref] == f"#{mark.color}"
        if ref not in before[name][2]:
            assert sheet.notes[ref] == mark.note
    assert status_bar == [" / ".join(bilingual("busy-validate")), False]
    alert = alert_of(excel, "validate-done", errors=len(report.errors), warnings=len(report.warnings))
    assert alert["mode"] == "critical" and alert["title"] == "aidkit"


def test_validate_writes_a_findings_sheet_whose_rows_link_to_their_cells(bad, status_bar):
    sample, report = bad
    excel = run(opened(sample, report), macros.validate)
    assert excel.sheet_names[0] == schema.FINDINGS.vi and excel.active == 0
    findings = excel.sheet(schema.FINDINGS.vi)
    expected = []
    for f in report.findings:
        row = ["" if v is None else v for v in f.to_row(report.headers)]
        if f.cell and f.sheet:
            row[3] = link(f.sheet, f.cell)
        expected.append(row)
    assert [row[:9] for row in findings.values[1:]] == expected
    assert f"G{len(expected) + 1}" in findings.wrapped and "A2" not in findings.wrapped
    links = {ref: formula for ref, formula in findings.formulas.items() if formula.startswith("=HYPERLINK")}
    assert len(links) == sum(1 for f in report.findings if f.cell and f.sheet)
    first = next(f for f in report.findings if f.cell)
    assert findings.formulas["D2"] == f'=HYPERLINK("#\'{first.sheet}\'!{first.cell}","{first.cell}")'
    marks_sheet = excel.sheet(schema.MARKS.vi)
    assert not marks_sheet.visible and len(marks_sheet.values) == len(cell_marks(report)) + 1


def test_clear_marks_takes_back_only_what_validate_added(bad, status_bar):
    sample, report = bad
    excel = opened(sample, report)
    before = snapshot(excel)
    run(excel, macros.validate)
    run(excel, macros.clear_marks)
    assert snapshot(excel) == before  # the user's fills and note are back, ours are gone
    alert_of(excel, "marks-cleared", cells=len(cell_marks(report)))


def test_clear_marks_keeps_a_fill_the_user_put_on_a_marked_cell_afterwards(bad, status_bar):
    sample, report = bad
    excel = run(opened(sample, report), macros.validate)
    name, ref = list(cell_marks(report))[-1]
    excel.sheet(name).fills[ref] = "#00B050"
    run(excel, macros.clear_marks)
    assert excel.sheet(name).fills[ref] == "#00B050"


def test_validate_again_replaces_its_own_marks(bad, status_bar):
    sample, report = bad
    once = snapshot(run(opened(sample, report), macros.validate))
    excel = run(opened(sample, report), macros.validate)
    run(excel, macros.validate)
    assert snapshot(excel) == once


def test_a_clean_workbook_gets_no_marks_and_is_told_so(tmp_path, status_bar):
    excel = run(RemoteExcel.from_file(sample_workbook(tmp_path / "92.xlsx", needs=3, register=3).path), macros.validate)
    assert schema.MARKS.vi not in excel.sheet_names
    assert not any(s.fills for s in excel.sheets if s.name != schema.FINDINGS.vi)
    assert alert_of(excel, "validate-clean")["mode"] == "info"


def test_a_button_finds_its_workbook_through_book_caller(bad, status_bar):
    excel = opened(*bad)
    excel.book().set_mock_caller()
    try:
        macros.clear_marks()
    finally:
        del xw.Book._mock_caller
    excel.sync()
    alert_of(excel, "marks-none")


def test_a_failure_is_a_bilingual_message_box_never_a_traceback(bad, status_bar, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("toolkit.validate.check_workbook", broken)  # the button imports it when pressed
    excel = run(opened(*bad), macros.validate)
    alert = alert_of(excel, "unexpected-error", detail="RuntimeError: boom")
    assert alert["mode"] == "critical" and "Traceback" not in alert["prompt"]
    assert status_bar[-1] is False


# --- export_submission ------------------------------------------------------------------------------


def with_conf(excel: RemoteExcel, folder) -> RemoteExcel:
    excel.sheets.append(
        SheetState(schema.XLWINGS_CONF.vi, [["Interpreter_Win", "python"], [EXPORT_FOLDER_KEY, str(folder)]])
    )
    return excel


def values_of(path) -> tuple[dict, dict]:
    wb = read_workbook(path)
    info = {k: c.value for k, c in wb.info.items() if k != "ten_tinh"}
    return info, {k: [{c: cell.value for c, cell in r.cells.items()} for r in t.records] for k, t in wb.tables.items()}


def test_export_writes_the_standard_workbook_named_by_province_period_and_day(tmp_path, status_bar):
    sample = sample_workbook(tmp_path / "bao cao.xlsx", "92", "2026-H1", needs=4, register=6, seed=3)
    excel = with_conf(RemoteExcel.from_file(sample.path, "Book1"), tmp_path / "nop")
    excel.sheet(schema.INFO.vi).fills["A1"] = USER_FILL
    run(excel, macros.export_submission)
    [out] = [p for p in (tmp_path / "nop").iterdir() if p.name != ".aidkit-outputs.json"]  # and its record
    assert re.fullmatch(r"92_2026-H1_\d{8}\.xlsx", out.name)
    assert abs((date.today() - date(int(out.name[11:15]), int(out.name[15:17]), int(out.name[17:19]))).days) <= 1
    assert validate(out).valid and values_of(out) == values_of(sample.path)
    assert read_workbook(out).findings == []  # standard sheets only: no xlwings.conf, marks or Findings sheet
    alert_of(excel, "export-done", file=out, warnings=len(validate(sample.path).warnings))


def test_export_goes_beside_the_workbook_by_default(tmp_path, status_bar):
    sample = sample_workbook(tmp_path / "92.xlsx", needs=2, register=2)
    run(RemoteExcel.from_file(sample.path, str(tmp_path / "92.xlsm")), macros.export_submission)
    assert len(list(tmp_path.glob("92_2026-H1_*.xlsx"))) == 1


def test_export_refuses_a_workbook_with_errors(bad, tmp_path, status_bar):
    sample, report = bad
    excel = run(with_conf(RemoteExcel.from_file(sample.path), tmp_path), macros.export_submission)
    assert not list(tmp_path.iterdir())
    assert alert_of(excel, "export-has-errors", errors=len(report.errors))["mode"] == "critical"


def test_export_of_a_never_saved_workbook_asks_for_a_folder(tmp_path, status_bar):
    sample = sample_workbook(tmp_path / "92.xlsx", needs=2, register=2)
    excel = run(RemoteExcel.from_file(sample.path, "Book1"), macros.export_submission)
    alert_of(excel, "export-no-folder", key=EXPORT_FOLDER_KEY)


def test_province_catalogue_publishes_the_saved_workbooks_open_needs_beside_it(tmp_path, status_bar):
    from toolkit.catalogue.result import OPEN_STATUSES

    sample = sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", needs=12, register=2, seed=3)
    excel = run(RemoteExcel.from_file(sample.path), macros.province_catalogue)
    folder = tmp_path / "danh-muc"
    html = (folder / "index.html").read_text(encoding="utf-8")
    open_ids = [r["ma_de_xuat"] for r in sample.rows["needs"] if r["trang_thai"] in OPEN_STATUSES]
    assert open_ids and all(f'"{i}"' in html for i in open_ids)
    alert_of(
        excel,
        "catalogue-done",
        needs=len(open_ids),
        provinces=1,
        page=folder / "index.html",
        bulletin=folder / "ban-tin.pdf",
        left_out=0,
    )
    assert status_bar[0] == " / ".join(bilingual("busy-catalogue"))


def test_province_catalogue_needs_a_saved_workbook(tmp_path, status_bar):
    sample = sample_workbook(tmp_path / "92.xlsx", needs=2, register=2)
    alert_of(run(RemoteExcel.from_file(sample.path, "Book1"), macros.province_catalogue), "catalogue-unsaved")


def test_next_period_writes_the_prefilled_workbook_beside_the_saved_one(tmp_path, status_bar):
    sample = sample_workbook(tmp_path / "92_2026-H1.xlsx", "92", "2026-H1", needs=8, register=10, seed=3)
    excel = run(RemoteExcel.from_file(sample.path), macros.next_period)
    out = tmp_path / "92_2026-H2.xlsx"
    carried = read_workbook(out)
    running = [r["ma_khoan"] for r in sample.rows["register"] if r["trang_thai"] in schema.CARRIED_STATUSES["register"]]
    assert [r.get("ma_khoan") for r in carried.tables["register"].records] == running
    assert carried.info_value("ky_bao_cao") == "2026-H2" and validate(out).valid
    alert_of(excel, "next-period-done", file=out, period="2026-H2")
    assert status_bar[0] == " / ".join(bilingual("busy-next-period"))


def test_next_period_needs_a_saved_workbook(tmp_path, status_bar):
    sample = sample_workbook(tmp_path / "92.xlsx", needs=2, register=2)
    alert_of(run(RemoteExcel.from_file(sample.path, "Book1"), macros.next_period), "next-period-unsaved")


# --- the cluster control workbook -----------------------------------------------------------------------


@pytest.fixture
def cluster(tmp_path):
    from cluster import drop, make_cluster

    control = make_cluster(tmp_path / "cum5", may_chu_smtp="")
    drop(control, "82_DongThap.xlsx", "82", date(2026, 7, 5))
    drop(control, "VinhLong.xlsx", "86", date(2026, 7, 10), defects=("missing-value",))
    drop(control, "Can Tho.xlsx", "92", date(2026, 7, 20))
    return control


def test_consolidate_writes_the_overview_into_the_control_workbook(cluster, status_bar):
    excel = run(RemoteExcel.from_file(cluster), macros.consolidate)
    assert excel.sheet_names[1] == schema.OVERVIEW.vi  # right after the first sheet, where the buttons are
    table = excel.sheet(schema.OVERVIEW.vi).values
    assert table[2][:3] == ["Kỳ / Period", "Mã / Code", "Tỉnh / Province"]
    rows = {row[1]: row for row in table[3:] if row[1]}
    assert set(rows) == {"82", "86", "91", "92", "96", "Tổng / Total"}
    assert rows["82"][3] == "Hợp lệ / Valid" and rows["91"][3] == "Chưa nộp / Missing"
    assert rows["86"][3] == "Không hợp lệ / Invalid" and rows["92"][3] == "Nộp muộn / Late"
    out = cluster.parent / "ket-qua" / "tong-hop_tat-ca.xlsx"
    assert out.is_file()
    alert_of(excel, "consolidate-done", counted=3, refused=0, file=out, sheet=schema.OVERVIEW.vi)
    assert status_bar[0] == " / ".join(bilingual("busy-consolidate")) and status_bar[-1] is False
    assert any(str(s).endswith("3/3") for s in status_bar)


def test_submission_status_lists_every_member_province(cluster, status_bar):
    excel = run(RemoteExcel.from_file(cluster), macros.submission_status)
    table = excel.sheet(macros.STATUS_SHEET).values
    assert table[2] == macros.STATUS_HEADER
    states = {row[2]: row[4] for row in table[3:]}
    assert states == {
        "82": "Hợp lệ / Valid",
        "86": "Không hợp lệ / Invalid",
        "91": "Chưa nộp / Missing",
        "92": "Nộp muộn / Late",
        "96": "Chưa nộp / Missing",
    }
    alert_of(excel, "status-done", sheet=macros.STATUS_SHEET, missing=2, invalid=1, valid=1, late=1)


def test_reminders_say_plainly_that_mail_is_not_configured(cluster, status_bar):
    excel = run(RemoteExcel.from_file(cluster), macros.send_reminders_now)
    assert alert_of(excel, "mail-not-configured")["mode"] == "critical"


def due_today(tmp_path, server):
    """A control workbook of two members whose current period is due today, mailing through `server`."""
    today = date.today()
    period = Period.parse(f"{today.year}-H{1 if today.month <= 6 else 2}")
    members = [
        Member("92", "Cần Thơ", "Trần Thị Mai", "lhh.cantho@example.vn"),
        Member("96", "Cà Mau", "Lê Văn Nam", "lhh.camau@example.vn"),
    ]
    (tmp_path / "nop").mkdir()
    return period, write_control(
        tmp_path / "dieu-hanh.xlsx",
        "Cụm 5",
        members,
        [Deadline(period, today)],
        {
            "ten_cum": "Cụm 5",
            "thu_muc_nhan": "nop",
            "thu_muc_ket_qua": "ket-qua",
            "may_chu_smtp": server.host,
            "cong": server.port,
            "bao_mat": "Không",
            "email_truong_cum": "truongcum5@example.vn",
        },
    )


def test_reminders_go_out_through_the_configured_server(tmp_path, status_bar):
    from smtp_server import plain_server

    with plain_server() as server:
        _, control = due_today(tmp_path, server)
        excel = run(RemoteExcel.from_file(control), macros.send_reminders_now)
        assert sorted(m.rcpt_tos[0] for m in server.messages) == ["lhh.camau@example.vn", "lhh.cantho@example.vn"]
    alert_of(excel, "reminders-done", sent=2, skipped=0, failed=0, notes_vi="", notes_en="")


def test_open_period_calls_every_member_for_the_coming_period(tmp_path, status_bar):
    from smtp_server import plain_server

    with plain_server() as server:
        period, control = due_today(tmp_path, server)
        excel = run(RemoteExcel.from_file(control), macros.open_reporting_period)
        again = run(RemoteExcel.from_file(control), macros.open_reporting_period)
        assert sorted(m.rcpt_tos[0] for m in server.messages) == ["lhh.camau@example.vn", "lhh.cantho@example.vn"]
    alert_of(excel, "open-period-done", period=period, sent=2, skipped=0, failed=0, notes_vi="", notes_en="")
    alert_of(again, "open-period-done", period=period, sent=0, skipped=2, failed=0, notes_vi="", notes_en="")


def test_the_daily_job_is_installed_from_the_cluster_workbook_once(tmp_path, status_bar, crontab):
    from smtp_server import plain_server

    with plain_server() as server:
        _, control = due_today(tmp_path, server)
        first = run(RemoteExcel.from_file(control), macros.install_daily_job)
        again = run(RemoteExcel.from_file(control), macros.install_daily_job)
    [line] = crontab.read_text().splitlines()
    assert line.startswith("0 7 * * * ") and f"remind --control {control.resolve()}" in line
    log = control.resolve().parent / "aidkit-job.log"
    alert_of(first, "daily-job-done", at="07:00", script=line, log=log)
    alert_of(again, "daily-job-unchanged", at="07:00", script=line, log=log)
    assert not server.messages


def test_the_daily_job_is_not_installed_without_a_mail_server(cluster, status_bar, crontab):
    excel = run(RemoteExcel.from_file(cluster), macros.install_daily_job)
    assert alert_of(excel, "mail-not-configured")["mode"] == "critical" and not crontab.exists()


def test_collect_says_plainly_that_the_mailbox_is_not_configured(cluster, status_bar):
    excel = run(RemoteExcel.from_file(cluster), macros.collect_submissions)
    assert alert_of(excel, "mailbox-not-configured")["mode"] == "critical"


def test_collect_takes_the_mailbox_into_the_submissions_folder(tmp_path, status_bar, monkeypatch):
    from datetime import datetime, timedelta, timezone

    from cluster import MEMBER_EMAIL, make_cluster
    from imap_server import PASSWORD, USER, imap_server, letter
    from smtp_server import plain_server

    monkeypatch.setenv("AIDKIT_IMAP_PASSWORD", PASSWORD)
    data = sample_workbook(tmp_path / "src.xlsx", "92", "2026-H1", needs=3, register=3).path.read_bytes()
    with plain_server() as smtp, imap_server(tmp_path / "imap") as imap:
        control = make_cluster(
            tmp_path / "cum",
            smtp,
            may_chu_imap=imap.host,
            cong_imap=imap.port,
            tai_khoan_nhan=USER,
            bao_mat_imap="Không",
        )
        when = datetime.now(timezone(timedelta(hours=7))) - timedelta(hours=1)
        imap.append(letter(MEMBER_EMAIL["92"], "Báo cáo", [("Can Tho.xlsx", data)]), when)
        imap.append(letter("la@example.com", "?", [("x.xlsx", data)]), when)
        excel = run(RemoteExcel.from_file(control), macros.collect_submissions)
    assert (control.parent / "nop" / "Can Tho.xlsx").read_bytes() == data
    alert_of(excel, "collect-done", messages=2, submitted=1, aside=1, replies=0, notes_vi="", notes_en="")


def test_cluster_catalogue_publishes_every_province_into_the_output_folder(cluster, status_bar):
    from toolkit.catalogue.catalogue import catalogue

    excel = run(RemoteExcel.from_file(cluster), macros.cluster_catalogue)
    folder = cluster.parent / "ket-qua" / "danh-muc"
    expected = catalogue(None, cluster.parent / "again", control=cluster)
    assert (folder / "index.html").is_file() and (folder / "ban-tin.pdf").is_file()
    left_out = len(expected.left_out) + len(expected.refused) + len(expected.unattributed)
    assert alert_of(
        excel,
        "catalogue-done",
        needs=len(expected.needs),
        provinces=3,
        page=folder / "index.html",
        bulletin=folder / "ban-tin.pdf",
        left_out=left_out,
    )["mode"] == ("critical" if left_out else "info")


def test_review_report_drafts_the_word_report_of_the_period_just_ended(cluster, status_bar):
    from docx import Document

    excel = run(RemoteExcel.from_file(cluster), macros.review_report)
    out = cluster.parent / "ket-qua" / "bao-cao_2026-H1.docx"
    alert_of(excel, "report-done", period="2026-H1", file=out)
    assert "BÁO CÁO" in [p.text for p in Document(str(out)).paragraphs]
    assert status_bar[0] == " / ".join(bilingual("busy-report")) and status_bar[-1] is False
    doc = Document(str(out))
    doc.add_paragraph("Trưởng cụm đã sửa.")
    doc.save(str(out))
    edited = out.read_bytes()
    excel = run(RemoteExcel.from_file(cluster), macros.review_report)  # the lead's report stays
    beside = out.with_name("bao-cao_2026-H1_2.docx")
    kept = bilingual("report-kept", kept=out.name, file=beside.name)
    done = bilingual("report-done", period="2026-H1", file=beside)
    assert excel.alerts[-1]["prompt"] == f"{kept[0]}\n{done[0]}\n\n{kept[1]}\n{done[1]}"
    assert out.read_bytes() == edited and beside.exists()


def test_cluster_buttons_need_a_saved_control_workbook(cluster, status_bar):
    excel = run(RemoteExcel.from_file(cluster, "Book1"), macros.submission_status)
    alert_of(excel, "control-unsaved")


def test_a_library_refusal_reaches_the_user_in_both_languages(tmp_path, status_bar):
    members = [Member("92", "Cần Thơ", "", "lhh.cantho@example.vn")]
    control = write_control(
        tmp_path / "c.xlsx",
        "Cụm",
        members,
        [Deadline(Period.parse("2026-H1"), date(2026, 7, 15))],
        {"ten_cum": "Cụm", "thu_muc_nhan": "khong-co", "thu_muc_ket_qua": "kq"},
    )
    excel = run(RemoteExcel.from_file(control), macros.consolidate)
    assert excel.alerts[-1]["mode"] == "critical" and "khong-co" in excel.alerts[-1]["prompt"]
