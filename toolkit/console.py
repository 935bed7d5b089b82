"""Every console: UTF-8 on every standard stream whatever the code page, and no stream missing.

Windows writes a redirected stream (the daily job's ``aidkit-job.log``) in the ANSI code page on
Python 3.11-3.13: cp1252, or cp1258 on Vietnamese Windows, which cannot encode precomposed letters
such as "ụ". Under ``pythonw`` (the Excel buttons) ``sys.stdout`` and ``sys.stderr`` are None.
"""

from __future__ import annotations

import codecs
import os
import sys


def utf8_streams() -> None:
    """Reconfigure stdin, stdout and stderr to UTF-8; give a missing one (None) the null device."""
    for name in ("stdin", "stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "r" if name == "stdin" else "w", encoding="utf-8"))  # noqa: SIM115
        elif _encoding(stream) != "utf-8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace" if name == "stdin" else "backslashreplace")


def _encoding(stream) -> str:
    try:
        return codecs.lookup(stream.encoding or "ascii").name
    except LookupError:
        return ""
