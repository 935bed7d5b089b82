"""Sentences live in toolkit/sentences.py: an error names its key instead of writing Vietnamese inline."""

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import openpyxl
import pytest

import toolkit
from toolkit import schema
from toolkit.control import ControlError, read_control
from toolkit.errors import AidkitError
from toolkit.periods import BadPeriod, Period
from toolkit.sentences import SENTENCES, bilingual, render

TOOLKIT = Path(__file__).resolve().parents[1] / "toolkit"
#: Every module: its errors are keyed sentences.
KEYED = sorted(p.relative_to(TOOLKIT).as_posix() for p in TOOLKIT.rglob("*.py"))
for _module in pkgutil.walk_packages(toolkit.__path__, "toolkit."):  # every error class joins the walk
    importlib.import_module(_module.name)


def _user_facing(cls=AidkitError) -> set[str]:
    """The error classes whose arguments are sentences (a Refusal takes a key and a detail)."""
    names = {cls.__name__}.union(*(_user_facing(sub) for sub in cls.__subclasses__()))
    return names - {"Refusal"}


def _sentence(arg: ast.expr) -> bool:
    """A literal or f-string with Vietnamese in it (a key such as "ledger-locked" or a detail has none)."""
    parts = arg.values if isinstance(arg, ast.JoinedStr) else [arg]
    return any(isinstance(p, ast.Constant) and isinstance(p.value, str) and not p.value.isascii() for p in parts)


def _is_super_init(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and getattr(func.value.func, "id", "") == "super"
    )


def inline_sentences(path: Path) -> list[int]:
    """Lines where an error a user sees is raised (or built, in its __init__) with its sentence written out."""
    names, lines = _user_facing(), []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        call = node.exc if isinstance(node, ast.Raise) else node if isinstance(node, ast.Call) else None
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if (name in names or _is_super_init(func)) and any(_sentence(a) for a in call.args):
            lines.append(node.lineno)
    return sorted(set(lines))


@pytest.mark.parametrize("module", KEYED)
def test_errors_of_the_module_are_keyed_sentences(module):
    assert inline_sentences(TOOLKIT / module) == []


#: The mail jobs, whose output notes are keyed sentences too.
NOTED = (
    "mail/acknowledge.py",
    "mail/collect.py",
    "mail/job.py",
    "mail/open_period.py",
    "mail/postman.py",
    "mail/remind.py",
    "mail/send_report.py",
)


def inline_notes(path: Path) -> list[int]:
    """Lines where a job's output gets a (Vietnamese, English) note written out instead of a keyed sentence."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"):
            continue
        target = node.func.value
        named = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if named == "notes" and node.args and isinstance(node.args[0], ast.Tuple):
            if any(_sentence(element) for element in node.args[0].elts):
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("module", NOTED)
def test_the_notes_of_the_mail_jobs_are_keyed_sentences(module):
    assert inline_notes(TOOLKIT / module) == []


def test_the_note_walk_sees_an_inline_note(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text(
        'def f(result, x):\n    result.notes.append((f"{x}: không hợp lệ.", f"{x}: invalid."))\n'
        '    result.notes.append(bilingual("note-all-valid", period=x))\n',
        encoding="utf-8",
    )
    assert inline_notes(sample) == [2]


def test_the_walk_sees_an_inline_sentence(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text(
        'def f(x):\n    raise ControlError(f"Kỳ {x} sai.", "bad")\n'
        '    raise ControlError.of("control-no-sheet")\n'
        'class E(AidkitError):\n    def __init__(self):\n        super().__init__("Sai.", "Wrong.")\n'
        '        super().__init__("Lỗi.", "Wrong.")\n',
        encoding="utf-8",
    )
    assert inline_sentences(sample) == [2, 7]


def test_the_period_sentence_is_written_once_and_named():
    with pytest.raises(BadPeriod) as caught:
        Period.parse("2026-H3")
    assert caught.value.key == "period-invalid" and isinstance(caught.value, AidkitError)
    assert (caught.value.vi, caught.value.en) == bilingual("period-invalid", value="2026-H3")
    sources = "\n".join(p.read_text(encoding="utf-8") for p in TOOLKIT.rglob("*.py") if p.name != "sentences.py")
    assert "không đúng dạng 2026-H1" not in sources


def test_a_control_error_names_its_sentence(tmp_path):
    path = tmp_path / "dieu-hanh.xlsx"
    book = openpyxl.Workbook()
    book.active.title = schema.SETTINGS_SHEET.vi
    book.save(path)
    with pytest.raises(ControlError) as caught:
        read_control(path)
    assert caught.value.key in SENTENCES
    assert caught.value.key.startswith("control-")


# --- the table: every rule the code can raise has Vietnamese and English text ---------------------

SOURCE = "\n".join(p.read_text(encoding="utf-8") for p in Path("toolkit").rglob("*.py"))
RAISED = (
    set(re.findall(r'(?:finding|BadValue)\(\s*"([a-z0-9-]+)"', SOURCE))
    | set(re.findall(r'(?:Refusal|Skipped)\((?s:.{0,300}?)"([a-z0-9-]+)"', SOURCE))
    | set(re.findall(r"(?:render|bilingual)\(\s*['\"]([a-z0-9-]+)['\"]", SOURCE))
    | set(re.findall(r'\.of\(\s*"([a-z0-9-]+)"', SOURCE))  # AidkitError.of(key, ...)
    | set(re.findall(r'^\s+key = "([a-z0-9-]+)"', SOURCE, re.MULTILINE))
)  # an error class naming its key


def test_every_raised_rule_has_both_languages():
    assert RAISED, "no rule codes found in the source"
    missing = RAISED - set(SENTENCES)
    assert not missing, f"rules without messages: {sorted(missing)}"


def test_every_message_is_used():
    unused = set(SENTENCES) - RAISED
    assert not unused, f"messages never raised: {sorted(unused)}"


def test_texts_differ_by_language_and_render_without_placeholders_left():
    for rule, (vi, en) in SENTENCES.items():
        assert vi and en and vi != en, rule
        for text in (render(rule, "vi", {}), render(rule, "en", {})):
            assert "{" not in text, rule


def test_counts_read_as_english_counts():
    from toolkit.sentences import bilingual

    vi, en = bilingual("validate-done", errors=0, warnings=1)
    assert vi.startswith("Kiểm tra xong: 0 lỗi, 1 cảnh báo.") and en.startswith("Check done: 0 errors, 1 warning.")
    _, en = bilingual("collect-done", messages=1, submitted=2, aside=1, replies=3, notes_vi="", notes_en="")
    assert en == "Collect: 1 new message, 2 new submissions, 1 file set aside (sender not a member), 3 replies."
    assert all("(s)" not in en and "(ies)" not in en for _, en in SENTENCES.values())
