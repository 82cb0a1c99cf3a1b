"""Benchmark: `python -m checks progress FOLDER` run again with nothing new (an instructor
refreshing the class report during a live session), wall time from the shell, Python's
start included, beside Python's start alone and `import nbformat` alone.

    .venv/bin/python benchmarks/progress_rerun.py --learners 20 --repeats 5
    .venv/bin/python benchmarks/progress_rerun.py --course /path/to/another/checkout

The class (each learner: lessons 01 and 02 from the solutions, made unique) is graded
once by the first run; the reruns find every result stored. ``--course``: run the
commands in another checkout of the course (an older commit, to compare), with this
Python. Prints medians of wall and CPU time (user + system, of the process and its
children) and each one's ratio to Python's start. On a busy machine the wall time is the
CPU time plus the wait for a core: the CPU time is the figure an idle machine shows.
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

from checks.authoring.build import clear_outputs
from checks.engine.nbread import nbformat as nbformat_module
from checks.engine.source import ROOT


def class_of(n, folder, lessons=("01", "02")):
    """n learners with the solutions of ``lessons`` (outputs cleared), each made unique."""
    nbformat = nbformat_module()
    sources = [p for p in sorted((ROOT / "solutions").glob("0[0-9]_*.ipynb"))
               if p.name[:2] in lessons]
    for i in range(n):
        for source in sources:
            nb = clear_outputs(nbformat.read(source, as_version=4))
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"learner{i:03d}"))
            target = folder / f"learner{i:03d}" / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
    return len(sources)


# as installed: Python keeps the modules' bytecode (PYTHONDONTWRITEBYTECODE would have
# every run compile the course's modules again)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command, cwd):
    """(wall seconds, CPU seconds of the command and what it started)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, env=ENV)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--course", type=Path, default=ROOT,
                        help="the checkout whose `python -m checks progress` is measured")
    args = parser.parse_args()
    env_python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        cls = Path(tmp) / "class"
        lessons = class_of(args.learners, cls)
        progress = [env_python, "-m", "checks", "progress", str(cls), "--jobs", "2"]
        first, _ = timed(progress, args.course)
        commands = {"python -c pass (Python's start)": [env_python, "-c", "pass"],
                    "python -c 'import nbformat'": [env_python, "-c", "import nbformat"],
                    "progress again, nothing new": progress}
        runs = {name: [timed(c, args.course) for _ in range(args.repeats)]
                for name, c in commands.items()}
    floor = statistics.median(w for w, _ in runs["python -c pass (Python's start)"])
    print(f"{args.learners} learners x {lessons} lessons ({args.learners * lessons} notebooks), "
          f"course at {args.course}; first run (all graded) {first:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f}; median of {args.repeats}")
    print(f"  {'':36}{'wall':>8}{'CPU':>8}{'wall / Python start':>22}")
    for name, values in runs.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(f"  {name:36}{wall:7.2f}s{cpu:7.2f}s{wall / floor:21.1f}x")


if __name__ == "__main__":
    main()
