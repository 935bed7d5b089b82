"""Finding the submitted workbooks in a folder tree."""

from __future__ import annotations

import os
from pathlib import Path

SUFFIXES = (".xlsx", ".xlsm")


def workbook_files(folder: str | os.PathLike, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """The workbooks in a submissions folder and its subfolders, in a stable order.

    Excel's lock files (``~$…``), hidden and temporary files are left out, and so is anything
    under `exclude` (the archive and the output folder, should they sit inside the folder).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    skip = {Path(p).resolve() for p in exclude}
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (Path(root) / d).resolve() not in skip)
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith(("~$", ".")) or path.suffix.lower() not in SUFFIXES or path.resolve() in skip:
                continue
            found.append(path)
    return found
