"""aidkit password: the mail password goes into the keyring of the Python that runs aidkit.

A real keyring (keyrings.alt's file backend, in a temporary folder) stands for Windows Credential
Manager; the installed `aidkit` runs in a subprocess and reads the password from its standard input.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AIDKIT = Path(sys.executable).with_name("aidkit")


def environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "HOME": str(tmp_path),
    }


def test_the_password_is_stored_where_the_mail_commands_look(tmp_path):
    env = environment(tmp_path)
    done = subprocess.run(
        [str(AIDKIT), "password", "lhh.cum5@example.vn"],
        input="S3cret-ư\nS3cret-ư\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Đã lưu mật khẩu của lhh.cum5@example.vn" in done.stdout and "S3cret" not in done.stdout + done.stderr
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "from toolkit.mail.settings import stored_password;"
            "print(stored_password('lhh.cum5@example.vn', 'UNSET_VARIABLE', {}))",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert read.stdout.strip() == "S3cret-ư"


def test_two_different_entries_store_nothing(tmp_path):
    env = environment(tmp_path)
    done = subprocess.run(
        [str(AIDKIT), "password", "lhh.cum5@example.vn"],
        input="one\ntwo\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2 and not (tmp_path / "data").exists()


def test_no_keyring_is_one_sentence(tmp_path):
    env = {**environment(tmp_path), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    done = subprocess.run(
        [str(AIDKIT), "password", "a@b.vn"], input="x\nx\n", capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 2 and "AIDKIT_SMTP_PASSWORD" in done.stderr and "Traceback" not in done.stderr
