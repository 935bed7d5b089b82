"""The one base of every error a user can see: a Vietnamese sentence and its English.

Lỗi người dùng thấy: một câu tiếng Việt và câu tiếng Anh tương ứng.
The CLI, the Excel buttons and the mail jobs catch `AidkitError` and show `.vi` above `.en`.
"""

from __future__ import annotations


class AidkitError(Exception):
    """An error explained to the user; ``str(err)`` is "<tiếng Việt> / <English>"."""

    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(f"{vi} / {en}")
