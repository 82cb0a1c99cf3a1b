"""Benchmark: grading a whole course (lessons 01-08) per learner, and what stored
results save on the next run (what `python -m checks progress` does the second time).

    .venv/bin/python benchmarks/full_course.py --learners 41
    .venv/bin/python benchmarks/full_course.py --learners 3 --breakdown

Prints the first run (everything graded, --jobs 2), the second run on the unchanged
class (stored results reused) side by side as a ratio, and the projection for 500.
``--breakdown`` instead grades the learners one notebook at a time and prints where
each learner's CPU time went, per lesson: the grader's own process (reading the
notebook, hidden cases and their reference answers, judging, plain data), and the
sandbox (the child: its start, the learner's cells, the calls), with the grader's
one-off costs per batch (imports, reference solutions, the zygote).
"""
import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

STARTED = time.process_time()
from checks.classroom import class_report as progress
from checks.classroom.grade_class import default_store
from checks.classroom.hidden_cases import cached_reference
from checks.engine.nbread import nbformat as nbformat_module
from checks.engine.source import ROOT
from checks.grading.zygote import ZYGOTE

IMPORTED = time.process_time() - STARTED       # what the grader imports (nbformat: later)


def class_of(n, folder):
    """n learners, each with every lesson's solution (outputs cleared), each notebook made
    unique by a note with the learner's name (identical files would share a stored result)."""
    from checks.authoring.build import clear_outputs  # imports all of nbformat
    nbformat = nbformat_module()
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


def zygote_cpu():
    """(CPU seconds of the zygote itself, of its children that have ended), from /proc."""
    if ZYGOTE.proc is None:
        return 0.0, 0.0
    with open(f"/proc/{ZYGOTE.proc.pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def breakdown(n):
    """Grades ``n`` learners' whole course one notebook at a time; prints CPU per learner."""
    from checks.classroom import grade_class as grading
    from checks.grading.sandbox_policy import Limits
    from checks.grading.submissions import find_submissions
    started = time.process_time()
    reference = cached_reference()
    loaded = time.process_time() - started
    grading.isolation_status(Limits)             # starts the zygote, probes isolation once
    with tempfile.TemporaryDirectory() as tmp:
        cls = Path(tmp) / "class"
        class_of(n, cls)
        per = {}
        for student, nb in find_submissions([cls]):
            own, (_, kids) = time.process_time(), zygote_cpu()
            grading.grade_submission(nb, student, reference=reference, hide=[str(cls)])
            time.sleep(0.05)                         # the zygote reaps the child
            row = per.setdefault(nb.name[:2], [0.0, 0.0])
            row[0] += time.process_time() - own
            row[1] += zygote_cpu()[1] - kids
    print(f"CPU seconds per learner, {n} learners graded one notebook at a time "
          f"(load average {os.getloadavg()[0]:.1f})")
    print(f"  {'lesson':8}{'grader':>8}{'sandbox':>9}{'total':>8}")
    for lesson, (own, kids) in sorted(per.items()):
        print(f"  {lesson:8}{own / n:8.2f}{kids / n:9.2f}{(own + kids) / n:8.2f}")
    own, kids = (sum(row[i] for row in per.values()) for i in (0, 1))
    print(f"  {'course':8}{own / n:8.2f}{kids / n:9.2f}{(own + kids) / n:8.2f}")
    print(f"  once per batch: importing the grader and the checks {IMPORTED:.2f} s (and "
          f"nbformat, to read the first notebook), the reference solutions {loaded:.2f} s, "
          f"the zygote {zygote_cpu()[0]:.2f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=41)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--breakdown", action="store_true",
                        help="where each learner's CPU time goes, per lesson (serially)")
    args = parser.parse_args()
    if args.breakdown:
        return breakdown(args.learners)
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
        assert {**again, "snapshot": None} == {**first, "snapshot": None}
        full = first["learners"] == n_full(first, args.learners)
        shutil.rmtree(default_store([cls]), ignore_errors=True)
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
