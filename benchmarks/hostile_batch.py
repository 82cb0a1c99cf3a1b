"""A class batch with a few hostile learners, side by side with the same batch without them.

    .venv/bin/python benchmarks/hostile_batch.py [--learners 40] [--hostile 3] [--jobs 2]

The clean batch: ``--learners`` learners, each handing in lessons 01-04 (the solutions,
each notebook made unique by a comment naming its learner). The hostile batch: the same,
with ``--hostile`` of them replaced by learners whose four notebooks are each the solution
plus 30 cells of ``time.sleep(9.6)`` (under the 10 s cell limit, so every cell is allowed
to run: only the budgets stop them). Both are graded by ``grade`` with ``--jobs`` at a
time, isolated where this machine allows it (else with --no-isolation's limits).
Then the hostile batch is graded again into the same results folder: the hostile
learners' results were decided by their own code, so they are stored and cost nothing
the second time.

Prints the three wall times and the ratio hostile / clean (the goal: below 2).
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from checks.classroom.grade_class import grade
from checks.engine.source import ROOT
from checks.grading.sandbox_policy import Limits, Unisolated
from checks.grading.zygote import isolation_refused

LESSONS = ("01_weighted_sum", "02_activations", "03_forward_pass", "04_loss")


def write_class(folder, learners, hostile):
    """``learners`` folders of four notebooks; the first ``hostile`` of them sleep."""
    for n in range(learners):
        name = f"learner{n:03d}" if n >= hostile else f"hostile{n:03d}"
        for lesson in LESSONS:
            nb = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
            nb.cells.append(nbformat.v4.new_code_cell(f"# {name}"))
            if n < hostile:
                nb.cells += [nbformat.v4.new_code_cell("import time\ntime.sleep(9.6)")
                             for _ in range(30)]
            path = folder / name / f"{lesson}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)


def timed(folder, limits, jobs, results=None):
    started = time.monotonic()
    out = grade([folder], limits=limits, jobs=jobs, results_dir=results, echo=lambda *a: None)
    return time.monotonic() - started, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--hostile", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    limits = Limits if isolation_refused() is None else Unisolated
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_class(tmp / "clean", args.learners, 0)
        write_class(tmp / "hostile", args.learners, args.hostile)
        timed(tmp / "clean" / "learner000", limits, 1)          # the zygote, warmed once
        clean, clean_results = timed(tmp / "clean", limits, args.jobs)
        hostile, hostile_results = timed(tmp / "hostile", limits, args.jobs, tmp / "store")
        again, _ = timed(tmp / "hostile", limits, args.jobs, tmp / "store")
    honest = {(r["student"], r["path"].rsplit("/", 1)[-1]): r["score"] for r in clean_results
              if not r["student"].startswith("hostile")}
    same = all(honest.get((r["student"], r["path"].rsplit("/", 1)[-1])) == r["score"]
               for r in hostile_results if not r["student"].startswith("hostile"))
    bad = sum(bool(r.get("transient")) for r in hostile_results)
    print(f"isolation: {'on' if limits is Limits else 'off (--no-isolation limits)'}; "
          f"jobs {args.jobs}; lessons {LESSONS[0][:2]}-{LESSONS[-1][:2]}")
    print(f"{'batch':<44} {'notebooks':>9} {'wall s':>8}")
    print(f"{'clean: %d learners' % args.learners:<44} {len(clean_results):>9} {clean:>8.1f}")
    print(f"{'hostile: %d of them sleeping 30 x 9.6 s' % args.hostile:<44} "
          f"{len(hostile_results):>9} {hostile:>8.1f}")
    print(f"{'hostile again (stored results)':<44} {len(hostile_results):>9} {again:>8.1f}")
    print(f"ratio hostile / clean: {hostile / clean:.2f} (goal: below 2); honest learners' "
          f"scores {'identical' if same else 'DIFFER'}; transient results: {bad}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
