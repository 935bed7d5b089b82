import shutil
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
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", to, "--outdir", str(out_dir), str(source)],
                       check=True, capture_output=True, timeout=180)
        out = out_dir / f"{source.stem}.{to.split(':')[0]}"
        assert out.exists(), f"LibreOffice could not convert {source.name} (soffice exits 0 even on failure)"
        return out

    return convert
