"""The house's walls: each outside library is imported in the one place that speaks to it."""

import ast
from pathlib import Path

import pytest

TOOLKIT = Path(__file__).resolve().parents[1] / "toolkit"

#: library → the toolkit modules allowed to import it (lazy imports inside functions count too).
BOUNDARIES = {
    "xlwings": {"macros.py", "excel.py", "xlsm.py"},  # the Excel adapters
    "click": {"cli.py"},
    "rich": {"cli.py"},
    "smtplib": {"mail/smtp.py"},
    "yagmail": {"mail/smtp.py"},
}
ONE_MODULE_EACH = ("imaplib", "imap_tools")  # IMAP: whichever library, in a single module


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


MODULES = {str(p.relative_to(TOOLKIT)): imports_of(p) for p in sorted(TOOLKIT.rglob("*.py"))}


@pytest.mark.parametrize("library", sorted(BOUNDARIES))
def test_library_is_imported_only_by_its_adapter(library):
    users = {name for name, imported in MODULES.items() if library in imported}
    assert users <= BOUNDARIES[library], f"{library} imported outside {sorted(BOUNDARIES[library])}: {sorted(users)}"


def test_imap_code_lives_in_one_module():
    users = {name for name, imported in MODULES.items() if imported & set(ONE_MODULE_EACH)}
    assert len(users) <= 1, f"IMAP libraries imported by several modules: {sorted(users)}"


def test_the_walk_sees_lazy_imports(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    import xlwings as xw\n    from click import echo\n", encoding="utf-8")
    assert imports_of(sample) == {"xlwings", "click"}
