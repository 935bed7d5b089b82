"""scripts/test-tools.sh waits for another apt's lock instead of failing at once (issue 17).

The lock is a real fcntl lock, as apt takes it, on a private apt cache folder (so the machine's
own apt is never locked); the script's `apt_get` runs the real `apt-get clean` on that folder.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import threading
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "test-tools.sh"


def test_a_held_apt_lock_is_waited_for(tmp_path):
    archives, lists = tmp_path / "cache" / "archives", tmp_path / "lists"
    for folder in (archives / "partial", lists / "partial"):
        folder.mkdir(parents=True)
    lock = os.open(archives / "lock", os.O_RDWR | os.O_CREAT, 0o640)
    fcntl.lockf(lock, fcntl.LOCK_EX)  # another apt is running
    threading.Timer(3, lambda: os.close(lock)).start()  # ...and ends in 3 s
    options = (
        f"-o Dir::Cache={tmp_path / 'cache'}/ -o Dir::Cache::Archives={archives}/ "
        f"-o Dir::State::Lists={lists}/ -o DPkg::Lock::Timeout=0"
    )
    done = subprocess.run(
        ["bash", "-c", f"source {SCRIPT}; APT_LOCK_POLL=1 APT_LOCK_WAIT=60 apt_get {options} clean"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr  # it failed at once: "Could not get lock"
    assert "apt is locked by another process, waiting" in done.stderr
