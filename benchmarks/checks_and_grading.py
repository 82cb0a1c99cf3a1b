"""Benchmarks: in-notebook check latency, and grading throughput side by side with
executing the same notebooks one Jupyter kernel each through nbclient (what
nbgrader's autograde does).

    make bench            # or: .venv/bin/python benchmarks/checks_and_grading.py --n 40
"""
import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from checks import run_check
from checks.exercises import EXERCISES
from checks.grade import cached_reference, grade
from checks.source import ROOT


def check_latency(repeats=15):
    reference = cached_reference()
    rows = []
    for ex_id, ex in EXERCISES.items():
        if ex_id not in reference:
            continue
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            run_check(ex_id, reference[ex_id])
            times.append((time.perf_counter() - t) * 1000)
        rows.append((ex_id, statistics.median(times)))
    return rows


def class_of(n, folder):
    """n complete submissions: the solutions of lessons 01-03 (with outputs cleared), round robin."""
    sources = sorted((ROOT / "solutions").glob("0[1-3]_*.ipynb"))
    for i in range(n):
        src = sources[i % len(sources)]
        target = folder / f"learner{i:03d}" / src.name
        target.parent.mkdir(parents=True)
        shutil.copy(src, target)
    return sorted(folder.rglob("*.ipynb"))


def run_nbclient(paths):
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40, help="submissions to grade")
    args = parser.parse_args()

    print("In-notebook check latency (median of 15 runs, reference solution)")
    rows = check_latency()
    for ex_id, ms in rows:
        print(f"  {ex_id:<28} {ms:7.1f} ms {'ok' if ms < 50 else 'OVER 50 ms'}")
    print(f"  slowest: {max(ms for _, ms in rows):.1f} ms (target < 50 ms)\n")

    with tempfile.TemporaryDirectory() as tmp:
        paths = class_of(args.n, Path(tmp))
        cached_reference()
        t = time.perf_counter()
        results = grade([tmp], echo=lambda s: None)
        ours = time.perf_counter() - t
        t = time.perf_counter()
        run_nbclient(paths)
        theirs = time.perf_counter() - t
    full = sum(r["score"] == r["max_score"] for r in results)
    print(f"Grading {args.n} complete submissions (lessons 01-03), serial, this machine")
    print(f"  {'':<34}{'total':>9}{'per submission':>16}")
    print(f"  {'python -m checks grade':<34}{ours:8.1f}s{ours / args.n:15.2f}s")
    print(f"  {'nbclient, one kernel per notebook':<34}{theirs:8.1f}s{theirs / args.n:15.2f}s")
    print(f"  ratio (ours / nbclient): {ours / theirs:.2f}   (target <= 0.25)")
    print(f"  full marks: {full} of {args.n}")


if __name__ == "__main__":
    main()
