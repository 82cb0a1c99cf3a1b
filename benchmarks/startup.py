"""Benchmark: how long the command line takes to start, side by side with a bare Python.

Each command runs ``--n`` times, the commands interleaved (so a burst of load on a shared
machine falls on all of them alike), each as a learner's install runs it: from the course
folder, with its bytecode cached (in a temporary folder, so the course is left as it was).
``status`` is timed with nothing changed since its last run (one run first fills its cache;
that run grades your notebooks/ and is not counted).

    make bench         # or: .venv/bin/python benchmarks/startup.py --n 20
    .venv/bin/python benchmarks/startup.py --course /tmp/old-copy    # another copy, to compare

Prints the minimum and the median wall time of each, the median CPU time (user + system:
what the command itself costs, which a busy machine inflates less than the wall time), and
the ratio of each median to bare Python's (the goals: ``--help`` under 0.2 s, ``status`` under
0.5 s of wall time, on an idle machine).
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]

COMMANDS = [
    ("python -c pass (bare Python)", ["-c", "pass"]),
    ("python -m checks --help", ["-m", "checks", "--help"]),
    ("python -m checks status (nothing changed)", ["-m", "checks", "status"]),
    ("python -c 'from checks import check'", ["-c", "from checks import check"]),
]


def cpu():
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(args, env, course):
    """(wall seconds, CPU seconds) of one run of ``python ARGS`` in ``course``."""
    t, c = time.perf_counter(), cpu()
    subprocess.run([sys.executable, *args], cwd=course, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, cpu() - c


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=15, help="runs of each command (default 15)")
    parser.add_argument("--course", type=Path, default=HERE,
                        help="the course folder to time (default: this one)")
    options = parser.parse_args()
    n, course = options.n, options.course.resolve()
    with tempfile.TemporaryDirectory(prefix="startup-pyc-") as pyc:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = pyc
        env["PYTHONPATH"] = str(course)     # its checks/, whatever this venv has installed
        for _, args in COMMANDS:            # bytecode compiled, status's results stored
            run(args, env, course)
        times = {name: [] for name, _ in COMMANDS}
        for _ in range(n):
            for name, args in COMMANDS:
                times[name].append(run(args, env, course))
    def median(name, i):
        return statistics.median(t[i] for t in times[name])
    bare = COMMANDS[0][0]
    print(f"Starting the command line of {course}, {n} runs each, interleaved (load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  {'':44}{'wall: min':>10}{'median':>9}{'/ bare':>8}{'CPU: median':>13}{'/ bare':>8}")
    for name, _ in COMMANDS:
        print(f"  {name:44}{min(t[0] for t in times[name]):9.3f}s{median(name, 0):8.3f}s"
              f"{median(name, 0) / median(bare, 0):7.1f}x{median(name, 1):12.3f}s"
              f"{median(name, 1) / median(bare, 1):7.1f}x")


if __name__ == "__main__":
    main()
