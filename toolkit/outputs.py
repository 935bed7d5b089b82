"""Where an output may be written: never over an input, never over a file aidkit did not write.

Every workbook aidkit writes carries a custom document property ``aidkit`` naming what it is
(``consolidated``, ``annotated``, ``template``). An existing file may be replaced only by an output
of the same kind; an output must have the right extension and must not be one of the inputs (a
file of the folder being merged). A refusal is one bilingual sentence (a findings.Refusal).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from .findings import Refusal

PROPERTY = "aidkit"
_MARK = re.compile(r'name="aidkit"[^>]*>\s*<vt:lpwstr[^>]*>([^<]*)</vt:lpwstr>')  # openpyxl may declare vt: on it


def written_by_aidkit(path: str | os.PathLike) -> str | None:
    """The kind of aidkit output a workbook is (its ``aidkit`` property), or None."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            custom = z.read("docProps/custom.xml").decode("utf-8", "replace") if "docProps/custom.xml" in names else ""
            core = z.read("docProps/core.xml").decode("utf-8", "replace") if "docProps/core.xml" in names else ""
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return None
    found = _MARK.search(custom)
    if found:
        return found.group(1)
    if "<dc:creator>aidkit</dc:creator>" in core:  # a consolidated workbook of an aidkit without the mark
        return "consolidated"
    return None


def check_output(out: str | os.PathLike, kind: str, suffixes: tuple[str, ...],
                 inputs: Iterable[str | os.PathLike] = ()) -> Path:
    """Refuse an output path that would lose something; return it as a Path.

    A new file may go anywhere (even inside the folder being merged: it is not read back); an
    existing one is replaced only if it is not an input and is an aidkit output of the same kind.
    :param kind: the kind of output (replaces only an existing file of the same kind).
    :param suffixes: the allowed extensions, e.g. (".xlsx",).
    :param inputs: the files the run reads (a province's submission in the folder being merged is one).
    :raises Refusal: output-extension, output-is-input or output-not-ours.
    """
    out = Path(out)
    if out.suffix.lower() not in suffixes:
        raise Refusal(str(out), "output-extension", " hoặc / or ".join(suffixes))
    target = out.resolve()
    for given in inputs:
        if Path(given).resolve() == target:
            raise Refusal(str(out), "output-is-input")
    if (out.exists() or out.is_symlink()) and written_by_aidkit(out) != kind:
        raise Refusal(str(out), "output-not-ours")
    return out


def mark_xlsxwriter(book, kind: str) -> None:
    """Mark an xlsxwriter workbook as an aidkit output of this kind."""
    book.set_custom_property(PROPERTY, kind)


def mark_openpyxl(book, kind: str) -> None:
    """Mark an openpyxl workbook as an aidkit output of this kind (replacing an earlier mark)."""
    from openpyxl.packaging.custom import StringProperty

    props = book.custom_doc_props
    props.props = [p for p in props.props if p.name != PROPERTY]
    props.append(StringProperty(name=PROPERTY, value=kind))
