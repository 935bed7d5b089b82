"""The funding-needs catalogue donors read (issue #14): a self-contained web page and a printable bulletin.

`catalogue()` reads every submission (files or folders), keeps each province's latest file,
takes its open needs (`Mới đề xuất`, `Đang vận động`) and writes ``DIR/index.html``
(`catalogue_page`), the bulletin ``DIR/ban-tin.pdf`` and its English edition ``DIR/ban-tin-en.pdf``
(`bulletin`), and ``DIR/danh-muc.xlsx`` (`catalogue_workbook`). A need row with an error is left out
(donors must not read a wrong amount) and counted in the result.

Nothing here knows about Excel-the-application, the command line or e-mail.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .. import schema
from ..consolidation.consolidate import (
    attribute,
    file_tasks,
    open_control,
    parse_period,
    process_file,
    skipped_file,
)
from ..consolidation.result import ConsolidationError, SourceFile
from ..findings import Refusal
from ..folders import expand_sources
from ..glossary import agency_en, groups_en, place_en, plain, proper_name
from ..ledger import ARCHIVE_NAME
from ..outputs import check_output, output_path
from ..periods import Period
from ..schema import Province
from ..text import xml_safe
from ..workers import Progress, Runner
from .result import (
    BULLETIN_NAMES,
    FORM_SLUGS,
    OPEN_STATUSES,
    PAGE_NAME,
    WORKBOOK_NAME,
    CatalogueError,
    CatalogueResult,
    Need,
)

PAGE_KIND, BULLETIN_KIND, WORKBOOK_KIND = "catalogue-page", "bulletin", "catalogue"  # kinds of output (toolkit.outputs)
_INDEX = {c.key: i for i, c in enumerate(schema.NEEDS.columns)}
_SECTOR_CODE = {s.vi: s.code for s in schema.sectors()}


def catalogue(
    sources: Sequence[str | os.PathLike] | None,
    out: str | os.PathLike | None = None,
    *,
    period: str | None = None,
    control: str | os.PathLike | None = None,
    templates: str | os.PathLike | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> CatalogueResult:
    """Write the catalogue of open funding needs into the folder `out`: index.html, the bulletins, the workbook.

    :param sources: workbooks and folders (searched recursively); default: the control workbook's inbox.
    :param out: the folder to write (default: ``danh-muc`` in the control workbook's output folder).
    :param period: only files of this period; otherwise each province's latest period.
    :param control: the cluster control workbook: the cluster's name and contact, its folders.
    :param templates: a folder whose danh-muc.html.j2, ban-tin.typ, logo.svg/.png/.jpg replace the shipped ones.
    :raises CatalogueError: when the run cannot start.
    :raises findings.Refusal: when `out` is a folder being read, or holds a person's index.html or ban-tin.pdf.
    :raises folders.NoWorkbooks: when `sources` hold no workbook.
    """
    from .bulletin import render_bulletin
    from .intro import introduction
    from .page import render_page
    from .workbook import catalogue_workbook

    try:
        wanted = parse_period(period)
        ctrl = open_control(control) if control else None
    except ConsolidationError as exc:
        raise CatalogueError(exc.vi, exc.en) from None
    if not sources:
        if ctrl is None:
            raise CatalogueError.of("catalogue-no-source")
        sources = [ctrl.inbox]
    if out is None:
        if ctrl is None:
            raise CatalogueError.of("catalogue-no-output")
        out = ctrl.outbox / "danh-muc"
    folder = Path(out)
    _check_folder(folder, [*sources, *([ctrl.inbox] if ctrl else [])], ctrl.outbox if ctrl else None)
    skip = [folder]
    if ctrl is not None:  # the control workbook, the archive and the output folder may sit in the inbox
        skip += [ctrl.path, ctrl.outbox, ctrl.path.parent / ARCHIVE_NAME]
    found = expand_sources(sources, exclude=skip)
    for s in found.skipped:
        if s.reason == "file-not-found":
            raise CatalogueError.of("catalogue-source-missing", file=str(s.path))
    found.require_workbooks(sources)
    settings = ctrl.settings() if ctrl else schema.Settings()
    tasks = file_tasks(found.files, ctrl, settings)  # with the control workbook, the ledger's findings
    with Runner(workers, len(tasks)) as runner:
        files = runner.map(process_file, tasks, attribute, progress, [t[1] for t in tasks])
    files += [skipped_file(s) for s in found.skipped if s.refused]  # a FIFO, a link out of the folder, too large
    latest = latest_files(files, wanted)
    needs, left_out = open_needs(latest)
    order = {s.code: i for i, s in enumerate(schema.sectors())}
    needs.sort(key=lambda n: (n.province_code, order[n.sector], n.id))
    result = CatalogueResult(
        folder,
        _title(ctrl, latest),
        str(wanted) if wanted else _periods(latest),
        needs,
        latest,
        left_out,
        [f for f in files if f.refused],
        [f for f in files if not f.refused and (f.current is None or f.parsed_period is None)],
        _title_en(ctrl, latest),
    )
    intro = introduction(ctrl, list(dict.fromkeys(_now(f).short for f in latest)), result.period)
    page = render_page(result, intro, templates).encode("utf-8")
    pdfs = [render_bulletin(result, intro, templates, lang) for lang in ("vi", "en")]  # all made before any is written
    xlsx = catalogue_workbook(result, intro)
    for path, data, kind in (
        (result.page, page, PAGE_KIND),
        (result.bulletin, pdfs[0], BULLETIN_KIND),
        (result.bulletin_en, pdfs[1], BULLETIN_KIND),
        (result.workbook, xlsx, WORKBOOK_KIND),
    ):
        check_output(path, kind, (path.suffix,))  # again: a person may have put a file there meanwhile
        with output_path(path, kind) as tmp:
            tmp.write_bytes(data)
        path.chmod(0o644)  # published: readable by a web server, unlike a temporary 0600 file
    return result


def _check_folder(folder: Path, read: list, outbox: Path | None) -> None:
    """Refuse an output folder that is a file, is (or is inside) a folder being read, or holds a person's
    index.html, bulletins or danh-muc.xlsx. The control workbook's output folder may sit in its submissions folder.

    :raises CatalogueError: for a file; :raises findings.Refusal: for the others (output-in-inbox, output-not-ours).
    """
    if folder.exists() and not folder.is_dir():
        raise CatalogueError.of("catalogue-output-is-file", file=str(folder))
    if outbox is None or not _within(folder, outbox):
        for given in map(Path, read):
            if given.is_dir() and _within(folder, given):
                raise Refusal(str(folder), "output-in-inbox")
    outputs = (
        (PAGE_NAME, PAGE_KIND),
        (BULLETIN_NAMES["vi"], BULLETIN_KIND),
        (BULLETIN_NAMES["en"], BULLETIN_KIND),
        (WORKBOOK_NAME, WORKBOOK_KIND),
    )
    for name, kind in outputs:
        check_output(folder / name, kind, (Path(name).suffix,))


def _within(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def latest_files(files: Iterable[SourceFile], wanted: Period | None = None) -> list[SourceFile]:
    """The latest readable file of each province: its latest period (or `wanted`), then the last received.

    Provinces merged in 2025 count as the province they became: its latest period wins.
    """
    best: dict[str, tuple[SourceFile, str, Period]] = {}  # by the code as written: (file, code now, period)
    for f in files:
        parsed, original, current = f.parsed_period, f.original, f.current
        if f.refused or original is None or current is None or parsed is None:
            continue
        if wanted is not None and parsed != wanted:
            continue
        if original.code not in best or _order(f) > _order(best[original.code][0]):
            best[original.code] = (f, current.code, parsed)
    newest: dict[str, Period] = {}
    for _, code, parsed in best.values():
        newest[code] = max(newest.get(code, parsed), parsed)
    return [
        f
        for original, (f, code, parsed) in sorted(best.items(), key=lambda item: (item[1][1], item[0]))
        if parsed == newest[code]
    ]


def _now(f: SourceFile) -> Province:
    """The province a published file counts for now (`latest_files` keeps only files placed in one)."""
    assert f.current is not None
    return f.current


def _order(f: SourceFile):
    return f.parsed_period, f.received, f.name


def open_needs(files: Iterable[SourceFile]) -> tuple[list[Need], list[tuple[str, int]]]:
    """The open needs of these files, and the (file, row) of open needs left out for their errors."""
    needs, left_out = [], []
    for f in files:
        for row in f.rows.get("needs", ()):
            if row[_INDEX["trang_thai"]] not in OPEN_STATUSES:
                continue
            if row[-1]:
                left_out.append((f.name, row[-2]))
                continue
            needs.append(_need(f, row))
    return needs, left_out


def _need(f: SourceFile, row: tuple) -> Need:
    def text(key: str) -> str:  # published on the web page and in the bulletin
        value = row[_INDEX[key]]
        return "" if value is None else xml_safe(str(value))

    def number(key: str):
        value = row[_INDEX[key]]
        return value if isinstance(value, (int, float)) else None

    return Need(
        id=text("ma_de_xuat"),
        title_vi=text("ten_vi"),
        title_en=text("ten_en"),
        province_code=_now(f).code,
        province=_now(f).short,
        location=text("dia_ban"),
        sector=_SECTOR_CODE.get(text("linh_vuc"), "KHAC"),
        form=FORM_SLUGS[text("hinh_thuc")],
        months=number("thoi_gian_thang"),
        total_usd=number("tong_kinh_phi_usd"),
        requested_usd=number("de_nghi_tai_tro_usd"),
        counterpart_usd=number("von_doi_ung_usd"),
        beneficiaries=number("so_nguoi_huong_loi"),
        beneficiary_groups=text("doi_tuong"),
        objectives=text("muc_tieu"),
        agency=text("don_vi_de_xuat"),
        contact=text("nguoi_lien_he"),
        email=text("email_lien_he"),
        status=text("trang_thai"),
        objectives_en=text("muc_tieu_en"),
        groups_en=text("doi_tuong_en") or groups_en(text("doi_tuong")) or "",
        agency_en=text("don_vi_de_xuat_en") or agency_en(text("don_vi_de_xuat")) or "",
        location_en=place_en(text("dia_ban")) or "",
        contact_en=proper_name(text("nguoi_lien_he")) or "",
        province_en=plain(_now(f).short),
    )


def _title(ctrl, files: list[SourceFile]) -> str:
    if ctrl is not None and ctrl.cluster:
        return ctrl.cluster
    names = sorted({_now(f).name for f in files})
    return ", ".join(names) if len(names) <= 4 else f"{len(names)} tỉnh, thành phố"


def _title_en(ctrl, files: list[SourceFile]) -> str:
    if ctrl is not None:
        return str(ctrl.values.get("ten_cum_en") or "")
    names = sorted({place_en(_now(f).name) or plain(_now(f).name) for f in files})
    return ", ".join(names) if len(names) <= 4 else f"{len(names)} provinces and cities"


def _periods(files: list[SourceFile]) -> str | None:
    periods = sorted({str(f.parsed_period) for f in files})
    return ", ".join(periods) if periods else None
