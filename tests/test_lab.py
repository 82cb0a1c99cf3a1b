"""`make lab`, the learner's first command, starts JupyterLab as root too, and with a
home folder it cannot write to."""
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checks.engine.source import ROOT

VENV = Path(sys.prefix)


@pytest.mark.skipif(not (VENV / ".installed").exists() or shutil.which("make") is None,
                    reason="needs make and the venv `make install` made")
def test_make_lab_starts_with_a_read_only_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "MPL"))}
    env |= {"HOME": str(home), "BROWSER": "true"}
    lab = subprocess.Popen(["make", "--no-print-directory", "lab", f"VENV={VENV}",
                            "LAB_ARGS=--no-browser --port=18765 --port-retries=50"],
                           cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           start_new_session=True)
    seen, deadline = b"", time.monotonic() + 90
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(lab.stdout, selectors.EVENT_READ)
            while b"http://127.0.0.1:" not in seen and time.monotonic() < deadline \
                    and lab.poll() is None:
                if sel.select(timeout=1):
                    seen += os.read(lab.stdout.fileno(), 65536)
    finally:
        stop(lab)
    text = seen.decode("utf-8", "replace")
    assert "http://127.0.0.1:" in text, text[-3000:]
    assert "Running as root is not recommended" not in text
    assert "PermissionError" not in text and "Permission denied" not in text
    if os.geteuid() == 0:
        assert "--allow-root" in text


def stop(process):
    """SIGTERM to make and JupyterLab; SIGKILL if JupyterLab's shutdown takes too long."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
