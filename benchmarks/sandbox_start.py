"""Benchmark: starting one sandbox, ours (a fork of the zygote that builds its namespaces,
allow-listed root and system-call filter) side by side with bubblewrap starting a fresh
Python that imports NumPy and Matplotlib (what calling `bwrap` per submission costs),
and with a bare `python -c "import numpy, matplotlib.pyplot"` (the floor of any exec).

    .venv/bin/python benchmarks/sandbox_start.py [--n 10]
"""
import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from checks.engine.source import ROOT
from checks.grading.sandbox import Sandbox
from checks.grading.sandbox_policy import Limits, keep_paths
from checks.grading.zygote import font_cache, isolation_refused

IMPORTS = f"import sys; sys.path.insert(0, {str(ROOT)!r}); import numpy, matplotlib.pyplot, blocks"


def ours(n):
    with Sandbox(["pass"]):
        pass                                        # the zygote's own start, not counted
    times = []
    for _ in range(n):
        t = time.perf_counter()
        with Sandbox(["x = 1"]):
            pass
        times.append(time.perf_counter() - t)
    return times


def bwrap(n):
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in keep_paths():
        p = Path(path)
        if p.is_symlink():
            args += ["--symlink", str(p.readlink()), path]
        elif p.exists():
            args += ["--ro-bind", path, path]
    cache = font_cache()
    if cache:
        args += ["--ro-bind", str(cache[0].parent), "/mplcache", "--setenv", "MPLCONFIGDIR",
                 "/mplcache"]
    return timed(args + [sys.executable, "-I", "-c", IMPORTS], n)


def timed(cmd, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10)
    n = parser.parse_args().n
    why = isolation_refused(Limits)
    rows = [("ours: fork of the zygote, isolated" if why is None
             else f"ours, NOT isolated ({why})", statistics.median(ours(n)))]
    if shutil.which("bwrap"):
        rows.append(("bubblewrap + a fresh Python", statistics.median(bwrap(n))))
    else:
        print("bwrap not found (apt-get install bubblewrap): its row is skipped")
    rows.append(("a fresh Python, no sandbox", statistics.median(timed(
        [sys.executable, "-I", "-c", IMPORTS], n))))
    base = rows[0][1]
    print(f"sandbox start, median of {n}:")
    for name, seconds in rows:
        print(f"  {name:<40} {seconds * 1000:8.0f} ms  {seconds / base:6.1f}x")


if __name__ == "__main__":
    main()
