"""Benchmark: grading a whole course (lessons 01-08) per learner, and what stored
results save on the next run (what `python -m checks progress` does the second time).

    .venv/bin/python benchmarks/full_course.py --learners 41

Prints the first run (everything graded, --jobs 2), the second run on the unchanged
class (stored results reused) side by side as a ratio, and the projection for 500.
"""
import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from checks.classroom import class_report as progress
from checks.authoring.build import clear_outputs
from checks.classroom.hidden_cases import cached_reference
from checks.grading.zygote import ZYGOTE
from checks.engine.source import ROOT


def class_of(n, folder):
    """n learners, each with every lesson's solution (outputs cleared), each notebook made
    unique by a note with the learner's name (identical files would share a stored result)."""
    sources = sorted((ROOT / "solutions").glob("0[1-8]_*.ipynb"))
    notebooks = {s.name: clear_outputs(nbformat.read(s, as_version=4)) for s in sources}
    for i in range(n):
        for name, nb in notebooks.items():
            mine = nbformat.from_dict(nb)
            mine.cells = [nbformat.v4.new_markdown_cell(f"learner{i:03d}")] + list(nb.cells)
            target = folder / f"learner{i:03d}" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(mine, target)
    return len(sources)


def cpu_seconds():
    """CPU time (user + system) of this process and of its children that have ended."""
    own, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def n_full(summary, n):
    """How many learners passed everything (every exercise passed by all n means n)."""
    return min(r["passed"] for r in summary["exercises"]) if summary["exercises"] else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=41)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cls = Path(tmp) / "class"
        lessons = class_of(args.learners, cls)
        cached_reference()
        quiet = lambda line: None                      # noqa: E731
        t, cpu = time.perf_counter(), cpu_seconds()
        first = progress.progress(cls, echo=quiet, jobs=args.jobs)
        graded = time.perf_counter() - t
        ZYGOTE.close()                    # its children's CPU time is counted once it ends
        cpu = cpu_seconds() - cpu
        t = time.perf_counter()
        again = progress.progress(cls, echo=quiet, jobs=args.jobs)
        reused = time.perf_counter() - t
        assert again == first
        full = first["learners"] == n_full(first, args.learners)
        shutil.rmtree(progress.results_folder(cls), ignore_errors=True)
    n = args.learners
    print(f"A class of {n} learners x {lessons} lessons ({n * lessons} notebooks), "
          f"--jobs {args.jobs}, this machine ({len(os.sched_getaffinity(0))} cores)")
    load = os.getloadavg()[0]
    print(f"  first run (all graded):        {graded:7.1f} s  {graded / n:5.2f} s per learner"
          f"   (load average now {load:.1f})")
    print(f"  CPU time of the first run:     {cpu:7.1f} s  {cpu / n:5.2f} s per learner: on "
          f"{args.jobs} otherwise idle cores, about {cpu / n / args.jobs:.1f} s per learner")
    print(f"  second run (stored results):   {reused:7.1f} s  {reused / n:5.2f} s per learner"
          f"   ratio second / first: {reused / graded:.3f}")
    print(f"  every exercise passed by every learner: {full}")
    print(f"  projected for 500 learners:    {graded / n * 500 / 60:7.1f} min first run at this "
          f"load, {cpu / n / args.jobs * 500 / 60:.0f} min on idle cores; "
          f"{reused / n * 500:.0f} s second run")


if __name__ == "__main__":
    main()
