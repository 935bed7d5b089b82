"""Write files so that a reader never sees half of one: temp file, then rename.

The temporary file is named ``.<stem>.aidkit-<pid>-<random><suffix>`` beside the target. It gets the
permissions of an ordinary new file (0666 less the umask, not mkstemp's 0600), so that colleagues
on a shared folder can open what aidkit wrote. A run that was killed leaves its temporary file
behind; the next write of the same target removes leftovers whose process is gone (on this
computer) or that are more than a day old (another computer's, on a shared folder).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_MARK = ".aidkit-"
STALE_SECONDS = 24 * 3600


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode an ordinary new file gets under the current umask."""
    return 0o666 & ~_umask()


def process_gone(pid: int) -> bool:
    """True if no process `pid` runs on this computer (a zombie, killed but not yet reaped, is gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, but is someone else's
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state in ("Z", "X")


def remove_leftovers(target: str | os.PathLike) -> list[Path]:
    """Delete the temporary files that killed runs left beside `target`; return them."""
    target = Path(target)
    pattern = re.compile(re.escape(f".{target.stem}{TEMP_MARK}") + r"(\d+)-[^/]*" + re.escape(target.suffix) + "$")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        found = pattern.match(entry.name)
        if not found or not entry.is_file(follow_symlinks=False):
            continue
        pid = int(found.group(1))
        try:
            old = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
        except OSError:
            continue
        if old or (pid != os.getpid() and process_gone(pid)):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one step."""
    from .findings import Refusal

    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target)
        fd, name = tempfile.mkstemp(
            prefix=f".{target.stem}{TEMP_MARK}{os.getpid()}-", suffix=target.suffix, dir=target.parent
        )
    except OSError as exc:
        raise Refusal(str(target), "output-folder-unwritable", exc.strerror or type(exc).__name__) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        try:
            os.chmod(tmp, file_mode())
            os.replace(tmp, target)
        except PermissionError:  # on Windows: the file is open in Excel
            raise Refusal(str(target), "output-locked") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    """Atomically write bytes to a file."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)
