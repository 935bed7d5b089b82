"""Build dist/aidkit-windows-<version>-py3XX.zip, one per Python version: what a Windows office needs
to install aidkit offline.

Each bundle holds the project's wheel, every runtime dependency's wheel for `win_amd64` and that
CPython version (3.11 to 3.15: python.org's default download is 3.14 or 3.15 now), the two button
workbooks and one install script (`cai-dat-aidkit.cmd`) that needs no admin rights and installs
from the bundle only. One bundle per version keeps each small enough to travel (one for every
version was 121 MB); it travels by USB stick, Zalo or a shared drive, not by e-mail.

pip evaluates environment markers (``sys_platform == "win32"``) for the machine it runs on, not
for ``--platform``, so Windows-only dependencies (pywin32 for xlwings, pywin32-ctypes for keyring,
colorama for click) would be missed: after each download the requirements of every wheel are
evaluated for Windows and whatever is still missing is downloaded too, until nothing is.

Usage: python scripts/windows_bundle.py [--out dist] [--python 3.14 --python 3.15 ...]
"""

from __future__ import annotations

import argparse
import ast
import email.parser
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.11", "3.12", "3.13", "3.14", "3.15")
PLATFORM = "win_amd64"
DISTRIBUTION = "aidkit-lhh"
SCRIPT = ROOT / "scripts" / "windows" / "cai-dat-aidkit.cmd"
GUIDE = ROOT / "scripts" / "windows" / "HUONG-DAN.txt"
WORKBOOKS = ("aidkit-tinh.xlsm", "aidkit-cum.xlsm")


def project_version() -> str:
    """The version, from its one place: ``__version__`` in toolkit/__init__.py (pyproject reads it too)."""
    tree = ast.parse((ROOT / "toolkit" / "__init__.py").read_text(encoding="utf-8"))
    return next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(target, "id", "") == "__version__" for target in node.targets)
    )


def windows_environment(python: str) -> dict[str, str]:
    """Marker environment of CPython `python` (e.g. "3.12") on 64-bit Windows."""
    env = default_environment()
    env.update(
        sys_platform="win32",
        platform_system="Windows",
        os_name="nt",
        platform_machine="AMD64",
        python_version=python,
        python_full_version=f"{python}.0",
        implementation_name="cpython",
        platform_python_implementation="CPython",
        platform_release="10",
        platform_version="10.0",
    )
    return env


def supported_tags(python: str) -> set:
    """Every wheel tag CPython `python` on win_amd64 installs."""
    version = tuple(int(part) for part in python.split("."))
    abi = f"cp{version[0]}{version[1]}"
    return set(cpython_tags(version, [abi], [PLATFORM])) | set(compatible_tags(version, abi, [PLATFORM]))


def wheels_for(folder: Path, python: str) -> dict[str, Path]:
    """The wheels of `folder` that `python` on win_amd64 can install, by canonical project name."""
    tags = supported_tags(python)
    found = {}
    for wheel in sorted(folder.glob("*.whl")):
        name, _version, _build, wheel_tags = parse_wheel_filename(wheel.name)
        if wheel_tags & tags:
            found[canonicalize_name(name)] = wheel
    return found


