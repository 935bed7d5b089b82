"""The Windows bundle installs offline: every file its script names is in it, every wheel fits Windows."""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.utils import parse_wheel_filename

from toolkit.build_workbooks import INTERPRETER_WIN

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import windows_bundle  # noqa: E402


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "windows_bundle.py"), "--out", str(out)], check=True)
    [path] = out.glob("aidkit-windows-*.zip")
    folder = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(path) as package:
        package.extractall(folder)
    [top] = folder.iterdir()
    return path, top


def test_bundle_is_named_for_the_version(bundle):
    path, top = bundle
    assert path.name == f"aidkit-windows-{windows_bundle.project_version()}.zip"
    assert top.name == path.stem


def test_script_is_crlf_and_installs_from_the_bundle_only(bundle):
    _, top = bundle
    raw = (top / "cai-dat-aidkit.cmd").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # cmd.exe misreads labels in LF-only files
    script = raw.decode("utf-8")
    install = next(line for line in script.splitlines() if "pip install" in line)
    assert "--no-index" in install and '--find-links "%WHEELS%"' in install and "aidkit-lhh" in install
    assert not re.search(r"runas|HKLM|Program Files|\\Windows\\", script, re.I)  # nothing needs admin rights
    assert "@VERSION@" not in script


def test_every_file_the_script_names_is_in_the_bundle(bundle):
    _, top = bundle
    script = (top / "cai-dat-aidkit.cmd").read_text(encoding="utf-8")
    folders = dict(re.findall(r'set "(\w+)=%HERE%(\w+)"', script))
    named = [Path(folders[var]) / name for var, name in re.findall(r'%(\w+)%\\([\w.\-]+\.(?:whl|xlsm))', script)
             if var in folders]
    assert len(named) >= 3  # the project's wheel and both workbooks
    for relative in named:
        assert (top / relative).is_file(), f"the script names {relative}, which the bundle lacks"


def test_the_workbooks_point_at_the_python_the_script_creates(bundle):
    _, top = bundle
    script = (top / "cai-dat-aidkit.cmd").read_text(encoding="utf-8")
    venv = re.search(r'set "VENV=([^"]+)"', script).group(1)
    assert INTERPRETER_WIN == venv + r"\Scripts\pythonw.exe"


@pytest.mark.parametrize("python", windows_bundle.PYTHONS)
def test_every_requirement_resolves_for_windows(bundle, python):
    _, top = bundle
    wheels = top / "wheels"
    assert windows_bundle.missing_requirements(wheels, python) == []
    names = set(windows_bundle.wheels_for(wheels, python))
    assert {"aidkit-lhh", "xlwings", "pywin32", "pywin32-ctypes", "python-calamine", "openpyxl"} <= names
    manifest = json.loads((top / "manifest.json").read_text(encoding="utf-8"))
    assert python in manifest["pythons"] and len(manifest["wheels"][python]) == len(names)


def test_every_wheel_fits_windows_and_a_supported_python(bundle):
    _, top = bundle
    wheels = sorted((top / "wheels").glob("*.whl"))
    usable = set().union(*(windows_bundle.supported_tags(p) for p in windows_bundle.PYTHONS))
    for wheel in wheels:
        tags = parse_wheel_filename(wheel.name)[3]
        assert tags & usable, f"{wheel.name} installs on no supported Windows Python"
        assert all(t.platform in ("any", "win_amd64") for t in tags), wheel.name


def test_a_missing_windows_only_dependency_is_found(tmp_path):
    # Without pywin32, which only Windows' xlwings wheel asks for, the closure is incomplete.
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                    "--platform", "win_amd64", "--python-version", "3.12", "-d", str(tmp_path), "xlwings==0.37.8"],
                   check=True)
    assert windows_bundle.missing_requirements(tmp_path, "3.12", root="xlwings") == ["pywin32"]


@pytest.mark.parametrize("python", windows_bundle.PYTHONS)
def test_pip_resolves_the_install_offline_for_windows(bundle, python, tmp_path):
    # The install script's own pip command, as far as Linux can play it: no index, the bundle only,
    # wheels for win_amd64 and this Python version.
    _, top = bundle
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-index",
                           "--find-links", str(top / "wheels"), "--only-binary=:all:", "--platform", "win_amd64",
                           "--python-version", python, "--implementation", "cp", "--target", str(tmp_path / "t"),
                           "aidkit-lhh"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "aidkit-lhh-" in done.stdout and "xlwings-0.37" in done.stdout
