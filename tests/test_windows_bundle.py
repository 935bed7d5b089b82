"""The Windows bundle installs offline: every file its script names is in it, every wheel fits Windows."""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.utils import parse_wheel_filename

from toolkit.excel.build_workbooks import INTERPRETER_WIN

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import windows_bundle  # noqa: E402


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """Every per-Python bundle, built once and unzipped: python → (zip, its top folder)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "windows_bundle.py"), "--out", str(out)], check=True)
    found = {}
    for python in windows_bundle.PYTHONS:
        path = out / f"{windows_bundle.bundle_name(windows_bundle.project_version(), python)}.zip"
        folder = tmp_path_factory.mktemp(f"unzipped{python}")
        with zipfile.ZipFile(path) as package:
            package.extractall(folder)
        [top] = folder.iterdir()
        found[python] = path, top
    assert sorted(p.name for p in out.iterdir()) == sorted(path.name for path, _ in found.values())
    return found


@pytest.fixture(scope="module")
def bundle(bundles):
    return bundles["3.14"]


def test_there_is_a_bundle_for_each_python_from_311_to_315(bundles):
    assert windows_bundle.PYTHONS == ("3.11", "3.12", "3.13", "3.14", "3.15")
    for python, (path, top) in bundles.items():
        assert path.name == f"aidkit-windows-{windows_bundle.project_version()}-py{python.replace('.', '')}.zip"
        assert top.name == path.stem
        script = (top / "cai-dat-aidkit.cmd").read_text(encoding="utf-8")
        assert f"py -{python} " in script and "@PYTHON@" not in script
        assert json.loads((top / "manifest.json").read_text(encoding="utf-8"))["python"] == python


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
    named = [
        Path(folders[var]) / name
        for var, name in re.findall(r"%(\w+)%\\([\w.\-]+\.(?:whl|xlsm))", script)
        if var in folders
    ]
    assert len(named) >= 3  # the project's wheel and both workbooks
    for relative in named:
        assert (top / relative).is_file(), f"the script names {relative}, which the bundle lacks"


def test_the_workbooks_point_at_the_python_the_script_creates(bundle):
    _, top = bundle
    script = (top / "cai-dat-aidkit.cmd").read_text(encoding="utf-8")
    venv = re.search(r'set "VENV=([^"]+)"', script).group(1)
    assert INTERPRETER_WIN == venv + r"\Scripts\pythonw.exe"


@pytest.mark.parametrize("python", windows_bundle.PYTHONS)
def test_every_requirement_resolves_for_windows(bundles, python):
    _, top = bundles[python]
    wheels = top / "wheels"
    assert windows_bundle.missing_requirements(wheels, python) == []
    names = set(windows_bundle.wheels_for(wheels, python))
    assert {"aidkit-lhh", "xlwings", "pywin32", "pywin32-ctypes", "python-calamine", "openpyxl"} <= names
    manifest = json.loads((top / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["python"] == python and len(manifest["wheels"]) == len(names)


@pytest.mark.parametrize("python", windows_bundle.PYTHONS)
def test_every_wheel_fits_windows_and_the_bundles_python(bundles, python):
    _, top = bundles[python]
    usable = windows_bundle.supported_tags(python)
    for wheel in sorted((top / "wheels").glob("*.whl")):
        tags = parse_wheel_filename(wheel.name)[3]
        assert tags & usable, f"{wheel.name} does not install on Windows Python {python}"
        assert all(t.platform in ("any", "win_amd64") for t in tags), wheel.name


def test_a_missing_windows_only_dependency_is_found(tmp_path):
    # Without pywin32, which only Windows' xlwings wheel asks for, the closure is incomplete.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--only-binary=:all:",
            "--platform",
            "win_amd64",
            "--python-version",
            "3.12",
            "-d",
            str(tmp_path),
            "xlwings==0.37.8",
        ],
        check=True,
    )
    assert windows_bundle.missing_requirements(tmp_path, "3.12", root="xlwings") == ["pywin32"]


@pytest.mark.parametrize("python", windows_bundle.PYTHONS)
def test_pip_resolves_the_install_offline_for_windows(bundles, python, tmp_path):
    # The install script's own pip command, as far as Linux can play it: no index, the bundle only,
    # wheels for win_amd64 and this Python version.
    _, top = bundles[python]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--no-index",
            "--find-links",
            str(top / "wheels"),
            "--only-binary=:all:",
            "--platform",
            "win_amd64",
            "--python-version",
            python,
            "--implementation",
            "cp",
            "--target",
            str(tmp_path / "t"),
            "aidkit-lhh",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "aidkit-lhh-" in done.stdout and "xlwings-0.37" in done.stdout


def test_the_script_quotes_every_path_it_echoes_and_asks_windows_for_documents(bundle):
    _, top = bundle
    script = (top / "cai-dat-aidkit.cmd").read_text(encoding="utf-8")
    echoes = [line for line in script.splitlines() if line.lstrip().startswith("echo ")]
    for line in echoes:  # a profile folder named "Nguyễn & Lê" must not run "Lê" as a command
        for variable in ("%USERNAME%", "%VENV%", "%DOCS%", "%MYDOCS%", "%LAUNCHER_DIR%"):
            for at in [i for i in range(len(line)) if line.startswith(variable, i)]:
                assert line[:at].count('"') % 2 == 1, f"unquoted {variable}: {line}"
    assert "[Environment]::GetFolderPath('MyDocuments')" in script  # OneDrive, folder redirection
    assert "%USERPROFILE%\\Documents" not in script.split("if not defined MYDOCS")[0]


def test_the_script_recreates_a_venv_whose_python_is_gone_and_puts_aidkit_on_path(bundle):
    _, top = bundle
    script = (top / "cai-dat-aidkit.cmd").read_text(encoding="utf-8")
    check = script.index('"%VENV%\\Scripts\\python.exe" -c "import sys; sys.exit(0 if sys.version_info[:2] ==')
    assert check < script.index('rmdir /s /q "%VENV%"') < script.index("\n:make_venv")
    assert '> "%LAUNCHER_DIR%\\aidkit.cmd" echo @"%VENV%\\Scripts\\aidkit.exe" %%*' in script
    assert 'set "LAUNCHER_DIR=%LOCALAPPDATA%\\Microsoft\\WindowsApps"' in script