def requirements_of(wheel: Path) -> list[Requirement]:
    """The Requires-Dist lines of a wheel's METADATA."""
    with zipfile.ZipFile(wheel) as package:
        metadata = next(n for n in package.namelist() if n.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(package.read(metadata).decode("utf-8"))
    return [Requirement(line) for line in message.get_all("Requires-Dist") or []]


def missing_requirements(folder: Path, python: str, root: str = DISTRIBUTION) -> list[str]:
    """Requirements (evaluated for Windows and `python`) reachable from `root` that no wheel satisfies."""
    available = wheels_for(folder, python)
    env = windows_environment(python)
    missing, seen, todo = [], set(), [(canonicalize_name(root), "")]
    while todo:
        name, extra = todo.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        wheel = available.get(name)
        if wheel is None:
            missing.append(name)
            continue
        for req in requirements_of(wheel):
            if req.marker and not req.marker.evaluate({**env, "extra": extra}):
                continue
            dependency = canonicalize_name(req.name)
            dep_wheel = available.get(dependency)
            if dep_wheel is not None and not req.specifier.contains(
                parse_wheel_filename(dep_wheel.name)[1], prereleases=True
            ):
                missing.append(str(req))
                continue
            todo.extend((dependency, wanted) for wanted in (req.extras or {""}))
            todo.append((dependency, ""))
    return sorted(set(missing))


def download(requirements: list[str], folder: Path, python: str) -> None:
    """pip download wheels of `requirements` for CPython `python` on win_amd64 into `folder`."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--disable-pip-version-check",
            "--only-binary=:all:",
            "--platform",
            PLATFORM,
            "--implementation",
            "cp",
            "--python-version",
            python,
            "--find-links",
            str(folder),
            "-d",
            str(folder),
            *requirements,
        ],
        check=True,
    )


def build_project_wheel(folder: Path) -> Path:
    """Build this project's wheel into `folder`."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--disable-pip-version-check",
            "--no-deps",
            "-w",
            str(folder),
            str(ROOT),
        ],
        check=True,
    )
    return next(folder.glob("aidkit_lhh-*.whl"))


def collect_wheels(folder: Path, pythons: tuple[str, ...]) -> None:
    """Fill `folder` with every wheel the project needs on Windows for each Python of `pythons`."""
    for python in pythons:
        wanted = [DISTRIBUTION]
        for _round in range(10):
            download(wanted, folder, python)
            wanted = missing_requirements(folder, python)
            if not wanted:
                break
        else:
            raise SystemExit(f"Python {python}: no wheel for {', '.join(wanted)}")


def bundle_name(version: str, python: str) -> str:
    """``aidkit-windows-0.9.0-py314``: the bundle of aidkit `version` for CPython `python`."""
    return f"aidkit-windows-{version}-py{python.replace('.', '')}"


def build_bundles(out_dir: Path, pythons: tuple[str, ...] = PYTHONS) -> list[Path]:
    """Write `out_dir/aidkit-windows-<version>-py3XX.zip` for each Python, atomically; return their paths."""
    version = project_version()
    with tempfile.TemporaryDirectory() as work:
        wheels = Path(work) / "wheels"
        wheels.mkdir()
        build_project_wheel(wheels)
        collect_wheels(wheels, pythons)
        out_dir.mkdir(parents=True, exist_ok=True)
        return [
            _write_bundle(out_dir, version, python, sorted(wheels_for(wheels, python).values())) for python in pythons
        ]


def _write_bundle(out_dir: Path, version: str, python: str, wheels: list[Path]) -> Path:
    name = bundle_name(version, python)
    manifest = {"version": version, "platform": PLATFORM, "python": python, "wheels": [w.name for w in wheels]}
    target = out_dir / f"{name}.zip"
    partial = out_dir / f".{name}.zip.partial"
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
        for source in (SCRIPT, GUIDE):
            text = source.read_text(encoding="utf-8").replace("@VERSION@", version).replace("@PYTHON@", python)
            bundle.writestr(f"{name}/{source.name}", text.replace("\r\n", "\n").replace("\n", "\r\n"))
        bundle.writestr(f"{name}/manifest.json", json.dumps(manifest, indent=2))
        for workbook in WORKBOOKS:
            bundle.write(ROOT / "workbooks" / workbook, f"{name}/workbooks/{workbook}")
        for wheel in wheels:
            bundle.write(wheel, f"{name}/wheels/{wheel.name}", compress_type=zipfile.ZIP_STORED)
    os.chmod(partial, 0o666 & ~_umask())
    os.replace(partial, target)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--python", action="append", dest="pythons")
    args = parser.parse_args()
    for target in build_bundles(args.out, tuple(args.pythons or PYTHONS)):
        with zipfile.ZipFile(target) as bundle:
            wheels = [n for n in bundle.namelist() if n.endswith(".whl")]
        print(f"{target} ({target.stat().st_size / 1e6:.1f} MB, {len(wheels)} wheels)")


if __name__ == "__main__":
    main()
