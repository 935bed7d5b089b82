"""The house's walls: each outside library is imported in the one place that speaks to it, no import cycle,
and a button press or `aidkit validate` imports only what it uses."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.sample import sample_workbook

TOOLKIT = Path(__file__).resolve().parents[1] / "toolkit"

#: library → the toolkit modules allowed to import it (lazy imports inside functions count too).
BOUNDARIES = {
    "xlwings": {"macros.py", "excel/book.py", "excel/xlsm.py"},  # the Excel adapters
    "click": {"cli.py", "usage.py"},  # the CLI and its Vietnamese usage errors
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


def toolkit_imports(path: Path) -> set[str]:
    """The toolkit modules a module imports (relative imports, lazy ones included), as dotted names."""
    name = "toolkit." + ".".join(path.relative_to(TOOLKIT).with_suffix("").parts)
    package = name.removesuffix(".__init__") if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in PACKAGE_MODULES else target)
    return found & PACKAGE_MODULES


PACKAGE_MODULES = {
    "toolkit." + ".".join(p.relative_to(TOOLKIT).with_suffix("").parts).removesuffix(".__init__")
    for p in TOOLKIT.rglob("*.py")
}


def test_no_import_cycle_lazy_imports_included():
    graph = {
        ("toolkit." + ".".join(p.relative_to(TOOLKIT).with_suffix("").parts)).removesuffix(
            ".__init__"
        ): toolkit_imports(p)
        for p in TOOLKIT.rglob("*.py")
    }
    for start in graph:  # a walk from each module must never come back to it
        seen, stack = set(), list(graph[start] - {start})
        while stack:
            module = stack.pop()
            assert module != start, f"{start} imports itself back through {sorted(seen)}"
            if module not in seen:
                seen.add(module)
                stack.extend(graph.get(module, ()))


def test_the_cycle_walk_sees_lazy_and_package_relative_imports():
    lazy = toolkit_imports(TOOLKIT / "consolidation" / "consolidate.py")  # both imported inside functions
    assert {"toolkit.consolidation.workbook", "toolkit.control"} <= lazy
    assert "toolkit.mail.smtp" in toolkit_imports(TOOLKIT / "mail" / "postman.py")  # from . import smtp


def unit_of(module: str) -> str:
    """A module's room: its subpackage of toolkit (toolkit.mail), or the module itself when it sits flat."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else module


def test_no_package_loop_a_flat_module_and_a_package_never_import_each_other():
    graph = {
        ("toolkit." + ".".join(p.relative_to(TOOLKIT).with_suffix("").parts)).removesuffix(
            ".__init__"
        ): toolkit_imports(p)
        for p in TOOLKIT.rglob("*.py")
    }
    edges = {(unit_of(a), unit_of(b)) for a, targets in graph.items() for b in targets if unit_of(a) != unit_of(b)}
    loops = sorted((a, b) for a, b in edges if (b, a) in edges and a < b)
    assert not loops, f"rooms that import each other: {loops}"


#: What a button press pays first: `import toolkit.macros` (xlwings and the sentences); each button imports
#: the rest itself. pandas and numpy are hidden as in the bench: xlwings imports them whenever they are there.
BUTTONS_IMPORT = "import sys; sys.modules['pandas'] = sys.modules['numpy'] = None; import toolkit.macros"
NOT_FOR_A_BUTTON = {
    "click",
    "rich",
    "jinja2",
    "docx",
    "openpyxl",
    "xlsxwriter",
    "sqlite3",
    "python_calamine",
    "email",
    "smtplib",
    "imaplib",
}
#: `aidkit validate FILE` reads and checks: no e-mail, ledger, Word, Excel-app or workbook-writing library.
NOT_FOR_VALIDATE = {
    "xlwings",
    "rich",
    "jinja2",
    "docx",
    "PIL",
    "openpyxl",
    "xlsxwriter",
    "sqlite3",
    "email",
    "smtplib",
    "imaplib",
    "pandas",
    "numpy",
    "hashlib",
    "toolkit.annotate",
    "toolkit.ledger",
    "toolkit.mail",
    "toolkit.consolidation",
    "toolkit.catalogue",
    "toolkit.excel",
    "toolkit.report",
}
MODULES_AT_EXIT = (
    "import atexit, sys; listing = sys.argv[1]; "
    "atexit.register(lambda: open(listing, 'w').write('\\n'.join(sys.modules))); "
    "sys.argv = ['aidkit', 'validate', sys.argv[2]]; from toolkit.__main__ import main; main()"
)


def modules_imported(tmp_path, code: str, *args: str) -> set[str]:
    """The modules a fresh interpreter has imported when it exits (run outside the repository, so the
    installed toolkit is the one imported)."""
    listing = tmp_path / "modules.txt"
    done = subprocess.run(
        [sys.executable, "-c", code, str(listing), *args], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode in (0, 1), done.stderr
    return set(listing.read_text(encoding="utf-8").split("\n"))


def test_import_toolkit_macros_imports_no_toolkit_module_a_button_does_not_share(tmp_path):
    code = BUTTONS_IMPORT + "; open(sys.argv[1], 'w').write('\\n'.join(sys.modules))"
    modules = modules_imported(tmp_path, code)
    assert "xlwings" in modules and "toolkit.macros" in modules
    assert {m for m in modules if m.startswith("toolkit")} == {
        "toolkit",
        "toolkit.macros",
        "toolkit.errors",
        "toolkit.sentences",
    }
    assert not {m.split(".")[0] for m in modules} & NOT_FOR_A_BUTTON


def test_aidkit_validate_imports_only_what_reading_and_checking_use(tmp_path):
    path = sample_workbook(tmp_path / "92.xlsx", "92", "2026-H1", seed=2).path
    modules = modules_imported(tmp_path, MODULES_AT_EXIT, str(path))
    assert {"click", "python_calamine", "toolkit.reader", "toolkit.checks.rows"} <= modules  # it did the work
    packages = {m.split(".")[0] for m in modules} | {".".join(m.split(".")[:2]) for m in modules}
    assert not packages & NOT_FOR_VALIDATE, sorted(packages & NOT_FOR_VALIDATE)
