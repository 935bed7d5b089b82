"""The house's walls: each outside library is imported in the one place that speaks to it."""

import ast
from pathlib import Path

import pytest

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
            base = package.split(".")[:len(package.split(".")) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in PACKAGE_MODULES else target)
    return found & PACKAGE_MODULES


PACKAGE_MODULES = {"toolkit." + ".".join(p.relative_to(TOOLKIT).with_suffix("").parts).removesuffix(".__init__")
                   for p in TOOLKIT.rglob("*.py")}


def test_no_import_cycle_lazy_imports_included():
    graph = {("toolkit." + ".".join(p.relative_to(TOOLKIT).with_suffix("").parts)).removesuffix(".__init__"):
             toolkit_imports(p) for p in TOOLKIT.rglob("*.py")}
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
    graph = {("toolkit." + ".".join(p.relative_to(TOOLKIT).with_suffix("").parts)).removesuffix(".__init__"):
             toolkit_imports(p) for p in TOOLKIT.rglob("*.py")}
    edges = {(unit_of(a), unit_of(b)) for a, targets in graph.items() for b in targets if unit_of(a) != unit_of(b)}
    loops = sorted((a, b) for a, b in edges if (b, a) in edges and a < b)
    assert not loops, f"rooms that import each other: {loops}"
