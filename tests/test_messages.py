"""The message catalogue: every rule the code can raise has Vietnamese and English text."""

import re
from pathlib import Path

from toolkit.messages import MESSAGES, render

SOURCE = "\n".join(p.read_text(encoding="utf-8") for p in Path("toolkit").rglob("*.py"))
RAISED = (set(re.findall(r'(?:finding|BadValue)\(\s*"([a-z0-9-]+)"', SOURCE))
          | set(re.findall(r'(?:Refusal|Skipped)\(.*?"([a-z0-9-]+)"', SOURCE))
          | set(re.findall(r"(?:render|bilingual)\(['\"]([a-z0-9-]+)['\"]", SOURCE))
          | set(re.findall(r'\.of\(\s*"([a-z0-9-]+)"', SOURCE))  # AidkitError.of(key, ...)
          | set(re.findall(r'^\s+key = "([a-z0-9-]+)"', SOURCE, re.MULTILINE)))  # an error class naming its key


def test_every_raised_rule_has_both_languages():
    assert RAISED, "no rule codes found in the source"
    missing = RAISED - set(MESSAGES)
    assert not missing, f"rules without messages: {sorted(missing)}"


def test_every_message_is_used():
    unused = set(MESSAGES) - RAISED
    assert not unused, f"messages never raised: {sorted(unused)}"


def test_texts_differ_by_language_and_render_without_placeholders_left():
    for rule, (vi, en) in MESSAGES.items():
        assert vi and en and vi != en, rule
        for text in (render(rule, "vi", {}), render(rule, "en", {})):
            assert "{" not in text, rule


def test_counts_read_as_english_counts():
    from toolkit.messages import bilingual

    vi, en = bilingual("validate-done", errors=0, warnings=1)
    assert vi.startswith("Kiểm tra xong: 0 lỗi, 1 cảnh báo.") and en.startswith("Check done: 0 errors, 1 warning.")
    _, en = bilingual("collect-done", messages=1, submitted=2, aside=1, replies=3, notes_vi="", notes_en="")
    assert en == "Collect: 1 new message, 2 new submissions, 1 file set aside (sender not a member), 3 replies."
    assert all("(s)" not in en and "(ies)" not in en for _, en in MESSAGES.values())
