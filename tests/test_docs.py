"""Every command has help text with an example of use or a description, and the README names it."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def test_the_cli_has_the_commands_of_the_issues():
    assert {
        "template",
        "validate",
        "consolidate",
        "status",
        "remind",
        "acknowledge",
        "send-report",
        "schedule",
        "build-workbooks",
    } <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_bilingual_help_and_is_in_the_readme(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    summary = cli.commands[name].help.strip().splitlines()[0]
    assert " / " in summary, f"{name}: the first help line should be Vietnamese / English"
    assert f"aidkit {name}" in README, f"README does not mention `aidkit {name}`"


MARKDOWN = sorted(
    p
    for p in ROOT.rglob("*.md")
    if ".venv" not in p.parts and "corpus" not in p.parts and "demo-output" not in p.parts and "dist" not in p.parts
)


def _tracked_files():
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode != 0:  # not a checkout (an unpacked sdist): every file below the root
        return [p for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    return [ROOT / name for name in listed.stdout.decode().split("\0") if name]


def test_no_tracked_file_reaches_outside_the_repository():
    offenders = []
    for path in _tracked_files():
        if not path.is_file():
            continue
        data = path.read_bytes()
        if any(b".." + sep + b"shared" in data for sep in (b"/", b"\\")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], f"these files refer to the shared folder beside the repository: {offenders}"


@pytest.mark.parametrize("doc", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_of_the_docs_resolves(doc):
    import re

    text = doc.read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        if not (doc.parent / target.split("#")[0]).exists():
            broken.append(target)
    assert broken == [], f"{doc.name}: broken links {broken}"


def test_readme_tables_have_no_blank_line_inside():
    lines = README.splitlines()
    for before, blank, after in zip(lines, lines[1:], lines[2:], strict=False):
        assert not (before.startswith("|") and blank.strip() == "" and after.startswith("| `")), (
            f"a table is split by a blank line before: {after[:60]}"
        )


def test_every_module_has_its_test_file_or_the_readme_says_which_tests_hold_it():
    table = README[README.index("| module | tested by |") :]
    named = set(re.findall(r"`([\w/*.]+\.py)`", table[: table.index("\n\n")]))
    own = {p.stem.removeprefix("test_").removeprefix("cli_") for p in (ROOT / "tests").glob("test_*.py")}
    toolkit = ROOT / "toolkit"
    alone = [
        rel
        for p in sorted(toolkit.rglob("*.py"))
        if p.name != "__init__.py"
        and p.stem not in own
        and (rel := p.relative_to(toolkit).as_posix()).removesuffix(".py").replace("/", "_") not in own
        and rel not in named
        and not any(n.endswith("/*.py") and rel.startswith(n[:-4]) for n in named)
    ]
    assert not alone, f"modules without tests/test_<module>.py and without a row in README's table: {alone}"
