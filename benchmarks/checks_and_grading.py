"""Benchmarks: in-notebook check latency, and grading throughput side by side with
executing the same notebooks one Jupyter kernel each through nbclient (what
nbgrader's autograde does) and with the floor of starting one Python (with
NumPy) per submission.

    make bench            # or: .venv/bin/python benchmarks/checks_and_grading.py --n 40
    .venv/bin/python benchmarks/checks_and_grading.py --n 40 --class-size 500
"""
import argparse
import functools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from checks import run_check
from checks.catalogue import EXERCISES
from checks.classroom.grade_class import grade
from checks.classroom.hidden_cases import cached_reference
from checks.engine.source import ROOT
from checks.grading.zygote import ZYGOTE


def check_latency(repeats=15):
    reference = cached_reference()
    rows = []
    for ex_id in EXERCISES:
        if ex_id not in reference:
            continue
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            run_check(ex_id, reference[ex_id])
            times.append((time.perf_counter() - t) * 1000)
        rows.append((ex_id, statistics.median(times)))
    return rows


def language_latency(repeats=15, shows=50):
    """(exercise, ms judging, ms showing in English, ms showing in zh-TW) of a failing check:
    the first catalogued wrong answer of each exercise (tests/answers); medians of
    ``repeats`` judgings and ``shows`` renderings (the judging is the same in both languages,
    so the renderings are timed apart from its noise)."""
    import importlib
    import pkgutil

    import tests.answers as answers
    wrong = {}
    for m in pkgutil.iter_modules(answers.__path__):
        for ex_id, fns in importlib.import_module(f"tests.answers.{m.name}").WRONG.items():
            if fns and not EXERCISES[ex_id].seconds:
                wrong.setdefault(ex_id, fns[0][0])
    def median_ms(f, n):
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            f()
            samples.append((time.perf_counter() - t) * 1000)
        return statistics.median(samples)
    rows = []
    for ex_id, fn in wrong.items():
        verdict = run_check(ex_id, fn)
        judged = median_ms(functools.partial(run_check, ex_id, fn), repeats)
        rows.append((ex_id, judged, median_ms(functools.partial(verdict.text, "en"), shows),
                     median_ms(functools.partial(verdict.text, "zh-TW"), shows)))
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
    parser.add_argument("--class-size", type=int, default=0,
                        help="also time grading a class this large with --jobs 2")
    args = parser.parse_args()

    print("In-notebook check latency (median of 15 runs, reference solution)")
    rows = check_latency()
    trains = {i for i, ex in EXERCISES.items() if ex.seconds}    # the check trains a network
    for ex_id, ms in rows:
        verdict = ("a training run: not held to 50 ms" if ex_id in trains
                   else "ok" if ms < 50 else "OVER 50 ms")
        print(f"  {ex_id:<28} {ms:7.1f} ms {verdict}")
    print(f"  slowest: {max(ms for i, ms in rows if i not in trains):.1f} ms "
          f"(target < 50 ms; training runs aside)\n")

    print("A failing check (a catalogued wrong answer): judged, then shown in English and in "
          "zh-TW (medians)")
    print(f"  {'':<28}{'judged':>10}{'+ en':>10}{'+ zh-TW':>10}{'zh - en':>10}")
    langs = language_latency()
    for ex_id, judged, en, zh in langs:
        print(f"  {ex_id:<28}{judged:8.1f}ms{en:8.2f}ms{zh:8.2f}ms{zh - en:8.2f}ms "
              f"{'ok' if zh - en <= 5 else 'OVER 5 ms'}")
    print(f"  largest difference: {max(zh - en for _, _, en, zh in langs):.2f} ms "
          f"(target: a verdict in zh-TW within 5 ms of the English one)\n")

    with tempfile.TemporaryDirectory() as tmp:
        paths = class_of(args.n, Path(tmp))
        cached_reference()
        ours = {}
        for jobs in (1, 2):
            ZYGOTE.close()                       # each run pays for starting its zygote
            t = time.perf_counter()
            results = grade([tmp], echo=lambda s: None, jobs=jobs)
            ours[jobs] = time.perf_counter() - t
        ZYGOTE.close()
        peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        peak_grader = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t = time.perf_counter()
        for _ in paths:
            subprocess.run([sys.executable, "-I", "-c", "import numpy"], check=True)
        floor = time.perf_counter() - t
        t = time.perf_counter()
        run_nbclient(paths)
        theirs = time.perf_counter() - t
    n = args.n
    full = sum(r["score"] == r["max_score"] for r in results)
    print(f"Grading {n} complete submissions (lessons 01-03), this machine "
          f"({len(os.sched_getaffinity(0))} cores)")
    print(f"  {'':<44}{'total':>9}{'per submission':>16}{'/ nbclient':>12}")
    rows = [("python -m checks grade (serial)", ours[1]),
            ("python -m checks grade --jobs 2", ours[2]),
            ("floor: python -c 'import numpy', each", floor),
            ("nbclient, one kernel per notebook", theirs)]
    for name, seconds in rows:
        print(f"  {name:<44}{seconds:8.1f}s{seconds / n:15.2f}s{seconds / theirs:12.2f}")
    print(f"  ratio ours (serial) / nbclient: {ours[1] / theirs:.2f}   (target <= 0.20)")
    print(f"  ratio ours (serial) / floor:    {ours[1] / floor:.2f}")
    print(f"  peak memory: grader {peak_grader:.0f} MB; largest sandbox process "
          f"{peak_child:.0f} MB (resident, NumPy and Matplotlib pages shared with the zygote)")
    print(f"  full marks: {full} of {n}")
    if args.class_size:
        with tempfile.TemporaryDirectory() as tmp:
            class_of(args.class_size, Path(tmp))
            t = time.perf_counter()
            big = grade([tmp], echo=lambda s: None, jobs=2)
            seconds = time.perf_counter() - t
        print(f"A class of {args.class_size}, --jobs 2: {seconds:.0f} s "
              f"({seconds / 60:.1f} min, {seconds / args.class_size:.2f} s per submission); "
              f"full marks: {sum(r['score'] == r['max_score'] for r in big)}")


if __name__ == "__main__":
    main()
