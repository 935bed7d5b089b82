"""Regenerate the pictures of docs/ (docs/img/*.png): the workbooks' sheets, and the catalogue page.

Each sheet is printed to one PDF page by LibreOffice (with the buttons made printable
in a copy: Excel does not print them), then cut to PNG by pdftoppm. The "after
Kiểm tra dữ liệu" pictures use `aidkit validate --annotate`, which marks cells the same
way as the button. Needs soffice and pdftoppm (apt-get install poppler-utils).

The catalogue page (aidkit catalogue) of the demo, and of sample workbooks with the English columns
filled, is shot by headless Chromium at 1280 and 390 px (PIL cuts the narrow ones out of their frame).

Run: .venv/bin/python scripts/screenshots.py [catalogue]   (catalogue: only the page's pictures)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from toolkit.annotate import annotate
from toolkit.catalogue.catalogue import catalogue
from toolkit.sample import CLUSTER5, sample_control, sample_workbook
from toolkit.validate import validate

ROOT = Path(__file__).resolve().parent.parent

IMG = ROOT / "docs" / "img"
PDF_ONE_PAGE_PER_SHEET = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'
#: picture name → (workbook, sheet, page width in pixels, width kept from the left)
PICTURES = {
    "tinh-thong-tin.png": ("aidkit-tinh.xlsm", "Thông tin", 1100, 1100),
    "cum-dieu-khien.png": ("aidkit-cum.xlsm", "Điều khiển", 1100, 1100),
    "xlwings-conf.png": ("aidkit-tinh.xlsm", "xlwings.conf", 1100, 1100),
    "kiem-tra-o-do.png": ("92_kiem-tra.xlsx", "Nhu cầu tài trợ", 3200, 1400),
    "kiem-tra-phat-hien.png": ("92_kiem-tra.xlsx", "Phát hiện", 1400, 1400),
}


def printable(source: Path, out: Path) -> Path:
    """A copy of `source` whose form buttons are printed."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.endswith(".vml"):
                data = data.replace(b"<x:PrintObject>False</x:PrintObject>", b"<x:PrintObject>True</x:PrintObject>")
            dst.writestr(name, data)
    return out


def to_pdf(path: Path, folder: Path) -> Path:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            PDF_ONE_PAGE_PER_SHEET,
            "--outdir",
            str(folder),
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    out = folder / f"{path.stem}.pdf"
    assert out.exists(), f"LibreOffice could not convert {path}"
    return out


def page_of(path: Path, sheet: str) -> int:
    """With SinglePageSheets, LibreOffice prints every sheet, hidden ones too, on a page of its own."""
    return CalamineWorkbook.from_path(str(path)).sheet_names.index(sheet) + 1


#: picture name → (the page's URL query, viewport width, height); "-tieng-anh" pictures are of the workbooks
#: whose English columns (template 1.2) are filled
CATALOGUE_PICTURES = {
    "danh-muc-trang-web.png": ("", 1280, 1400),
    "danh-muc-tieng-anh-y-te.png": ("lang=en&linh_vuc=YT", 1280, 1400),
    "danh-muc-1280-en.png": ("lang=en", 1280, 1400),
    "danh-muc-390-vi.png": ("", 390, 844),
    "danh-muc-390-en.png": ("lang=en", 390, 844),
    "danh-muc-tieng-anh-1280-vi.png": ("", 1280, 1400),
    "danh-muc-tieng-anh-1280-en.png": ("lang=en", 1280, 1400),
    "danh-muc-tieng-anh-390-vi.png": ("", 390, 844),
    "danh-muc-tieng-anh-390-en.png": ("lang=en", 390, 844),
}


def shoot(page: Path, query: str, size: tuple[int, int], out: Path, tmp: Path) -> None:
    """A screenshot of the page at a viewport of `size`; a narrow one through a frame (headless windows are
    at least 500 px wide), cut to the frame."""
    from PIL import Image

    sys.path.insert(0, str(ROOT / "tests"))
    from browser import framed

    url = f"{page.as_uri()}?{query}"
    if size[0] < 500:
        url = framed(tmp, url, size).as_uri()
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp}/chromium",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--hide-scrollbars",
            f"--window-size={max(size[0], 500)},{size[1] + 40}",
            f"--screenshot={out}",
            url,
        ],
        check=True,
        capture_output=True,
    )
    with Image.open(out) as shot:
        shot.crop((0, 0, *size)).save(out)


def catalogue_pictures() -> None:
    """The catalogue page at 1280 and 390 px, in Vietnamese and in English: the one `make demo` publishes
    (the English columns empty), and Cluster 5's sample workbooks with the English columns filled."""
    import contextlib
    import io

    sys.path.insert(0, str(ROOT / "scripts"))
    import demo

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with contextlib.redirect_stdout(io.StringIO()):
            demo.main(tmp / "demo")
        pages = {False: tmp / "demo" / "2-cum-5" / "ket-qua" / "danh-muc" / "index.html"}
        control = sample_control(tmp / "dieu-hanh.xlsx", ("2026-H1",))
        for code in CLUSTER5:
            sample_workbook(
                tmp / "nop" / f"{code}.xlsx", code, "2026-H1", needs=20, register=2, seed=2026, english=True
            )
        pages[True] = catalogue(None, tmp / "danh-muc", control=control).page
        for picture, (query, width, height) in CATALOGUE_PICTURES.items():
            shoot(pages["-tieng-anh" in picture], query, (width, height), IMG / picture, tmp)
            print(f"{IMG / picture}: {(IMG / picture).stat().st_size // 1024} KB")


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sample = sample_workbook(
            tmp / "92.xlsx",
            "92",
            "2026-H1",
            needs=6,
            register=6,
            seed=5,
            defects=("missing-value", "ambiguous-number", "invalid-email", "duplicate-id"),
        )
        sources = {"92_kiem-tra.xlsx": annotate(sample.path, validate(sample.path), tmp / "92_kiem-tra.xlsx")}
        for name in ("aidkit-tinh.xlsm", "aidkit-cum.xlsm"):
            sources[name] = printable(ROOT / "workbooks" / name, tmp / name)
        pdfs = {name: to_pdf(path, tmp) for name, path in sources.items()}
        for picture, (book, sheet, width, kept) in PICTURES.items():
            page = page_of(sources[book], sheet)
            stem = tmp / picture.removesuffix(".png")
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-singlefile",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-scale-to-x",
                    str(width),
                    "-scale-to-y",
                    "-1",
                    "-W",
                    str(kept),
                    str(pdfs[book]),
                    str(stem),
                ],
                check=True,
            )
            shutil.copyfile(f"{stem}.png", IMG / picture)
            print(f"{IMG / picture}: {(IMG / picture).stat().st_size // 1024} KB")


if __name__ == "__main__":
    if sys.argv[1:] != ["catalogue"]:
        main()
    catalogue_pictures()
