"""One outputs rule for every writer, held by the command registry (issue 17, item 1).

Every command with an option naming a file or folder to write (a click.Path that need not exist) is
run against five things a person keeps: the control workbook, the ledger, a submission, an output of
that command someone edited since, and a foreign file with the right extension. Each is refused in
one bilingual sentence and left byte for byte as it was; an unchanged output of the command is
replaced. A command added with an output option and no row in WRITERS fails here.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import Workbook, load_workbook

from cluster import drop, make_cluster
from toolkit.cli import cli
from toolkit.ledger import Ledger, ledger_path


def output_options(command: click.Command) -> list[click.Option]:
    return [
        p
        for p in command.params
        if isinstance(p, click.Option) and isinstance(p.type, click.Path) and not p.type.exists
    ]


WRITING = sorted(name for name, command in cli.commands.items() if output_options(command))


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


class Cluster:
    """A control workbook, its ledger and three members' files in nop/ (86's has errors)."""

    def __init__(self, folder: Path):
        self.control = make_cluster(folder, provinces=("82", "86", "92"))
        self.nop = self.control.parent / "nop"
        for code, day, defects in (("82", 3, ()), ("86", 5, ("missing-value",)), ("92", 8, ())):
            drop(self.control, f"{code}.xlsx", code, date(2026, 7, day), defects=defects)
        with Ledger.for_control(self.control):
            pass
        self.ledger = ledger_path(self.control)
        self.folder = folder


#: command → (the extension of the file it writes, the name it writes in a folder or None for a file output,
#: how to call it to write `target`)
WRITERS = {
    "template": (".xlsx", None, lambda c, t: ["template", "-p", "92", "-k", "2026-H1", "-o", t]),
    "validate": (".xlsx", None, lambda c, t: ["validate", c.nop / "86.xlsx", "--annotate", t]),
    "consolidate": (".xlsx", None, lambda c, t: ["consolidate", c.nop, "--control", c.control, "-o", t]),
    "report": (
        ".docx",
        None,
        lambda c, t: ["report", "--control", c.control, "-k", "2026-H1", "-o", t, "--now", "2026-07-20"],
    ),
    "catalogue": (".html", "index.html", lambda c, t: ["catalogue", c.nop, "-o", t.parent]),
    "build-workbooks": (".xlsm", "aidkit-cum.xlsm", lambda c, t: ["build-workbooks", "--out", t.parent]),
}


def test_every_command_that_writes_is_held_by_the_rule():
    assert WRITING, "the registry walk found no command with an output option"
    assert sorted(WRITERS) == WRITING, "a command with an output option needs its row in WRITERS"


def edit(path: Path) -> None:
    """Change a file as a person would, in the application of its format."""
    if path.suffix == ".docx":
        doc = Document(str(path))
        doc.add_paragraph("Trưởng cụm bổ sung: kết quả nổi bật của Cần Thơ.")
        doc.save(str(path))
    elif path.suffix in (".xlsx", ".xlsm"):
        book = load_workbook(path, keep_vba=path.suffix == ".xlsm")
        book.worksheets[-1]["Z1"] = "ghi chú của tôi"
        book.save(path)
    else:
        path.write_text(path.read_text(encoding="utf-8").replace("</body>", "<p>Sửa tay</p></body>"), encoding="utf-8")


def foreign(path: Path) -> None:
    """A person's own file of that format."""
    if path.suffix == ".docx":
        doc = Document()
        doc.add_paragraph("Công văn của tôi")
        doc.save(str(path))
    elif path.suffix in (".xlsx", ".xlsm"):
        book = Workbook()
        book.active["A1"] = "Sổ tay của tôi"
        book.save(path)
    else:
        path.write_text("<html><body><h1>Trang của tôi</h1></body></html>", encoding="utf-8")


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def refused(result, path: Path, before: bytes) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Lỗi không mong muốn" not in result.output
    said = result.output
    assert ("Không ghi" in said or "phải có đuôi" in said) and ("Will not" in said or "must end in" in said), said
    assert path.read_bytes() == before, f"{path} was changed"


def placed(cluster: Cluster, command: str, source: Path, name: str) -> Path:
    """Where the command is pointed: `source` itself, or (a folder output) a copy of it under the name it writes."""
    _, folder_name, _ = WRITERS[command]
    if folder_name is None:
        return source
    target = cluster.folder / f"ra-{name}" / folder_name
    target.parent.mkdir()
    shutil.copy(source, target)
    return target


@pytest.mark.parametrize("command", WRITING)
def test_each_writer_refuses_what_a_person_keeps_and_replaces_its_own_output(tmp_path, command):
    suffix, folder_name, args = WRITERS[command]
    c = Cluster(tmp_path)
    for name, source in (("control", c.control), ("ledger", c.ledger), ("submission", c.nop / "82.xlsx")):
        target = placed(c, command, source, name)
        before, everything = target.read_bytes(), snapshot(tmp_path)
        refused(invoke(*args(c, target)), target, before)
        assert snapshot(tmp_path) == everything, "a refused run wrote something"

    ours = tmp_path / "ours" / (folder_name or f"out{suffix}")
    ours.parent.mkdir()
    first = invoke(*args(c, ours))
    assert first.exit_code in (0, 1) and ours.exists(), first.output
    again = invoke(*args(c, ours))  # its own, unchanged output: replaced
    assert again.exit_code in (0, 1), again.output
    edit(ours)
    before, everything = ours.read_bytes(), snapshot(tmp_path)
    refused(invoke(*args(c, ours)), ours, before)
    assert snapshot(tmp_path) == everything, "a refused run wrote something"

    theirs = tmp_path / "theirs" / (folder_name or f"out{suffix}")
    theirs.parent.mkdir()
    foreign(theirs)
    before, everything = theirs.read_bytes(), snapshot(tmp_path)
    refused(invoke(*args(c, theirs)), theirs, before)
    assert snapshot(tmp_path) == everything, "a refused run wrote something"
