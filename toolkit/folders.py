"""Finding the submitted workbooks among the files and folders a user names, and reading them safely.

Look before reading: only regular files are read, their size is checked first, and a symbolic link
that leads out of the folder being searched is reported, not followed. Every file found is either
returned for reading or listed with the reason it was skipped; one bad file never stops the others.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import AidkitError
from .findings import Refusal
from .sentences import bilingual

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
MAX_FILE_BYTES = 100 * 1024**2  # the reader refuses anything larger (reader.MAX_FILE_BYTES)
#: Skip reasons that mean "not a workbook at all" (listed, not refused); the others are refused workbooks.
NOT_A_WORKBOOK = ("file-other-type",)


class NoWorkbooks(AidkitError):
    """A command given only empty folders (or no spreadsheet file) has nothing to read."""

    def __init__(self, where: str):
        super().__init__(*bilingual("no-workbooks", file=where))


@dataclass(frozen=True)
class Skipped:
    """A file that is not read, and why (a rule code of sentences.py)."""

    path: Path
    name: str  # as shown: relative to the folder it was found in
    reason: str
    detail: str = ""

    def as_refusal(self) -> Refusal:
        return Refusal(self.name, self.reason, self.detail)

    @property
    def refused(self) -> bool:
        """A workbook that cannot be read (rather than a file that is no workbook at all)."""
        return self.reason not in NOT_A_WORKBOOK


@dataclass
class Sources:
    """What a list of files and folders expands to."""

    files: list[tuple[Path, str]] = field(default_factory=list)  # (path, name relative to its folder)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No workbook at all was found (only files of other kinds, or nothing)."""
        return not self.files and not any(s.refused for s in self.skipped)

    def require_workbooks(self, given: Iterable[str | os.PathLike]) -> None:
        """Refuse to go on when no workbook was found under `given` (nothing is then written).

        :raises NoWorkbooks: when `empty`.
        """
        if self.empty:
            raise NoWorkbooks(", ".join(str(p) for p in given))

    @property
    def paths(self) -> list[Path]:
        return [p for p, _ in self.files]


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISDIR(mode):
        return "folder"
    return "special file"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _look(path: Path, name: str, root: Path | None) -> Skipped | None:
    """Why `path` must not be read (None: it may), without opening it.

    `root`: the folder it was found in (None: named by the user, read whatever its extension).
    """
    if root is not None and path.suffix.lower() not in SUFFIXES:
        return Skipped(path, name, "file-other-type")
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            if root is not None and not _inside(target, root):
                return Skipped(path, name, "file-link-outside", str(target))
            info = os.stat(path)
    except OSError as exc:
        return Skipped(
            path,
            name,
            "file-not-found" if isinstance(exc, FileNotFoundError) else "file-not-readable",
            exc.strerror or type(exc).__name__,
        )
    if not stat.S_ISREG(info.st_mode):
        return Skipped(path, name, "file-special", _kind(info.st_mode))
    if info.st_size > MAX_FILE_BYTES:
        return Skipped(path, name, "file-too-large", f"{info.st_size // 1024**2} MB")
    return None


def expand_sources(paths: Iterable[str | os.PathLike], exclude: Iterable[str | os.PathLike] = ()) -> Sources:
    """The workbook files named by `paths` (files, or folders searched with their subfolders).

    Each file found comes back either in ``files`` (with its name relative to the folder it was found
    in, or its own name) or in ``skipped`` with a reason. Excel's lock files (``~$…``), hidden files and
    folders, and anything under `exclude` (aidkit's own archive, output folder, ledger, the output
    being written) are left out without a word: they are not submissions.
    """
    skip = {Path(p).resolve() for p in exclude}
    out = Sources()
    seen: set[Path] = set()

    def add(path: Path, name: str, root: Path | None) -> None:
        if path.absolute() in skip or path.resolve() in skip:
            return
        why = _look(path, name, root)
        if why is not None:
            out.skipped.append(why)
            return
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.files.append((path, name))

    for given in paths:
        given = Path(given)
        if not given.is_dir():
            if given.exists() or given.is_symlink():
                add(given, given.name, None)
            else:
                out.skipped.append(Skipped(given, str(given), "file-not-found"))
            continue
        root = given.resolve()
        for folder, dirs, names in os.walk(given):
            here = Path(folder)
            dirs[:] = sorted(
                d
                for d in dirs
                if not d.startswith(".") and (here / d).resolve() not in skip and not (here / d).is_symlink()
            )
            for entry in sorted(names):
                if entry.startswith(("~$", ".")):
                    continue
                path = here / entry
                add(path, path.relative_to(given).as_posix(), root)
    return out


def workbook_files(folder: str | os.PathLike, exclude: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """The readable workbooks in a submissions folder and its subfolders, in a stable order."""
    return expand_sources([folder], exclude).paths


def read_regular(path: str | os.PathLike, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; never blocks on a FIFO or reads a device.

    The file is opened without blocking and checked on the open descriptor (so a file swapped for a
    FIFO or a link to /dev/zero after it was listed is still refused).
    :raises Refusal: file-special, file-too-large or file-not-readable.
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise Refusal(name, "file-not-readable", exc.strerror or type(exc).__name__) from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Refusal(name, "file-special", _kind(info.st_mode))
        if info.st_size > limit:
            raise Refusal(name, "file-too-large", f"{info.st_size // 1024**2} MB")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise Refusal(name, "file-too-large", f"> {limit // 1024**2} MB")
    return data
