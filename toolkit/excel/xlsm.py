"""Turn an .xlsx into a macro-enabled .xlsm with our VBA, xlwings' VBA and form buttons.

pyOpenVBA writes the VBA project and the buttons; this module then rewrites the
zip so the result is deterministic and well formed. oletools reads the modules
back, and plain zipfile/ElementTree reads the buttons.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import xlwings

# pyOpenVBA (extra "build") and oletools (extra "test") are imported where used, so that
# importing this module needs neither.

_XLWINGS_DIR = Path(xlwings.__file__).parent
#: Standalone mode (no add-in): xlwings' module, plus the Dictionary class it reads the
#: xlwings.conf sheet with on macOS.
_XLWINGS_MODULES = {
    "xlwings": (_XLWINGS_DIR / "xlwings.bas", "standard"),
    "Dictionary": (_XLWINGS_DIR / "addin" / "Dictionary.cls", "other"),
}
_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_PLAIN_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_X_NS = "{urn:schemas-microsoft-com:office:excel}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_BARE_CAPTION = re.compile(rb"(<v:textbox[^>]*><div[^>]*>)([^<]+)(</div>)")


@dataclass(frozen=True)
class Button:
    """A form button at ``cell`` on ``sheet`` that runs the VBA Sub ``macro``; size in points."""

    sheet: str
    cell: str
    caption: str
    macro: str
    width: int = 160
    height: int = 32


def build_xlsm(source_xlsx: Path, out_xlsm: Path, modules: dict[str, str], buttons: list[Button]) -> None:
    """Write ``out_xlsm``: ``source_xlsx`` plus ``modules`` (name -> VBA source), xlwings' modules and ``buttons``.

    The output depends only on the inputs (byte-identical on rebuild) and replaces
    ``out_xlsm`` atomically. A sheet that gets buttons is rewritten by pyOpenVBA
    (its text cells become inline strings); other sheets keep their bytes.
    Raises ValueError if a module's text does not fit the VBA project's code page.
    """
    from pyopenvba import ExcelFile, VBAModuleKind
    from pyopenvba.apps.excel import ExcelApplication

    out_xlsm = Path(out_xlsm)
    with tempfile.TemporaryDirectory(dir=out_xlsm.parent) as tmp:
        staged, with_buttons = Path(tmp, "vba.xlsm"), Path(tmp, "buttons.xlsm")
        shutil.copyfile(source_xlsx, staged)
        with ExcelFile(staged) as book:
            project = book.add_vba_project()
            for name, source in modules.items():
                _check_code_page(name, source, project.code_page)
                project.add_module(name, _crlf(source))
            for name, (path, kind) in _XLWINGS_MODULES.items():
                project.add_module(name, _crlf(path.read_text(encoding="utf-8")), kind=VBAModuleKind[kind])
            book.save()
        # with_vba=False: pyOpenVBA's interpreter need not (and cannot) compile xlwings.bas.
        app = ExcelApplication.open(staged, with_vba=False)
        for button in buttons:
            view = app.sheet(button.sheet)
            anchor = view.sheet.vba_get("Range", [button.cell])
            view.add_button(
                left=float(anchor.vba_get("Left")),
                top=float(anchor.vba_get("Top")),
                width=button.width,
                height=button.height,
                text=button.caption,
                macro=button.macro,
            )
        app.save(with_buttons)
        packed = Path(tmp, "out.xlsm")
        packed.write_bytes(_normalised(with_buttons.read_bytes()))
        os.replace(packed, out_xlsm)


def read_vba_modules(path: Path) -> dict[str, str]:
    """Module name -> source (without ``Attribute`` lines), read with oletools' olevba."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {Path(filename).stem: _without_attributes(code) for _, _, filename, code in parser.extract_macros()}
    finally:
        parser.close()


