"""Where an output may be written: never over an input, never over a person's file.

An existing file may be replaced only by an output of the same kind that aidkit wrote **and that
nobody changed since**. What aidkit wrote is recorded beside it: the folder's hidden
``.aidkit-outputs.json`` maps each output's name to its kind and the SHA-256 of the bytes aidkit
wrote. One record for every format (.xlsx, .docx, index.html, ban-tin.pdf), kept in the output's
own folder so that it holds with or without a control workbook and travels with the folder. A file
without a record, or whose bytes differ from the record (edited in Excel or Word, a filled
template, a copy of someone's file put there), is a person's and is never replaced. An output must
also have the right extension and must not be one of the inputs. A refusal is one bilingual
sentence (a findings.Refusal).

Workbooks still carry the custom document property ``aidkit`` naming their kind (``consolidated``,
``annotated``, ``template``), which says what a file is, not whose it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .findings import Refusal

PROPERTY = "aidkit"
RECORD = ".aidkit-outputs.json"
_MARK = re.compile(r'name="aidkit"[^>]*>\s*<vt:lpwstr(?:\s[^>]*)?>([^<]*)</vt:lpwstr>')


def written_by_aidkit(path: str | os.PathLike) -> str | None:
    """The kind of aidkit output a workbook says it is (its ``aidkit`` property), or None."""
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


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _records(folder: Path) -> dict[str, dict]:
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def recorded_kind(path: str | os.PathLike) -> str | None:
    """The kind of output aidkit wrote at `path`, if the file is still exactly what it wrote; else None."""
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        return None
    entry = _records(path.parent).get(path.name)
    if not isinstance(entry, dict):
        return None
    try:
        same = entry.get("sha256") == sha256_of(path)
    except OSError:
        return None
    return entry.get("kind") if same else None


def replaceable(path: str | os.PathLike, kind: str) -> bool:
    """True if nothing is at `path`, or an output of this kind that aidkit wrote and nobody changed."""
    path = Path(path)
    return not (path.exists() or path.is_symlink()) or recorded_kind(path) == kind


def record_output(path: str | os.PathLike, kind: str) -> Path:
    """Record `path` (just written) as aidkit's output of this kind."""
    from .atomic import write_bytes

    path = Path(path)
    files = _records(path.parent)
    files = {name: entry for name, entry in files.items() if (path.parent / name).exists()}
    files[path.name] = {"kind": kind, "sha256": sha256_of(path)}
    data = json.dumps({"version": 1, "files": files}, ensure_ascii=False, indent=1, sort_keys=True)
    write_bytes(path.parent / RECORD, data.encode("utf-8"))
    return path


@contextmanager
def output_path(out: str | os.PathLike, kind: str) -> Iterator[Path]:
    """atomic.atomic_path for an output: once written, it is recorded as aidkit's."""
    from .atomic import atomic_path

    with atomic_path(out) as tmp:
        yield tmp
    record_output(out, kind)


def check_output(
    out: str | os.PathLike, kind: str, suffixes: tuple[str, ...], inputs: Iterable[str | os.PathLike] = ()
) -> Path:
    """Refuse an output path that would lose something; return it as a Path.

    A new file may go anywhere (even inside the folder being merged: it is not read back); an
    existing one is replaced only if it is not an input and is `replaceable` by this kind.
    :param kind: the kind of output (replaces only an unchanged earlier output of the same kind).
    :param suffixes: the allowed extensions, e.g. (".xlsx",).
    :param inputs: the files the run reads (a province's submission in the folder being merged is one).
    :raises Refusal: output-extension, output-is-input or output-not-ours.
    """
    out = Path(out)
    if out.suffix.lower() not in suffixes:
        raise Refusal(str(out), "output-extension", " hoặc ".join(suffixes), " or ".join(suffixes))
    target = out.resolve()
    for given in inputs:
        if Path(given).resolve() == target:
            raise Refusal(str(out), "output-is-input")
    if not replaceable(out, kind):
        raise Refusal(str(out), "output-not-ours")
    return out


def beside(out: str | os.PathLike, kind: str) -> Path:
    """`out` if it may be replaced, else the first ``<stem>_2<suffix>``, ``_3``… that may (a person's file stays)."""
    out = Path(out)
    candidate, n = out, 1
    while not replaceable(candidate, kind):
        n += 1
        candidate = out.with_name(f"{out.stem}_{n}{out.suffix}")
    return candidate


def mark_xlsxwriter(book, kind: str) -> None:
    """Mark an xlsxwriter workbook as an aidkit output of this kind."""
    book.set_custom_property(PROPERTY, kind)


def mark_openpyxl(book, kind: str) -> None:
    """Mark an openpyxl workbook as an aidkit output of this kind (replacing an earlier mark)."""
    from openpyxl.packaging.custom import StringProperty

    props = book.custom_doc_props
    props.props = [p for p in props.props if p.name != PROPERTY]
    props.append(StringProperty(name=PROPERTY, value=kind))
