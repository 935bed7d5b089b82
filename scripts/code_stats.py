"""Figures of the code for the release note: the longest functions and those with the most positional parameters.

Run: .venv/bin/python scripts/code_stats.py [--top N]. Reads toolkit/ with `ast`; lines count from `def` to the
function's last line (docstring included); positional parameters leave out `self` and `cls` (options after `*`
are keyword-only and not counted).
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

TOOLKIT = Path(__file__).resolve().parents[1] / "toolkit"


def functions(root: Path = TOOLKIT):
    """(module path, qualified name, lines, positional parameters) of every function under `root`."""
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        yield from _walk(tree, str(path.relative_to(root.parent)), "")


def _walk(node, module: str, prefix: str):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = f"{prefix}{child.name}"
            positional = [a.arg for a in child.args.posonlyargs + child.args.args if a.arg not in ("self", "cls")]
            yield module, name, child.end_lineno - child.lineno + 1, len(positional)
            yield from _walk(child, module, f"{name}.")
        elif isinstance(child, ast.ClassDef):
            yield from _walk(child, module, f"{prefix}{child.name}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=5)
    top = parser.parse_args().top
    found = list(functions())
    print(f"{len(found)} functions in toolkit/")
    print("longest:")
    for module, name, lines, _ in sorted(found, key=lambda f: -f[2])[:top]:
        print(f"  {lines:4d} lines  {module}:{name}")
    print("most positional parameters:")
    for module, name, _, positional in sorted(found, key=lambda f: -f[3])[:top]:
        print(f"  {positional:4d}        {module}:{name}")


if __name__ == "__main__":
    main()