def read_buttons(path: Path) -> list[tuple[str, str, str]]:
    """(sheet name, caption, macro Sub) for every form button, from the sheets' legacy VML drawings."""
    found = []
    with zipfile.ZipFile(path) as package:
        for sheet, part in _sheet_parts(package):
            vml = _related(package, part, "vmlDrawing")
            if vml is None:
                continue
            root = ET.fromstring(package.read(vml))
            for shape in root.iter("{urn:schemas-microsoft-com:vml}shape"):
                data = shape.find(f"{_X_NS}ClientData")
                macro = data.findtext(f"{_X_NS}FmlaMacro") if data is not None else None
                if data is None or data.get("ObjectType") != "Button" or not macro:
                    continue
                textbox = shape.find("{urn:schemas-microsoft-com:vml}textbox")
                assert textbox is not None, "a form button's shape holds its caption"
                caption = "".join(textbox.itertext()).strip()
                found.append((sheet, caption, macro.split("!")[-1]))
    return found


def xlwings_vba_version(path: Path) -> str | None:
    """The ``XLWINGS_VERSION`` constant of the workbook's xlwings module, or None if absent."""
    source = read_vba_modules(path).get("xlwings", "")
    match = re.search(r'XLWINGS_VERSION\s+As\s+String\s*=\s*"([^"]+)"', source)
    return match.group(1) if match else None


def _crlf(source: str) -> str:
    """VBA's line endings: CRLF throughout, ending with one."""
    return "\r\n".join(source.splitlines()) + "\r\n"


def _check_code_page(name: str, source: str, code_page: int) -> None:
    """Refuse source the project's ANSI code page cannot hold (pyOpenVBA would write '?' instead)."""
    try:
        source.encode(f"cp{code_page}")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"VBA module {name!r} has text outside code page {code_page}; build such strings with ChrW() instead"
        ) from error


def _without_attributes(code: str) -> str:
    return "\n".join(line for line in code.splitlines() if not line.startswith("Attribute VB_"))


def _normalised(data: bytes) -> bytes:
    """Rezip with fixed timestamps, the macro-enabled main content type and ``xmlns:r`` declared where used."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            part = src.read(name)
            if name == "[Content_Types].xml":
                part = part.replace(_PLAIN_MAIN.encode(), _MACRO_MAIN.encode())
            elif name.endswith(".xml") and b" r:id=" in part and b"xmlns:r=" not in part:
                # pyOpenVBA's controls use r:id; a sheet from openpyxl does not declare the prefix.
                part = re.sub(rb"<(?![?!])[\w:]+", rb'\g<0> xmlns:r="' + _R_NS.encode() + b'"', part, count=1)
            elif name.endswith(".vml"):
                # A caption as Excel writes it, in a <font> run: LibreOffice shows a bare one as a blank button.
                part = _BARE_CAPTION.sub(rb'\1<font face="Calibri" size="220" color="#000000">\2</font>\3', part)
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.create_system = 0  # the same bytes whichever OS builds it
            dst.writestr(info, part, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _sheet_parts(package: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order."""
    book = ET.fromstring(package.read("xl/workbook.xml"))
    targets = _relationships(package, "xl/workbook.xml")
    # name and r:id are required attributes of <sheet> (ECMA-376)
    return [
        (sheet.attrib["name"], targets[sheet.attrib[f"{{{_R_NS}}}id"]][1]) for sheet in book.iter(f"{_MAIN_NS}sheet")
    ]


def _related(package: zipfile.ZipFile, part: str, kind: str) -> str | None:
    """The part ``part`` relates to with a relationship type ending in ``/kind``, if any."""
    return next(
        (target for rel_type, target in _relationships(package, part).values() if rel_type.endswith("/" + kind)), None
    )


def _relationships(package: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, resolved target path) for ``part``."""
    folder, name = posixpath.split(part)
    rels = f"{folder}/_rels/{name}.rels"
    if rels not in package.namelist():
        return {}
    return {
        rel.attrib["Id"]: (rel.attrib["Type"], _resolve(folder, rel.attrib["Target"]))  # all three required (OPC)
        for rel in ET.fromstring(package.read(rels))
    }


def _resolve(folder: str, target: str) -> str:
    """A relationship target as a zip member name (openpyxl writes absolute targets)."""
    return target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
