import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest


@pytest.fixture
def soffice_convert(tmp_path):
    """Convert a file with LibreOffice headless; returns the output path (asserted to exist)."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed for tests marked office: apt-get install libreoffice-calc-nogui"

    def convert(source: Path, to: str = "pdf") -> Path:
        out_dir = tmp_path / f"converted-{to}"
        out_dir.mkdir(exist_ok=True)
        profile = tmp_path / "lo-profile"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                to,
                "--outdir",
                str(out_dir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        out = out_dir / f"{source.stem}.{to.split(':')[0]}"
        assert out.exists(), f"LibreOffice could not convert {source.name} (soffice exits 0 even on failure)"
        return out

    return convert


FAKE_CRONTAB = """#!/bin/sh
# crontab -l / crontab - against a file, like the real one against the user's table
if [ "$1" = "-l" ]; then
  if [ -f "$FAKE_CRONTAB_FILE" ]; then cat "$FAKE_CRONTAB_FILE"; else echo "no crontab for tester" >&2; exit 1; fi
elif [ "$1" = "-" ]; then
  cat > "$FAKE_CRONTAB_FILE"
else
  exit 2
fi
"""


@pytest.fixture
def crontab(tmp_path, monkeypatch):
    """A fake `crontab` first on PATH; returns the file holding the table."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "crontab"
    script.write_text(FAKE_CRONTAB)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    table = tmp_path / "table"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_CRONTAB_FILE", str(table))
    return table
