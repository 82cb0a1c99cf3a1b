"""How long a learner's install takes, and where the time goes.

Runs the README's route in a fresh virtual environment under a temporary folder (the course
folder is not touched): ``python -m venv``, ``pip install -r requirements.txt`` (split into
resolving and reading the cache or index, then installing), ``pip install --no-deps -e .``.
Prints wall and CPU time per step, and the load average (on a busy machine compare CPU
times). With a warm pip cache this measures the install itself, not the download.

    python3 benchmarks/learner_install.py
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(command, label):
    """Runs ``command`` in the course folder; prints and returns its wall time."""
    start, before = time.monotonic(), os.times()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    installing = None
    for line in process.stdout:
        if installing is None and line.startswith("Installing collected packages"):
            installing = time.monotonic() - start
    process.wait()
    wall, after = time.monotonic() - start, os.times()
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    split = (f" (resolving and fetching {installing:.1f} s, installing "
             f"{wall - installing:.1f} s)" if installing is not None else "")
    print(f"{label:<44} {wall:6.1f} s wall {cpu:6.1f} s CPU{split}", flush=True)
    if process.returncode:
        sys.exit(f"{label} failed (exit code {process.returncode})")
    return wall, cpu


def main():
    folder = Path(tempfile.mkdtemp(prefix="learner-install-"))
    venv = folder / "venv"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    try:
        steps = [run([sys.executable, "-m", "venv", str(venv)], "python -m venv"),
                 run([str(python), "-m", "pip", "install", "--progress-bar", "off",
                      "--disable-pip-version-check", "-r", "requirements.txt"],
                     "pip install -r requirements.txt"),
                 run([str(python), "-m", "pip", "install", "-qq", "--no-deps",
                      "--disable-pip-version-check", "-e", "."], "pip install --no-deps -e .")]
        print(f"{'total':<44} {sum(w for w, _ in steps):6.1f} s wall "
              f"{sum(c for _, c in steps):6.1f} s CPU; load average "
              + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
