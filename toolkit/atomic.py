"""Write files so that a reader never sees half of one: temp file, then rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one step."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except PermissionError:  # on Windows: the file is open in Excel
            from .findings import Refusal

            raise Refusal(str(target), "output-locked") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    """Atomically write bytes to a file."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)
