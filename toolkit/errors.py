"""The one base of every error a user can see: a Vietnamese sentence and its English.

Lỗi người dùng thấy: một câu tiếng Việt và câu tiếng Anh tương ứng.
The CLI, the Excel buttons and the mail jobs catch `AidkitError` and show `.vi` above `.en`.
An error made with `AidkitError.of(key, ...)` names its sentence, a keyed entry of toolkit/sentences.py.
"""

from __future__ import annotations

from typing import Any


class AidkitError(Exception):
    """An error explained to the user; ``str(err)`` is "<tiếng Việt> / <English>"."""

    key: str | None = None  # the sentence's key in messages.SENTENCES, when it has one

    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(f"{vi} / {en}")

    @classmethod
    def of(cls, key: str, **context: Any):
        """The error whose sentence is `key` of messages.SENTENCES, filled from `context`."""
        from .sentences import bilingual

        error = cls(*bilingual(key, **context))
        error.key = key
        return error
